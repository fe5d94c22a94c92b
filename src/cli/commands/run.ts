// `bridle run SPEC.yaml [-p PROMPT] --headless [--json] [--cwd DIR] [--no-ask] [--ask-timeout S]
// [--model-server SCRIPT] [--model MODEL]` — start a session in the daemon (started on demand) and follow it.
// The daemon owns the session; this command is one client of it, so an attached dashboard or a
// test client sees the same events and can answer the same asks.
import path from 'node:path';
import { existsSync, statSync } from 'node:fs';
import type { Command, CliIO } from '../command.js';
import { EXIT_FAIL, EXIT_OK, UsageError } from '../command.js';
import { loadSpec } from '../../spec/index.js';
import { allowlisted } from '../../session/env.js';
import { connectDaemon, type EventsPush } from '../../daemon/index.js';
import { DiagnosticError } from '../../util/diagnostic.js';
import { renderEvent, type RenderState } from '../../session/transcript.js';
import { interactiveKinds } from '../../harness/index.js';
import { attachKeys, attachTerminal, type AttachKeys } from '../attach.js';
import { loadKeymap } from '../../tui/keymap-config.js';
import { ArgReader, unexpected } from '../flags.js';

const usage = `Usage:
  bridle run SPEC.yaml -p PROMPT --headless [--json] [--cwd DIR] [--no-ask] [--ask-timeout SECONDS]
                       [--model-server SCRIPT] [--model MODEL]
  bridle run SPEC.yaml [-p PROMPT] [--cwd DIR] [--no-ask] [--model-server SCRIPT] [--model MODEL]   (interactive)

Starts a session of the agent in SPEC.yaml in the Bridle daemon (starting the daemon if needed),
sends PROMPT, prints the session as it happens, and exits when the agent's turn ends: 0 when it
completed, 1 when the agent failed or the session was interrupted.

Options:
  -p, --prompt TEXT      the task
  --headless             print the transcript instead of showing the agent's own TUI
                         (without it, a spec whose \`mode\` is interactive — the default — runs
                         the vendor's TUI in the daemon and attaches this terminal to it;
                         the prefix key then d detaches, leaving the session running: Ctrl-b d,
                         or the \`prefix:\` of keys.yaml in the user config dir, as in the dashboard)
  --json                 print every normalized event as one JSON object per line instead
  --cwd DIR              the agent's working directory (default: the current directory)
  --no-ask               deny every action a policy would ask a human about, with a clear reason
  --ask-timeout SECONDS  how long an ask waits for an answer before it is denied (default 600)
  --model-server SCRIPT  offline: serve the model APIs from this scripted model server script
                         (see src/model-server/README.md) instead of the vendors' APIs; a spec
                         can name one itself as \`params: { model_server: FILE }\`
  --model MODEL          use this model instead of the spec's \`model\` (e.g. a gpt-* model when
                         the spec's harness is swapped to codex)

Asks go to every attached client (\`bridle\` dashboard, or any protocol client); answer them over
the daemon protocol (docs/protocol.md). Ctrl-C ends the session.`;

interface Options {
  spec: string;
  prompt?: string;
  headless: boolean;
  json: boolean;
  cwd: string;
  noAsk: boolean;
  askTimeoutS?: number;
  modelServer?: string;
  model?: string;
}

function parseArgs(argv: string[], cwd: string): Options {
  let spec: string | undefined;
  const o: Partial<Options> = { headless: false, json: false, noAsk: false };
  let dir = cwd;
  const args = new ArgReader(argv);
  for (const arg of args) {
    if (arg.kind === 'positional') {
      if (spec !== undefined) throw unexpected(arg.value);
      spec = path.resolve(cwd, arg.value);
      continue;
    }
    switch (arg.flag) {
      case '-p':
      case '--prompt':
        o.prompt = args.value();
        break;
      case '--headless':
        o.headless = args.flag();
        break;
      case '--json':
        o.json = args.flag();
        break;
      case '--no-ask':
        o.noAsk = args.flag();
        break;
      case '--cwd':
        dir = path.resolve(cwd, args.value());
        break;
      case '--model-server':
        o.modelServer = path.resolve(cwd, args.value());
        break;
      case '--model': {
        const m = args.value();
        if (!m.trim()) throw args.invalid('a model name', m);
        o.model = m;
        break;
      }
      case '--ask-timeout': {
        const text = args.value();
        const n = Number(text);
        if (!/^\d+(\.\d+)?$/.test(text) || n <= 0) throw args.invalid('a positive number of seconds', text);
        o.askTimeoutS = n;
        break;
      }
      default:
        throw args.unknown();
    }
  }
  if (spec === undefined) throw new UsageError('missing SPEC.yaml');
  return { ...(o as Options), spec, cwd: dir };
}

export const runCommand: Command = {
  name: 'run',
  usage,
  async run(argv, io) {
    const opts = parseArgs(argv, io.cwd);
    let spec;
    try {
      spec = loadSpec(opts.spec);
    } catch (err) {
      if (err instanceof DiagnosticError) {
        io.stderr(`${err.message}\n`);
        return EXIT_FAIL;
      }
      throw err;
    }
    const interactive = !opts.headless && spec.mode !== 'headless';
    if (interactive && !interactiveKinds().includes(spec.harness)) {
      throw new UsageError(`harness ${spec.harness} has no interactive mode; pass --headless (or set \`mode: headless\`)`);
    }
    if (!interactive && opts.prompt === undefined) throw new UsageError('a headless run needs -p PROMPT');
    if (!existsSync(opts.cwd) || !statSync(opts.cwd).isDirectory()) throw new UsageError(`--cwd ${opts.cwd} is not a directory`);
    // A spec may name its own offline script (the shipped hello example does); --model-server wins.
    const own = spec.params.model_server;
    if (opts.modelServer === undefined && typeof own === 'string') opts.modelServer = path.resolve(spec.dir, own);
    if (opts.modelServer !== undefined && !existsSync(opts.modelServer)) throw new UsageError(`--model-server ${opts.modelServer}: no such file`);
    return interactive ? runInteractive(opts, spec.env, io) : follow(opts, spec.env, io);
  },
};

