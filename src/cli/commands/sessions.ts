// `bridle sessions ls|show ID|events ID|kill ID|resume ID|fork ID` — sessions as the daemon (started on demand)
// knows them, including those of earlier daemons (ended ones stay in the store).
import type { Command } from '../command.js';
import { EXIT_FAIL, EXIT_OK, UsageError } from '../command.js';
import { connectDaemon, type DaemonClient } from '../../daemon/index.js';
import { loadSpec } from '../../spec/index.js';
import { allowlisted } from '../../session/env.js';
import type { Ask, Session, StoredEvent, Usage } from '../../store/index.js';
import { renderEvent } from '../../session/transcript.js';
import { attachKeys, attachTerminal, type AttachKeys } from '../attach.js';
import { loadKeymap } from '../../tui/keymap-config.js';
import { DiagnosticError } from '../../util/diagnostic.js';

const usage = `Usage:
  bridle sessions [ls] [--json]        sessions, newest first
  bridle sessions show ID [--json]     one session: state, spend, asks, usage
  bridle sessions events ID [--json]   its events (a transcript; --json: one event per line)
  bridle sessions attach ID            this terminal becomes an interactive session's terminal
                                       (the prefix key then d detaches: Ctrl-b d, or the
                                       \`prefix:\` of keys.yaml in the user config dir, as in the
                                       dashboard; the session keeps running)
  bridle sessions kill ID              end it and its whole process tree
  bridle sessions resume ID            run an ended session again, continuing its conversation
  bridle sessions fork ID              a new session starting from a copy of its conversation`;

/**
 * The variables the session's spec passes through, from this client's environment (as `run`
 * sends them): nothing else leaves. A spec that no longer loads passes nothing; the daemon then
 * reports what is wrong with it.
 */
async function continueEnv(client: DaemonClient, id: string, env: Readonly<Record<string, string | undefined>>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const { session } = await client.request<{ session: Session }>('show', { session: id });
  let allow: readonly string[] = [];
  try {
    if (session.specPath !== null) allow = loadSpec(session.specPath).env;
  } catch {
    return out;
  }
  for (const [k, v] of Object.entries(env)) if (v !== undefined && allowlisted(allow, k)) out[k] = v;
  return out;
}

function age(ms: number): string {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  return `${Math.round(s / 3600)}h`;
}

export const sessionsCommand: Command = {
  name: 'sessions',
  usage,
  async run(argv, io) {
    const json = argv.includes('--json');
    const args = argv.filter((a) => a !== '--json');
    for (const a of args) if (a.startsWith('-')) throw new UsageError(`unknown option \`${a}\``);
    const [sub = 'ls', id, ...extra] = args;
    if (extra.length > 0) throw new UsageError(`unexpected argument \`${extra[0]}\``);
    if (sub !== 'ls' && id === undefined) throw new UsageError(`\`sessions ${sub}\` needs a session id`);
    if (sub === 'ls' && id !== undefined) throw new UsageError(`unexpected argument \`${id}\``);
    if (!['ls', 'show', 'events', 'attach', 'kill', 'resume', 'fork'].includes(sub)) throw new UsageError(`unknown subcommand \`${sub}\``);

    if (sub === 'attach' && (!process.stdin.isTTY || !process.stdout.isTTY)) throw new UsageError('`sessions attach` needs a terminal');
    // The user's prefix key, as the dashboard has it; a broken keys.yaml is reported before attaching.
    let keys: AttachKeys | undefined;
    if (sub === 'attach') {
      try {
        keys = attachKeys(loadKeymap(io.env));
      } catch (err) {
        if (!(err instanceof DiagnosticError)) throw err;
        io.stderr(`${err.message}\n`);
        return EXIT_FAIL;
      }
    }

    const client = await connectDaemon(io.env, 'bridle sessions');
    try {
      if (sub === 'attach') {
        const end = await attachTerminal(client, id!, { stdin: process.stdin, stdout: process.stdout }, keys);
        io.stderr(end === 'detached' ? `detached from ${id}; it keeps running\n` : end === 'closed' ? `${id}: its terminal closed\n` : 'lost the connection to the daemon\n');
        return end === 'lost' ? EXIT_FAIL : EXIT_OK;
      }
      if (sub === 'ls') {
        const rows = await client.request<Session[]>('list', { limit: 100 });
        if (json) {
          for (const r of rows) io.stdout(`${JSON.stringify(r)}\n`);
          return EXIT_OK;
        }
        if (rows.length === 0) {
          io.stdout('no sessions\n');
          return EXIT_OK;
        }
        io.stdout(`${'ID'.padEnd(28)} ${'AGENT'.padEnd(16)} ${'HARNESS'.padEnd(12)} ${'STATE'.padEnd(12)} ${'AGE'.padEnd(5)} COST\n`);
        for (const r of rows) {
          io.stdout(`${r.id.padEnd(28)} ${r.agent.padEnd(16)} ${r.harness.padEnd(12)} ${r.state.padEnd(12)} ${age(r.createdAt).padEnd(5)} $${r.costUsd.toFixed(4)}\n`);
        }
        return EXIT_OK;
      }
      if (sub === 'show') {
        const r = await client.request<{ session: Session; live: boolean; asks: Ask[]; usage: Usage[] }>('show', { session: id });
        if (json) {
          io.stdout(`${JSON.stringify(r)}\n`);
          return EXIT_OK;
        }
        const s = r.session;
        io.stdout(
          [
            `session   ${s.id}${r.live ? ' (live)' : ''}`,
            `agent     ${s.agent} (${s.harness})`,
            `state     ${s.state}${s.exitCode !== null ? ` (exit ${s.exitCode})` : ''}`,
            `spec      ${s.specPath ?? '-'}`,
            `workspace ${s.workspace ?? '-'}`,
            `spend     $${s.costUsd.toFixed(4)}, ${s.tokens} tokens over ${r.usage.length} model call(s)`,
            `asks      ${r.asks.length === 0 ? 'none' : ''}`,
            ...r.asks.map((a) => `  ${a.id} ${a.state}${a.answeredBy ? ` by ${a.answeredBy}` : ''}: ${a.prompt}`),
            '',
          ].join('\n'),
        );
        return EXIT_OK;
      }
      if (sub === 'events') {
        const st = { atLineStart: true, denied: new Set<string>() };
        let after = 0;
        for (;;) {
          const batch = await client.request<StoredEvent[]>('events', { session: id, after_seq: after, limit: 1000 });
          for (const e of batch) {
            if (json) io.stdout(`${JSON.stringify({ seq: e.seq, ts: e.ts, type: e.type, ...(e.payload as object) })}\n`);
            else renderEvent(e, st, io);
          }
          if (batch.length < 1000) break;
          after = batch[batch.length - 1]!.seq;
        }
        if (!json && !st.atLineStart) io.stdout('\n');
        return EXIT_OK;
      }
      if (sub === 'resume' || sub === 'fork') {
        const r = await client.request<{ session: string }>(sub, { session: id, env: await continueEnv(client, id!, io.env) });
        io.stdout(sub === 'resume' ? `${id}: resumed\n` : `${r.session}: forked from ${id}\n`);
        return EXIT_OK;
      }
      const r = await client.request<{ state: string | null }>('kill', { session: id });
      io.stdout(`${id}: ${r.state ?? 'ended'}\n`);
      return EXIT_OK;
    } catch (err) {
      io.stderr(`bridle sessions: ${(err as Error).message}\n`);
      return EXIT_FAIL;
    } finally {
      client.close();
    }
  },
};
