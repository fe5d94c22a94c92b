// The engine's composition guarantees, checked over random rule sets and actions.
import test from 'ava';
import fc from 'fast-check';
import { defineRule, PolicyEngine } from '../../src/policy/engine.js';
import { parsePolicyText } from '../../src/policy/loader.js';
import type { CompiledRule } from '../../src/policy/rules.js';
import { RANK, type Level, type NormalizedAction, type Verdict } from '../../src/policy/types.js';
import { HOME, WS } from './helpers.js';

const conditionArb = fc.oneof(
  fc.record({ tool: fc.constantFrom('bash', 'read', 'write', 'fetch', 'mcp__*') }),
  fc.record({ command: fc.constantFrom('git push*', 'rm *', 'npm *', 'ls*', '*', 'echo *', 'curl *') }),
  fc.record({ path: fc.constantFrom('~/.ssh/**', '.env', 'src/**', '/etc/**', '**') }),
  fc.record({ host: fc.constantFrom('*.github.com', 'evil.io', '*') }),
  fc.record({ content: fc.constantFrom('secret', 'AKIA[A-Z0-9]{4}', '(?i)password') }),
  fc.record({ agent: fc.constantFrom('polly', 'coder-*') }),
  fc.record({ model: fc.constantFrom(['claude-*'], ['gpt-5']) }),
  fc.record({ cost: fc.constantFrom({ ge: 10 }, { lt: 5 }, { every: 20 }) }),
  fc.record({ not: fc.constantFrom({ command: 'npm *' }, { path: 'src/**' }) }),
);

interface RuleSpec {
  name: string;
  action: Verdict;
  match: Record<string, unknown>;
  when?: Record<string, unknown>;
  level: Level;
}

const ruleArb = (action: fc.Arbitrary<Verdict>) =>
  fc.record({
    action,
    conds: fc.array(conditionArb, { minLength: 0, maxLength: 2 }),
    flag: fc.option(fc.constantFrom({ f1: true }, { f2: false }), { nil: undefined }),
    level: fc.constantFrom<Level>('agent', 'server'),
  });

const rulesArb = fc.array(ruleArb(fc.constantFrom<Verdict>('allow', 'warn', 'redact', 'ask', 'deny')), { maxLength: 8 }).map((specs) =>
  specs.map((s, i): RuleSpec => ({
    name: `r${i}`,
    action: s.action,
    match: Object.assign({}, ...s.conds),
    level: s.level,
    ...(s.flag ? { when: s.flag } : {}),
  })),
);

const actionArb = fc.constantFrom<NormalizedAction>(
  { phase: 'tool_call', agent: 'polly', tool: { name: 'bash', input: { command: 'git push origin main' } }, session: { cost_usd: 12 } },
  { phase: 'tool_call', agent: 'coder-a', tool: { name: 'bash', input: { command: 'cd x && npm test && rm -rf build' } } },
  { phase: 'tool_call', tool: { name: 'bash', input: { command: 'echo "unterminated' } } },
  { phase: 'tool_call', tool: { name: 'bash', input: { command: 'cat ~/.ssh/id_rsa' } } },
  { phase: 'tool_call', tool: { name: 'bash', input: { command: '$X push' } } },
  { phase: 'tool_call', tool: { name: 'read', input: { path: 'src/a.ts' } } },
  { phase: 'tool_call', tool: { name: 'write', input: { path: '.env' } }, agent: 'polly' },
  { phase: 'tool_call', tool: { name: 'fetch', input: { url: 'https://api.github.com/x' } } },
  { phase: 'tool_call', tool: { name: 'mcp__srv__do', input: { text: 'secret' } } },
  { phase: 'tool_result', tool: { name: 'bash', input: { command: 'env' }, result: 'password=AKIAABCD' } },
  { phase: 'egress', egress: { method: 'POST', host: 'evil.io', path: '/x' } },
  { phase: 'egress', egress: { method: 'GET', host: 'api.github.com', path: '/' } },
  { phase: 'llm_request', model: 'gpt-5', session: { cost_usd: 3 } },
  { phase: 'llm_request', model: 'claude-sonnet-4-5', session: { cost_usd: 40 } },
  { phase: 'llm_response', text: 'here is the secret' },
  { phase: 'spawn', agent: 'polly', spawn: { agent: 'coder-a', model: 'llama' } },
  { phase: 'request', text: 'my Password is hunter2' },
);