/** The variables the spec passes through, from the client's environment; nothing else leaves. */
function passEnv(allow: readonly string[], io: CliIO): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(io.env)) if (v !== undefined && allowlisted(allow, k)) env[k] = v;
  return env;
}

/** Interactive: the vendor's TUI in the daemon, this terminal attached to it until the user detaches. */
async function runInteractive(opts: Options, allow: readonly string[], io: CliIO): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) throw new UsageError('an interactive run needs a terminal; pass --headless');
  // The user's prefix key, as the dashboard has it; a broken keys.yaml is reported before starting.
  let keys: AttachKeys;
  try {
    keys = attachKeys(loadKeymap(io.env));
  } catch (err) {
    if (!(err instanceof DiagnosticError)) throw err;
    io.stderr(`${err.message}\n`);
    return EXIT_FAIL;
  }
  const client = await connectDaemon(io.env, 'bridle run');
  try {
    const { session: id } = await client.request<{ session: string }>('start', {
      spec: opts.spec,
      cwd: opts.cwd,
      mode: 'interactive',
      ...(opts.prompt !== undefined ? { prompt: opts.prompt } : {}),
      no_ask: opts.noAsk,
      ...(opts.askTimeoutS !== undefined ? { ask_timeout_ms: Math.round(opts.askTimeoutS * 1000) } : {}),
      ...(opts.modelServer !== undefined ? { model_server: opts.modelServer } : {}),
      ...(opts.model !== undefined ? { model: opts.model } : {}),
      cols: process.stdout.columns || 80,
      rows: process.stdout.rows || 24,
      env: passEnv(allow, io),
    });
    const end = await attachTerminal(client, id, { stdin: process.stdin, stdout: process.stdout }, keys);
    if (end === 'detached') {
      io.stderr(`bridle: detached from session ${id}; it keeps running in the daemon (bridle sessions kill ${id} ends it)\n`);
      return EXIT_OK;
    }
    if (end === 'lost') {
      io.stderr('bridle run: lost the connection to the daemon\n');
      return EXIT_FAIL;
    }
    // The PTY closed: the session is ending; its final state is the exit status.
    let state: string | undefined;
    for (;;) {
      const shown = await client.request<{ session: { state: string }; live: boolean }>('show', { session: id });
      state = shown.session.state;
      if (!shown.live) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    io.stderr(`bridle: session ${id} ${state}\n`);
    return state === 'done' ? EXIT_OK : EXIT_FAIL;
  } catch (err) {
    io.stderr(`bridle run: ${(err as Error).message}\n`);
    return EXIT_FAIL;
  } finally {
    client.close();
  }
}

async function follow(opts: Options, allow: readonly string[], io: CliIO): Promise<number> {
  // Only the variables the spec passes through leave this process.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(io.env)) if (v !== undefined && allowlisted(allow, k)) env[k] = v;

  const client = await connectDaemon(io.env, 'bridle run');
  let started: { session: string };
  try {
    started = await client.request<{ session: string }>('start', {
      spec: opts.spec,
      cwd: opts.cwd,
      prompt: opts.prompt,
      one_shot: true,
      no_ask: opts.noAsk,
      ...(opts.askTimeoutS !== undefined ? { ask_timeout_ms: Math.round(opts.askTimeoutS * 1000) } : {}),
      ...(opts.modelServer !== undefined ? { model_server: opts.modelServer } : {}),
      ...(opts.model !== undefined ? { model: opts.model } : {}),
      env,
    });
  } catch (err) {
    client.close();
    io.stderr(`bridle run: ${(err as Error).message}\n`);
    return EXIT_FAIL;
  }
  const id = started.session;
  if (!opts.json) io.stderr(`bridle: session ${id}\n`);

  const render: RenderState = { atLineStart: true, denied: new Set() };
  let finished = false;
  const outcome = new Promise<number>((resolve) => {
    client.onEvents((push: EventsPush) => {
      if (push.session !== id) return;
      for (const e of push.events) {
        if (opts.json) io.stdout(`${JSON.stringify({ seq: e.seq, ts: e.ts, type: e.type, ...(e.payload as object) })}\n`);
        else renderEvent(e, render, io);
        const p = e.payload as { kind?: string; state?: string };
        if (e.type === 'lifecycle' && p.kind === 'state' && (p.state === 'done' || p.state === 'failed' || p.state === 'interrupted')) {
          finished = true;
          resolve(p.state === 'done' ? EXIT_OK : EXIT_FAIL);
        }
      }
    });
    client.onClosed(() => {
      if (finished) return;
      io.stderr('bridle run: lost the connection to the daemon\n');
      resolve(EXIT_FAIL);
    });
  });
  const interrupt = (): void => void client.request('kill', { session: id }).catch(() => undefined);
  process.once('SIGINT', interrupt);
  try {
    await client.request('subscribe', { session: id, after_seq: 0 });
    return await outcome;
  } finally {
    process.off('SIGINT', interrupt);
    client.close();
  }
}
