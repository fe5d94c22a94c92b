// `npm run bench -- policy [--seconds N]`: policy decisions per second on one core, for rule sets
// of 10, 100 and 1000 rules over a realistic mix of actions.
//
//   no parsing      bash commands repeat (as in real sessions): the parse comes from the cache
//   every parsed    every bash command is new: each bash decision parses shell
//
// Anchor: theaios-guardrails states 200K decisions/s (their published figure; not measured here).
// Goal: >= 500K decisions/s at 100 rules.
import { PolicyEngine, parsePolicyText } from '../../dist/src/policy/index.js';

const ANCHOR = 200_000;
const GOAL = 500_000;

// ---- rule sets ----

const TOOLS = ['git', 'npm', 'docker', 'kubectl', 'terraform', 'pip', 'cargo', 'make', 'python', 'node', 'aws', 'gcloud', 'curl', 'ssh', 'rm', 'psql'];
const SUBS = ['push', 'publish', 'run', 'apply', 'delete', 'install', 'deploy', 'exec', 'login', 'reset', 'destroy', 'upload', 'drop', 'build'];
const VERDICT_CYCLE = ['deny', 'ask', 'warn', 'deny', 'ask', 'allow'];

function rule(i) {
  const v = VERDICT_CYCLE[i % VERDICT_CYCLE.length];
  const restrictive = v === 'allow' ? 'deny' : v;
  const k = i % 40;
  // proportions out of 40: 14 command, 8 path, 4 host, 4 tool, 2 content, 2 cost/tokens,
  // 2 agent/harness, 1 rate, 1 after, 1 model, 1 method+url_path
  if (k < 14) {
    const t = TOOLS[i % TOOLS.length];
    const s = SUBS[(i >> 2) % SUBS.length];
    const tail = i >= 200 ? ` --x${i}*` : '*';
    return `  - name: cmd-${i}\n    command: "${t} ${s}${tail}"\n    action: ${v}`;
  }
  if (k < 22) {
    const globs = [`~/.secret${i}/**`, `src/gen${i}/**`, `*.key${i}`, `/etc/app${i}/**`];
    return `  - name: path-${i}\n    match: { tool: [read, write, edit], path: "${globs[i % 4]}" }\n    action: ${restrictive}`;
  }
  if (k < 26) return `  - name: host-${i}\n    on: egress\n    host: ["api${i}.example.com", "*.corp${i}.net"]\n    action: ${restrictive}`;
  if (k < 30) return `  - name: tool-${i}\n    tool: "mcp__server${i}__*"\n    action: ${v}`;
  if (k < 32) return `  - name: content-${i}\n    on: tool_result\n    content: "TOKEN${i}_[A-Z0-9]{20}"\n    action: ${i % 2 ? 'redact' : 'deny'}`;
  if (k < 33) return `  - name: cost-${i}\n    cost: { ge: ${100 + i} }\n    action: warn`;
  if (k < 34) return `  - name: tokens-${i}\n    tokens: { every: ${1_000_000 + i} }\n    action: ask`;
  if (k < 35) return `  - name: agent-${i}\n    match: { agent: "worker-${i}", tool: bash }\n    action: ask`;
  if (k < 36) return `  - name: harness-${i}\n    match: { harness: "cursor", tool: "write" }\n    action: warn`;
  if (k < 37) return `  - name: rate-${i}\n    on: tool_call\n    match: { tool: fetch }\n    rate: { limit: ${1_000_000 + i}, window: 1m }\n    action: deny`;
  if (k < 38) {
    return `  - name: after-${i}\n    on: tool_call\n    command: "git push*"\n    when: { after: { on: tool_result, match: { command: "npm install pkg${i}*" } } }\n    action: ask`;
  }
  if (k < 39) return `  - name: model-${i}\n    model: [claude-sonnet-4-5, claude-opus-4*, gpt-5*, "m${i}"]\n    action: deny`;
  return `  - name: api-${i}\n    on: egress\n    match: { method: [DELETE, PUT], url_path: "/v1/admin${i}/**" }\n    action: ask`;
}

