// `bridle policy check|replay` and `bridle validate` on policy files, through the real CLI.
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/command.js';
import { packageRoot } from '../../src/paths.js';
import { runCli } from '../helpers/cli.js';

const fx = (f: string) => path.join('test', 'fixtures', 'policy', f);

async function run(args: string[], cwd = packageRoot): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), env: { HOME: '/home/u' }, cwd };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'bridle-policy-'));

test('check prints the decision as JSON and exits 0 whatever it is', async (t) => {
  const r = await run(['policy', 'check', '--policy', 'policies/default.yaml', '--event', '{"phase":"tool_call","tool":{"name":"bash","input":{"command":"rm -rf /"}}}']);
  t.is(r.code, 0);
  const d = JSON.parse(r.stdout);
  t.deepEqual(Object.keys(d).slice(0, 3), ['action', 'rules', 'message']);
  t.is(d.action, 'deny');
  t.deepEqual(d.rules, [{ name: 'deny-rm-root', level: 'agent', action: 'deny', reason: 'command `rm -rf /` matches `rm -[rRf]* /`' }]);
  t.is(d.message, 'Refusing to delete / or the home directory.');
  const ok = await run(['policy', 'check', '--policy', 'policies/default.yaml', '--event', '{"phase":"tool_call","tool":{"name":"bash","input":{"command":"ls"}}}']);
  t.is(ok.code, 0);
  t.deepEqual(JSON.parse(ok.stdout), { action: 'allow', rules: [], message: null, default: true });
});

test('check: several files, @FILE events, --state, server and session levels', async (t) => {
  const dir = tmp();
  writeFileSync(path.join(dir, 'ev.json'), JSON.stringify({ phase: 'llm_request', model: 'm', session: { cost_usd: 120 } }));
  writeFileSync(path.join(dir, 'session.yaml'), 'name: human-ok\ncost: { ge: 0 }\naction: warn\n');
  const r = await run(
    ['policy', 'check', '--policy', path.join(packageRoot, 'policies/budget.yaml'), '--server-policy', path.join(packageRoot, 'policies/default.yaml'), '--session-policy', 'session.yaml', '--event', '@ev.json', '--state', '{"flags":{"budget_warned":true}}'],
    dir,
  );
  t.is(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout);
  t.is(d.action, 'ask');
  t.deepEqual(d.rules.map((x: { name: string; level: string }) => [x.name, x.level]), [['human-ok', 'session'], ['budget-ask', 'agent']]);
  t.deepEqual(d.state, { 'cost.session': 120, 'cost.every.last': 0 });
});

test('check: --default sets a phase default', async (t) => {
  const r = await run(['policy', 'check', '--policy', fx('list.yaml'), '--default', 'egress=deny', '--event', '{"phase":"egress","egress":{"host":"x.io"}}']);
  t.is(JSON.parse(r.stdout).action, 'deny');
});

test('bad input exits 2 with file:line:col', async (t) => {
  const bad = await run(['policy', 'check', '--policy', fx('broken.yaml'), '--event', '{"phase":"request"}']);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /^test\/fixtures\/policy\/broken\.yaml:3:14: unknown condition kind `comand`; did you mean `command`\?$/m);
  t.is(bad.stdout, '');
  const json = await run(['policy', 'check', '--policy', fx('list.yaml'), '--event', '{"phase": }']);
  t.is(json.code, 2);
  t.is(json.stderr, '<event>:1:11: invalid JSON: Unexpected token \'}\'\n');
  const phase = await run(['policy', 'check', '--policy', fx('list.yaml'), '--event', '{"phase":"tool_cal"}']);
  t.is(phase.code, 2);
  t.regex(phase.stderr, /^<event>:1:1: unknown or missing phase `tool_cal`/);
  const state = await run(['policy', 'check', '--policy', fx('list.yaml'), '--event', '{"phase":"request"}', '--state', '{"flagz":{}}']);
  t.is(state.code, 2);
  t.regex(state.stderr, /^<state>:1:1: state: unknown key `flagz`/);
  const missing = await run(['policy', 'check', '--policy', 'nope.yaml', '--event', '{"phase":"request"}']);
  t.is(missing.code, 2);
  t.regex(missing.stderr, /^nope\.yaml:1:1: cannot read policy file: ENOENT/);
});