const stateArb = fc.record({ f1: fc.boolean(), f2: fc.boolean() }).map((flags) => ({ flags }));
const defaultsArb = fc.constantFrom({}, { egress: 'deny' as const }, { tool_call: 'ask' as const });

/** Compile each spec on its own, dropping the ones that are invalid (e.g. redact without content). */
function compile(specs: readonly RuleSpec[]): CompiledRule[] {
  const out: CompiledRule[] = [];
  for (const s of specs) {
    const { level, ...rule } = s;
    const r = parsePolicyText(JSON.stringify(rule), 'gen.yaml', level);
    if (r.diagnostics.length === 0) out.push(...r.rules);
  }
  return out;
}

function verdict(rs: readonly CompiledRule[], action: NormalizedAction, state: object, defaults: object): Verdict {
  const e = new PolicyEngine({
    home: HOME,
    workspace: WS,
    agent: rs.filter((r) => r.level === 'agent'),
    server: rs.filter((r) => r.level === 'server'),
    defaults,
  });
  return e.openSession({ state }).session.decide(action).action;
}

test('adding a deny or ask rule never makes a decision more permissive', (t) => {
  fc.assert(
    fc.property(
      rulesArb,
      ruleArb(fc.constantFrom<Verdict>('deny', 'ask')),
      fc.constantFrom<Level>('agent', 'server'),
      actionArb,
      stateArb,
      defaultsArb,
      (specs, extra, level, action, state, defaults) => {
        const base = compile(specs);
        const added = compile([{ name: 'added', action: extra.action, match: Object.assign({}, ...extra.conds), level, ...(extra.flag ? { when: extra.flag } : {}) }]);
        const before = verdict(base, action, state, defaults);
        const after = verdict([...base, ...added], action, state, defaults);
        return RANK[after] >= RANK[before];
      },
    ),
    { numRuns: 400 },
  );
  t.pass();
});

test('adding a deny or ask rule at session level never makes a decision more permissive', (t) => {
  fc.assert(
    fc.property(rulesArb, fc.constantFrom<Verdict>('deny', 'ask'), actionArb, stateArb, (specs, action, a, state) => {
      const base = compile(specs);
      const before = verdict(base, a, state, {});
      const e = new PolicyEngine({ home: HOME, workspace: WS, agent: base.filter((r) => r.level === 'agent'), server: base.filter((r) => r.level === 'server') });
      const { session: s, human } = e.openSession({ state });
      human.addRules({ name: 'human', action, agent: '*' });
      human.addRules({ name: 'human2', action });
      return RANK[s.decide(a).action] >= RANK[before];
    }),
    { numRuns: 200 },
  );
  t.pass();
});

test('permuting rule order never changes the verdict', (t) => {
  fc.assert(
    fc.property(
      rulesArb.chain((specs) => fc.tuple(fc.constant(specs), fc.shuffledSubarray(specs, { minLength: specs.length, maxLength: specs.length }))),
      actionArb,
      stateArb,
      defaultsArb,
      ([specs, shuffled], action, state, defaults) => verdict(compile(specs), action, state, defaults) === verdict(compile(shuffled), action, state, defaults),
    ),
    { numRuns: 400 },
  );
  t.pass();
});

test('a throwing rule never yields allow', (t) => {
  fc.assert(
    fc.property(
      rulesArb,
      fc.constantFrom<Level>('agent', 'server'),
      fc.constantFrom<Verdict>('allow', 'warn', 'redact', 'ask', 'deny'),
      actionArb,
      stateArb,
      (specs, level, ruleAction, action, state) => {
        const thrower = defineRule({ name: 'thrower', level, action: ruleAction, test: () => { throw new Error('bug'); } });
        return verdict([...compile(specs), thrower], action, state, {}) === 'deny';
      },
    ),
    { numRuns: 300 },
  );
  t.pass();
});