function ruleSet(n) {
  const text = `policies:\n${Array.from({ length: n }, (_, i) => rule(i)).join('\n')}\n`;
  const r = parsePolicyText(text, `bench-${n}.yaml`, 'agent');
  if (r.diagnostics.length) throw new Error(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n'));
  return r;
}

// ---- actions ----

const COMMANDS = [
  'git status', 'git diff --stat', 'git add -A && git commit -m "wip"', 'npm test', 'npm run build', 'ls -la src',
  'cat package.json', 'grep -rn "TODO" src | head -20', 'cd packages/core && npm test -- --watch=false',
  'node scripts/gen.mjs > out.json 2>&1', 'python -m pytest -q tests/unit', 'cargo build --release',
  'find . -name "*.ts" -not -path "./node_modules/*" | wc -l', 'docker ps', 'git log --oneline -n 20',
  'sed -n "1,80p" src/index.ts', 'rg --files | head', 'make -j4 test', 'echo "done"', 'FOO=1 npm run lint',
];

function bashCommand(i, unique) {
  const base = COMMANDS[i % COMMANDS.length];
  return unique ? `${base} && echo step-${i}` : base;
}

function makeMix(unique) {
  const actions = [];
  for (let i = 0; i < 4096; i++) {
    const r = (i * 2654435761) % 100;
    const session = { id: 's', cost_usd: 12.5, tokens: 48210 };
    const base = { agent: 'polly', harness: 'claude-code', model: 'claude-sonnet-4-5', session, cwd: '/work/repo' };
    if (r < 40) actions.push({ ...base, phase: 'tool_call', tool: { name: 'bash', input: { command: bashCommand(i, unique) } } });
    else if (r < 55) {
      const t = ['read', 'edit', 'write'][i % 3];
      actions.push({ ...base, phase: 'tool_call', tool: { name: t, input: { path: `src/module${i % 37}/file${i % 11}.ts` } } });
    } else if (r < 70) {
      actions.push({
        ...base,
        phase: 'tool_result',
        tool: { name: 'bash', input: { command: bashCommand(i, unique) }, result: `ok: ${i} tests passed\n`.repeat(6) },
      });
    } else if (r < 80) actions.push({ ...base, phase: 'llm_request' });
    else if (r < 90) {
      actions.push({ ...base, phase: 'egress', egress: { method: i % 4 ? 'POST' : 'GET', scheme: 'https', host: i % 2 ? 'api.anthropic.com' : 'registry.npmjs.org', port: 443, path: '/v1/messages' } });
    } else if (r < 95) actions.push({ ...base, phase: 'llm_response', text: 'I will now run the tests and fix the failures.' });
    else actions.push({ ...base, phase: i % 2 ? 'response' : 'spawn', text: 'Done.', spawn: { agent: 'coder-a', harness: 'codex' } });
  }
  // Actions reach the engine as parsed JSON (events from adapters, the proxy, JSONL); objects built
  // with spread syntax have shapes V8 handles far more slowly, which would measure the bench itself.
  return actions.map((a) => JSON.parse(JSON.stringify(a)));
}

// ---- measurement ----

function measure(n, unique, seconds) {
  const engine = new PolicyEngine({ agent: ruleSet(n), workspace: '/work/repo', home: '/home/u' });
  const { session } = engine.openSession({ id: 'bench' });
  const mix = makeMix(false);
  let counter = 0;
  const next = unique
    ? () => {
        // a fresh command string for every bash action: the parse cache never hits
        const a = mix[counter & 4095];
        counter++;
        if (a.tool?.name !== 'bash') return a;
        // a literal, like JSON.parse would build, with a command string never seen before
        return { phase: a.phase, agent: a.agent, harness: a.harness, model: a.model, session: a.session, cwd: a.cwd, tool: { name: 'bash', input: { command: bashCommand(counter, true) }, result: a.tool.result } };
      }
    : () => mix[counter++ & 4095];
  const run = (ms) => {
    const end = cpuMs() + ms;
    let done = 0;
    let verdicts = 0;
    while (cpuMs() < end) {
      for (let k = 0; k < 256; k++) {
        const d = session.evaluate(next());
        if (d.action === 'ask') session.expire(Infinity);
        verdicts += d.action.length;
      }
      done += 256;
    }
    return { done, verdicts };
  };
  run(300); // warm up the JIT and the caches
  const t0 = cpuMs();
  const { done } = run(seconds * 1000);
  return done / ((cpuMs() - t0) / 1000);
}

/** CPU time of this process: "decisions per second on one core", robust to a busy machine. */
function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const fmt = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(0)}K`);

export default async function (args = []) {
  const i = args.indexOf('--seconds');
  const seconds = i >= 0 ? Number(args[i + 1]) : 1.5;
  console.log('policy engine: decisions per CPU-second on one core (session.evaluate: decide + state commit)');
  console.log(`mix: 40% bash tool_call, 15% read/edit/write, 15% tool_result, 10% llm_request, 10% egress, 10% other`);
  console.log(`anchor: theaios-guardrails states ${fmt(ANCHOR)} decisions/s (their stated figure, not measured here)`);
  console.log('');
  console.log('rules   no parsing (cache hit)   vs anchor   every command parsed   vs anchor');
  const results = {};
  for (const n of [10, 100, 1000]) {
    const cached = measure(n, false, seconds);
    const parsed = measure(n, true, seconds);
    results[n] = { cached, parsed };
    console.log(
      `${String(n).padStart(5)}   ${fmt(cached).padStart(22)}   ${(cached / ANCHOR).toFixed(2).padStart(8)}x   ${fmt(parsed).padStart(20)}   ${(parsed / ANCHOR).toFixed(2).padStart(8)}x`,
    );
  }
  const at100 = results[100];
  console.log('');
  console.log(`goal: >= ${fmt(GOAL)}/s at 100 rules — no parsing ${fmt(at100.cached)} (${(at100.cached / GOAL).toFixed(2)}x of goal), every command parsed ${fmt(at100.parsed)} (${(at100.parsed / GOAL).toFixed(2)}x of goal)`);
  return results;
}
