// The session manager in-process (one per daemon), with real sessions: real sandbox, real egress
// proxy, real policy engine and store, and Bridle's own agent against a scripted model server.
//
// - Every session's proxy intercepts with the same CA (one per manager), and each agent reads a
//   trust bundle holding it.
// - Budget rules see the spend the proxy metered, exactly, including the spend of an earlier run
//   of a resumed session.
// - A tool result a `redact` rule rewrote is recorded in the decisions table as `redact`.
import test, { type ExecutionContext } from 'ava';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { SessionManager } from '../../src/session/manager.js';
import type { Session } from '../../src/session/session.js';
import type { Decision, StoredEvent } from '../../src/store/index.js';
import { makeWorld, type World } from '../daemon/helpers.js';

interface Setup {
  world: World;
  manager: SessionManager;
}

function setup(t: ExecutionContext): Setup {
  const world = makeWorld();
  // No server-level rules: only the spec's own policies take part.
  const manager = new SessionManager({ env: world.env, userHome: world.workspace('home'), serverPolicy: { rules: [], defaults: {}, files: [] } });
  t.teardown(async () => {
    await manager.shutdown();
    await world.dispose();
  });
  return { world, manager };
}

function writeFile(world: World, name: string, lines: string[]): string {
  const file = path.join(world.root, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const text = (events: StoredEvent[]): string =>
  events
    .filter((e) => e.type === 'text')
    .map((e) => String((e.payload as { text?: unknown }).text ?? ''))
    .join('');

async function ended(s: Session): Promise<void> {
  const end = await s.ended;
  if (end !== 'done') throw new Error(`session ${s.id} ended ${end}`);
}

test('every session of one manager intercepts with the same CA; each agent reads a bundle that holds it', async (t) => {
  const { world, manager } = setup(t);
  // The agent prints the CA certificate its environment names, and whether its trust bundle (the
  // file curl, git, Python and OpenSSL read) contains it — read from inside the sandbox.
  const spec = writeFile(world, 'ca-reader.yaml', [
    'name: ca-reader',
    'harness: command',
    'mode: headless',
    `command: 'cat "$NODE_EXTRA_CA_CERTS"; if grep -qF "$(sed -n 2p "$NODE_EXTRA_CA_CERTS")" "$SSL_CERT_FILE"; then echo BUNDLE-HAS-CA; fi'`,
    'sandbox: { mode: workspace-write, network: proxy }',
  ]);
  const cwd = world.workspace('ca');
  const a = manager.start({ specPath: spec, cwd, oneShot: true });
  const b = manager.start({ specPath: spec, cwd, oneShot: true });
  await Promise.all([ended(a), ended(b)]);
  const ca = manager.interceptionCa();
  for (const s of [a, b]) {
    const out = text(manager.store.readEvents(s.id, { limit: 10_000 }));
    t.true(out.includes(ca.certPem.trim()), `${s.id} printed:\n${out}`);
    t.regex(out, /BUNDLE-HAS-CA/, s.id);
  }
  t.is(manager.interceptionCa(), ca, 'minted once');
  // What a harness can continue comes from its adapter: `command` has no conversation.
  t.throws(() => manager.resume(a.id), { message: 'the command harness cannot resume a session (only claude-code, codex, pi, cursor, bridle can)' });
  t.throws(() => manager.fork(a.id), { message: 'the command harness cannot fork a session (only claude-code, codex, bridle can)' });
});

/** Polls the store until the session's log holds `n` ended turns (bounded by ava's timeout). */
async function turnsEnded(manager: SessionManager, id: string, n: number): Promise<void> {
  for (;;) {
    const events = manager.store.readEvents(id, { limit: 100_000 });
    if (events.filter((e) => (e.payload as { kind?: string }).kind === 'turn_end').length >= n) return;
    const row = manager.store.getSession(id);
    if (row && ['failed', 'interrupted'].includes(row.state)) throw new Error(`session ${id} ${row.state}: ${JSON.stringify(events.slice(-20))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const names = (d: Decision): string[] => (d.rules as Array<{ name: string }>).map((r) => r.name);
const reasons = (d: Decision): string => (d.rules as Array<{ reason: string }>).map((r) => r.reason).join('; ');

test('budget rules see the metered totals, across a resume; a redacted tool result is recorded as `redact`', async (t) => {
  const { world, manager } = setup(t);
  // claude-sonnet-4-5: $3 per million input tokens, so the first reply costs $60.
  const script = writeFile(world, 'script.yaml', [
    '- name: spend',
    '  user: first',
    '  reply: { tool_calls: [{ name: bash, input: { command: "echo SECRET-$((4000 + 242))" } }], usage: { input_tokens: 20000000, output_tokens: 1 } }',
    '- name: after-secret',
    '  tool_result_regex: "REDACTED"',
    '  reply: { text: "Done one.", usage: { input_tokens: 10, output_tokens: 2 } }',
    '- name: resumed',
    '  user: second',
    '  reply: { tool_calls: [{ name: bash, input: { command: "echo two" } }], usage: { input_tokens: 10, output_tokens: 2 } }',
    '- name: resumed-done',
    '  tool_result_regex: "^two"',
    '  reply: { text: "Done two.", usage: { input_tokens: 10, output_tokens: 2 } }',
  ]);
  const spec = writeFile(world, 'spender.yaml', [
    'name: spender',
    'prompt: You are a test agent.',
    'harness: bridle',
    'model: claude-sonnet-4-5',
    'mode: headless',
    'tools: [bash]',
    'sandbox: { mode: workspace-write, network: proxy }',
    'policies:',
    '  - { name: over-50, on: tool_call, cost: { ge: 50 }, action: warn }',
    // Exactly the tokens metered so far (20,000,001 after the first reply), and one more.
    '  - { name: tokens-reached, on: tool_call, tokens: { ge: 20000001 }, action: warn }',
    '  - { name: tokens-beyond, on: tool_call, tokens: { ge: 20000002 }, action: warn }',
    '  - { name: redact-secret, on: tool_result, content: "SECRET-[0-9]+", action: redact }',
  ]);
  const cwd = world.workspace('budget');
  const first = manager.start({ specPath: spec, cwd, prompt: 'first', oneShot: true, modelServerScript: script });
  await ended(first);

  const run1 = manager.store.listDecisions(first.id);
  const call1 = run1.find((d) => d.actionId !== null && names(d).includes('over-50'));
  t.truthy(call1, JSON.stringify(run1));
  t.is(call1!.verdict, 'warn');
  // Spend after the first reply: $60 and 20,000,001 tokens, no more, no less.
  t.deepEqual(names(call1!), ['over-50', 'tokens-reached']);
  t.regex(reasons(call1!), /tokens \(session\) 20000001\b/);
  // The secret in the tool's output was rewritten, and recorded as a redaction.
  const redactions = run1.filter((d) => names(d).includes('redact-secret'));
  t.is(redactions.length, 1, JSON.stringify(run1));
  t.is(redactions[0]!.verdict, 'redact');
  t.regex(String(redactions[0]!.message), /redacted 1 match of redact-secret/);
  t.false(JSON.stringify(manager.store.readEvents(first.id, { limit: 10_000 })).includes('SECRET-4242'));
  const row = manager.store.getSession(first.id)!;
  t.is(row.tokens, 20_000_013);

  // The resumed run has spent almost nothing itself; its rules see the whole session's spend.
  const resumed = manager.resume(first.id, { prompt: 'second' });
  await turnsEnded(manager, resumed.id, 2);
  const run2 = manager.store.listDecisions(first.id).filter((d) => d.id > run1.at(-1)!.id);
  const call2 = run2.find((d) => d.actionId !== null && d.verdict !== 'allow' && !names(d).includes('redact-secret'));
  t.truthy(call2, JSON.stringify(run2));
  t.deepEqual(names(call2!), ['over-50', 'tokens-reached', 'tokens-beyond']);
  t.regex(reasons(call2!), /tokens \(session\) 20000025\b/);
  await resumed.kill();
});