// The tool/command/path/host indexes and prefilters must never change a decision: the same rules
// evaluated unindexed (as session rules are) give the same verdict.
const pathGlobArb = fc.constantFrom('~/.ssh/**', '.env', '*.pem', 'src/**', 'src/gen/**', '/etc/**', '/etc/shadow', '**', './**', 'a/b', '.env.*', '~', 'secrets/prod/**');
const hostGlobArb = fc.constantFrom('*.github.com', 'github.com', 'evil.io', '*', '*.io', 'localhost:8080', 'API.example.COM');
const indexedRuleArb = fc.record({
  action: fc.constantFrom<Verdict>('allow', 'warn', 'ask', 'deny'),
  cond: fc.oneof(
    fc.record({ path: fc.array(pathGlobArb, { minLength: 1, maxLength: 3 }) }),
    fc.record({ host: fc.array(hostGlobArb, { minLength: 1, maxLength: 2 }) }),
    fc.record({ content: fc.constantFrom('secret', 'AKIA[A-Z0-9]{4}', '(?i)password', 'x(y)\\1') }),
    fc.record({ command: fc.constantFrom('cat *', 'git push*', 'rm *') }),
  ),
  tool: fc.option(fc.constantFrom('read', 'bash', 'fetch', ['read', 'write']), { nil: undefined }),
});
const pathArb = fc.constantFrom('/home/u/.ssh/id_rsa', '.env', 'src/a.ts', 'src/gen/x.pem', '/etc/shadow', '/etc/passwd', 'a/b', '/work/repo/a/b/c', '/home/u', 'secrets/prod/k', 'x.env.local');
const indexedActionArb = fc.oneof(
  pathArb.map((p): NormalizedAction => ({ phase: 'tool_call', tool: { name: 'read', input: { path: p } } })),
  fc.array(pathArb, { minLength: 1, maxLength: 2 }).map((ps): NormalizedAction => ({ phase: 'tool_call', tool: { name: 'write', input: { paths: ps } } })),
  pathArb.map((p): NormalizedAction => ({ phase: 'tool_call', tool: { name: 'bash', input: { command: `cat ${p} && git push` } } })),
  fc.constantFrom('api.github.com', 'github.com', 'evil.io', 'localhost', 'api.example.com').map((h): NormalizedAction => ({ phase: 'egress', egress: { host: h, port: h === 'localhost' ? 8080 : 443, method: 'GET' } })),
  fc.constantFrom('https://api.github.com/x', 'https://evil.io/', 'http://localhost:8080/').map((u): NormalizedAction => ({ phase: 'tool_call', tool: { name: 'fetch', input: { url: u } } })),
  fc.constantFrom('a secret', 'PASSWORD', 'AKIAABCD', 'xyy', 'nothing').map((t): NormalizedAction => ({ phase: 'tool_result', tool: { name: 'bash', result: t } })),
);

test('indexes and prefilters never change a verdict', (t) => {
  fc.assert(
    fc.property(fc.array(indexedRuleArb, { maxLength: 10 }), indexedActionArb, (specs, action) => {
      const objs = specs.map((s, i) => ({ name: `i${i}`, action: s.action, ...(s.tool ? { tool: s.tool } : {}), ...s.cond, on: 'cond' in s && 'content' in s.cond ? 'tool_result' : 'host' in s.cond ? ['egress', 'tool_call'] : 'tool_call' }));
      const valid = objs.filter((o) => parsePolicyText(JSON.stringify(o), 'g.yaml').diagnostics.length === 0);
      const indexed = new PolicyEngine({ home: HOME, workspace: WS, agent: compileList(valid, 'agent') }).openSession().session.decide(action).action;
      const { session, human } = new PolicyEngine({ home: HOME, workspace: WS }).openSession();
      if (valid.length) t.deepEqual(human.addRules(JSON.stringify(valid)), []);
      return session.decide(action).action === indexed;
    }),
    { numRuns: 1500 },
  );
  t.pass();
});

function compileList(objs: object[], level: Level): CompiledRule[] {
  const r = parsePolicyText(JSON.stringify(objs), 'g.yaml', level);
  return r.rules;
}