test('usage errors exit 2', async (t) => {
  for (const args of [['policy'], ['policy', 'frob'], ['policy', 'check', '--event', '{}'], ['policy', 'check', '--policy', 'x.yaml'], ['policy', 'check', '--policy'], ['policy', 'replay', '--policy', 'x', '--event', '{}'], ['policy', 'check', '--policy', 'x', '--event', '{}', '--bogus']]) {
    const r = await run(args);
    t.is(r.code, 2, args.join(' '));
    t.regex(r.stderr, /Usage:/, args.join(' '));
  }
});

test('replay runs a sequence through one session, one decision per line', async (t) => {
  const r = await run(['policy', 'replay', '--policy', 'policies/push-after-install.yaml', '--events', fx('events.jsonl')]);
  t.is(r.code, 0, r.stderr);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  t.deepEqual(out.map((d) => [d.line, d.action, d.answer ?? null]), [
    [1, 'allow', null],
    [2, 'allow', null],
    [3, 'ask', null],
    [4, 'allow', 'allow_session'],
    [5, 'allow', null],
  ]);
  t.is(out[4].rules[0].resolved_by, 'session:allow:ask-push-after-install');
});

test('replay --answer answers every ask the same way', async (t) => {
  const lines = async (answer: string) =>
    (await run(['policy', 'replay', '--policy', 'policies/budget.yaml', '--events', fx('budget-events.jsonl'), '--answer', answer])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .map((d) => `${d.line}:${d.action}`);
  t.deepEqual(await lines('allow_once'), ['1:allow', '2:warn', '3:allow', '4:ask', '4:allow', '5:allow', '6:ask', '6:allow']);
  t.deepEqual(await lines('none'), ['1:allow', '2:warn', '3:allow', '4:ask', '5:ask', '6:ask'], 'unanswered asks leave the state as it was');
});

test('replay reports every bad line before deciding anything', async (t) => {
  const dir = tmp();
  writeFileSync(path.join(dir, 'ev.jsonl'), '{"phase":"request"}\n\n{"phase":"nope"}\n{"answer":"maybe"}\n{"phase":"request",\n');
  const r = await run(['policy', 'replay', '--policy', path.join(packageRoot, fx('list.yaml')), '--events', 'ev.jsonl'], dir);
  t.is(r.code, 2);
  t.is(r.stdout, '');
  t.deepEqual(r.stderr.trim().split('\n').map((l) => l.replace(/: .*/, '')), ['ev.jsonl:3:1', 'ev.jsonl:4:1', 'ev.jsonl:5:20']);
});

test('validate checks policy files with positions (real executable)', async (t) => {
  const ok = await runCli(['validate', 'policies/budget.yaml', fx('seed.yaml'), fx('list.yaml')]);
  t.is(ok.code, 0, ok.stderr);
  t.regex(ok.stdout, /policies\/budget\.yaml: ok/);
  const bad = await runCli(['validate', fx('broken.yaml')]);
  t.is(bad.code, 1);
  t.regex(bad.stderr, /broken\.yaml:9:14: `content`: regex does not compile/);
  t.regex(bad.stderr, /broken\.yaml:12:9: unknown phase `tool_cal`/);
});

test('policy check via the real executable', async (t) => {
  const r = await runCli(['policy', 'check', '--policy', fx('seed.yaml'), '--event', '{"phase":"llm_request","session":{"cost_usd":50}}']);
  t.is(r.code, 0);
  t.is(JSON.parse(r.stdout).action, 'warn');
});
