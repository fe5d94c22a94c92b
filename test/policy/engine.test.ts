import test from 'ava';
import { defineRule, HumanAuthority, PolicyEngine, PolicySession } from '../../src/policy/engine.js';
import { toDecisionRecord } from '../../src/policy/record.js';
import { bash, bashResult, decide, egress, engine, HOME, llm, rules, session, tool, write, WS } from './helpers.js';

// ---- the seed's decision cases ----

test('seed: an unknown model is denied', (t) => {
  const d = decide('name: models\nmodel: [claude-sonnet-4-5]\naction: deny', llm('mystery-9000'));
  t.is(d.action, 'deny');
  t.deepEqual(d.rules.map((r) => [r.name, r.level, r.action]), [['models', 'agent', 'deny']]);
});

test('seed: deny beats ask even when the ask is declared first', (t) => {
  const y = 'policies:\n  - { name: ask-push, command: "git push*", action: ask }\n  - { name: deny-force, command: "git push*--force*", action: deny }';
  const d = decide(y, bash('git push --force'));
  t.is(d.action, 'deny');
  t.is(d.rules[0]!.name, 'deny-force');
  t.is(decide(y, bash('git push')).action, 'ask');
});

test('seed: session rules are checked first', (t) => {
  const { session: s, human } = session('name: agent-ask\ncommand: "git push*"\naction: ask', {
    serverYaml: 'name: server-warn\ncommand: "git *"\naction: warn',
  });
  t.deepEqual(human.addRules('name: human-deny\ncommand: "git push*"\naction: deny'), []);
  const d = s.decide(bash('git push'));
  t.is(d.action, 'deny');
  t.deepEqual(d.rules.map((r) => [r.name, r.level]), [['human-deny', 'session']], 'the session deny short-circuits the agent and server levels');
});

test('seed: a budget warn at $50 and an ask at each $100', (t) => {
  const y = 'policies:\n  - { name: budget-warn, type: cost, op: ge, value: 50, action: warn }\n  - { name: budget-ask, cost: { every: 100 }, action: ask }';
  const { session: s, human } = session(y);
  const at = (usd: number) => s.evaluate(llm('m', { cost_usd: usd }));
  t.is(at(49).action, 'allow');
  t.is(at(50).action, 'warn');
  const a1 = at(100);
  t.is(a1.action, 'ask');
  t.deepEqual(a1.rules.map((r) => r.name), ['budget-ask', 'budget-warn'], 'the warn is recorded beside the ask');
  t.is(human.answer(a1.ask!.id, 'allow_once').action, 'warn', 'an approved ask still carries the warning');
  t.is(at(180).action, 'warn');
  const a2 = at(200);
  t.is(a2.action, 'ask');
  human.answer(a2.ask!.id, 'allow_once');
  t.is(at(300).action, 'ask');
});

// ---- composition ----

test('fired rules are listed strictest first, then as declared, whether the path or host index found them or not', (t) => {
  const y = [
    'policies:',
    '  - { name: note-writes, tool: write, action: warn }',
    // anchored on its path (looked up through the index), and the same glob unanchored
    '  - { name: ask-src, match: { tool: write, path: "src/**" }, action: ask }',
    '  - { name: ask-src-braced, match: { tool: write, path: "{src,zzz}/**" }, action: ask }',
    '  - { name: warn-get, on: egress, method: GET, action: warn }',
    '  - { name: ask-host, on: egress, host: api.example.com, action: ask }',
  ].join('\n');
  const s = session(y).session;
  t.deepEqual(s.decide(write('src/a.ts')).rules.map((r) => r.name), ['ask-src', 'ask-src-braced', 'note-writes']);
  t.deepEqual(s.decide(egress('api.example.com')).rules.map((r) => r.name), ['ask-host', 'warn-get']);
  // A path the index does not file the anchored rule under: only the unanchored rules fire.
  t.deepEqual(s.decide(write('lib/a.ts')).rules.map((r) => r.name), ['note-writes']);
});

test('a deny found through the path index short-circuits like any other: rules after it in rank are not evaluated', (t) => {
  const y = 'policies:\n  - { name: note-writes, tool: write, action: warn }\n  - { name: deny-secrets, match: { tool: write, path: "secrets/**" }, action: deny }';
  const d = decide(y, write('secrets/k.pem'));
  t.is(d.action, 'deny');
  t.deepEqual(d.rules.map((r) => r.name), ['deny-secrets']);
  t.deepEqual(decide(y, write('src/k.pem')).rules.map((r) => r.name), ['note-writes']);
});

test('levels: strictest wins across levels whatever the order', (t) => {
  const e = engine('name: a\ncommand: "ls*"\naction: warn', { serverYaml: 'name: s\ncommand: "ls*"\naction: ask' });
  t.is(e.openSession().session.decide(bash('ls')).action, 'ask');
});

test('a deny short-circuits: later rules are not evaluated', (t) => {
  let evaluated = 0;
  const e = new PolicyEngine({
    agent: rules('name: no\ncommand: "rm *"\naction: deny'),
    server: [defineRule({ name: 'counter', level: 'server', action: 'warn', test: () => (evaluated++, true) })],
  });
  const s = e.openSession().session;
  t.is(s.decide(bash('rm x')).action, 'deny');
  t.is(evaluated, 0);
  t.is(s.decide(bash('ls')).action, 'warn');
  t.is(evaluated, 1);
});

test('a rule that throws is a deny with the error as its reason', (t) => {
  const e = new PolicyEngine({
    agent: [defineRule({ name: 'boom', level: 'agent', action: 'allow', test: () => { throw new Error('kaput'); } })],
  });
  const d = e.openSession().session.decide(bash('ls'));
  t.is(d.action, 'deny');
  t.deepEqual(d.rules, [{ name: 'boom', level: 'agent', action: 'deny', reason: 'rule failed: kaput' }]);
});

test('a rule that runs past the rule timeout is a deny', (t) => {
  let now = 0;
  const e = new PolicyEngine({
    ruleTimeoutMs: 100,
    clock: () => now,
    agent: [defineRule({ name: 'slow', level: 'agent', action: 'warn', test: () => ((now += 250), false) })],
  });
  const d = e.openSession().session.decide(bash('ls'));
  t.is(d.action, 'deny');
  t.is(d.rules[0]!.reason, 'rule timed out (took 250 ms, limit 100 ms)');
});

test('content rules are timed too', (t) => {
  let now = 0;
  const e = new PolicyEngine({
    ruleTimeoutMs: 5,
    clock: () => (now += 10),
    agent: rules('name: c\ncontent: x\naction: warn'),
  });
  t.is(e.openSession().session.decide(bashResult('ls', 'xyz')).action, 'deny', 'a matching scan');
  t.is(e.openSession().session.decide(bashResult('ls', 'abc')).action, 'deny', 'and the shared scan that rules out a match');
  now = 0;
  const fast = new PolicyEngine({ ruleTimeoutMs: 5, clock: () => now, agent: rules('name: c\ncontent: x\naction: warn') });
  t.is(fast.openSession().session.decide(bashResult('ls', 'abc')).action, 'allow');
  t.is(fast.openSession().session.decide(bashResult('ls', 'xyz')).action, 'warn');
});

test('an unknown phase is refused (fail closed)', (t) => {
  const e = new PolicyEngine();
  const d = e.openSession().session.decide({ phase: 'teleport' } as never);
  t.is(d.action, 'deny');
  t.regex(d.message!, /unknown phase `teleport`/);
});

test('phase defaults: allow unless configured; a stricter default holds unless an allow matched', (t) => {
  t.deepEqual(decide('[]', { ...bash('ls'), ts: 5 }), { action: 'allow', phase: 'tool_call', rules: [], ts: 5, default: true });
  const opts = { defaults: { egress: 'deny' as const } };
  const e = { phase: 'egress' as const, egress: { host: 'x.io', method: 'GET' } };
  t.is(decide('[]', e, opts).action, 'deny');
  t.is(decide('name: w\nhost: x.io\naction: warn', e, opts).action, 'deny', 'a warn does not open a deny default');
  t.is(decide('name: ok\nhost: x.io\naction: allow', e, opts).action, 'allow');
  t.is(decide('policies:\n  - { name: ok, host: x.io, action: allow }\n  - { name: w, host: "*", action: warn }', e, opts).action, 'warn');
  t.is(decide('defaults: { egress: ask }\npolicies: []', e).action, 'ask', 'files can set defaults');
});

test('explicit allow rules decide; unmatched actions are marked default', (t) => {
  const d = decide('name: ok\ncommand: "ls*"\naction: allow', bash('ls -la'));
  t.is(d.action, 'allow');
  t.is(d.default, undefined);
  t.is(d.rules[0]!.name, 'ok');
});

// ---- when / effects ----

test('when.after: state set by an earlier matching action that proceeded', (t) => {
  const { session: s } = session('policies:\n  - { name: push, command: "git push*", when: { after: { on: tool_result, match: { command: "npm install*" } } }, action: ask }\n  - { name: no-npm, command: "npm install evil*", action: deny }');
  t.is(s.evaluate(bash('git push')).action, 'allow');
  t.is(s.evaluate(bashResult('npm install left-pad')).action, 'allow');
  t.is(s.evaluate(bash('git push')).action, 'ask');
});

test('when.after ignores actions that were denied', (t) => {
  const { session: s } = session('policies:\n  - { name: push, command: "git push*", when: { after: { command: "npm install*" } }, action: ask }\n  - { name: no-evil, command: "npm install evil*", action: deny }');
  t.is(s.evaluate(bash('npm install evil-pkg')).action, 'deny');
  t.is(s.evaluate(bash('git push')).action, 'allow');
  t.is(s.evaluate(bash('npm install ok')).action, 'allow');
  t.is(s.evaluate(bash('git push')).action, 'ask');
});

test('when.not_after and plain flags with effects set/clear', (t) => {
  const y = `policies:
  - name: first-push-warn
    command: "git push*"
    when: { not_after: { on: tool_call, match: { command: "git push*" } } }
    action: warn
  - name: mark-review
    command: "gh pr review*"
    effects: { set: { reviewed: true } }
    action: allow
  - name: unmark
    command: "git commit*"
    effects: { clear: [reviewed] }
    action: allow
  - name: deploy-needs-review
    command: "make deploy"
    when: { reviewed: false }
    action: deny
`;
  const { session: s } = session(y);
  t.is(s.evaluate(bash('git push')).action, 'warn');
  t.is(s.evaluate(bash('git push')).action, 'allow', 'not_after: only the first push warns');
  t.is(s.evaluate(bash('make deploy')).action, 'deny');
  s.evaluate(bash('gh pr review 12'));
  const d = s.evaluate(bash('make deploy'));
  t.is(d.action, 'allow');
  s.evaluate(bash('git commit -m x'));
  const again = s.evaluate(bash('make deploy'));
  t.is(again.action, 'deny');
  t.deepEqual(again.state, { 'flag:reviewed': null });
});

test('decide() is a dry run; commit() applies it later', (t) => {
  const { session: s } = session('name: m\ncommand: "touch*"\neffects: { set: { touched: 1 } }\naction: warn');
  const d = s.decide(bash('touch x'));
  t.deepEqual(s.snapshot(), {});
  s.commit(d);
  s.commit(d);
  t.deepEqual(s.snapshot(), { flags: { touched: 1 } });
});

// ---- redact ----

test('redact rewrites matched content and records counts, not secrets', (t) => {
  const y = 'name: keys\non: tool_result\ncontent: "AKIA[0-9A-Z]{16}"\naction: redact\nreplacement: "<aws-key>"';
  const a = bashResult('env', 'A=AKIAABCDEFGHIJKLMNOP B=AKIAQRSTUVWXYZ234567');
  const d = decide(y, a);
  t.is(d.action, 'redact');
  t.is(d.rewritten!.tool!.result, 'A=<aws-key> B=<aws-key>');
  t.is(a.tool!.result, 'A=AKIAABCDEFGHIJKLMNOP B=AKIAQRSTUVWXYZ234567', 'the input is not mutated');
  t.deepEqual(d.redactions, [{ rule: 'keys', count: 2 }]);
  t.notRegex(JSON.stringify(toDecisionRecord(d, a)), /AKIAABCD|AKIAQRST/);
});

test('redaction reaches nested result structures; a deny drops the rewrite', (t) => {
  const y = 'policies:\n  - { name: r, on: tool_result, content: secret, action: redact }\n  - { name: d, on: tool_result, content: forbidden, action: deny }';
  const nested = { phase: 'tool_result' as const, tool: { name: 'mcp__x', result: { items: [{ body: 'a secret here' }], n: 1 } } };
  t.deepEqual(decide(y, nested).rewritten!.tool!.result, { items: [{ body: 'a [REDACTED] here' }], n: 1 });
  const d = decide(y, bashResult('x', 'secret and forbidden'));
  t.is(d.action, 'deny');
  t.is(d.rewritten, undefined);
});

// ---- asks ----

test('ask: the engine returns ask with a prompt and a deadline', (t) => {
  const e = engine('name: p\ncommand: "git push*"\naction: ask\nmessage: Approve the push?', { askTimeoutMs: 60_000 });
  const { session: s } = e.openSession({ id: 'S' });
  const d = s.evaluate({ ...bash('git push origin main'), ts: 1000 });
  t.is(d.action, 'ask');
  t.deepEqual(d.ask, { id: 'S/ask-1', prompt: 'bash: git push origin main\nApprove the push?', deadline: 61_000, rules: ['p'] });
  t.deepEqual(s.pending().map((p) => p.id), ['S/ask-1']);
});

test('ask answers: allow once, deny once, allow for session, deny for session', (t) => {
  const y = 'name: p\ncommand: "git push*"\naction: ask';
  {
    const { session: s, human } = session(y);
    t.is(human.answer(s.evaluate(bash('git push')).ask!.id, 'allow_once').action, 'allow');
    t.is(s.evaluate(bash('git push')).action, 'ask', 'once means once');
    t.is(human.answer(s.evaluate(bash('git push')).ask!.id, 'deny_once').action, 'deny');
    t.is(s.evaluate(bash('git push')).action, 'ask');
  }
  {
    const { session: s, human } = session(y);
    const fin = human.answer(s.evaluate(bash('git push')).ask!.id, 'allow_session');
    t.is(fin.action, 'allow');
    t.is(fin.answer, 'allow_session');
    const next = s.evaluate(bash('git push --tags'));
    t.is(next.action, 'allow');
    t.is(next.rules[0]!.resolved_by, 'session:allow:p');
    t.deepEqual(s.sessionRules(), [{ name: 'session:allow:p', action: 'allow', resolves: ['p'] }]);
  }
  {
    const { session: s, human } = session(y);
    human.answer(s.evaluate(bash('git push')).ask!.id, 'deny_session');
    const next = s.evaluate(bash('git push'));
    t.is(next.action, 'deny');
    t.deepEqual(next.rules.map((r) => [r.name, r.level]), [['session:deny:p', 'session']]);
  }
});

test('allow for session settles only the asking rule, never a deny', (t) => {
  const y = 'policies:\n  - { name: p, command: "git push*", action: ask }\n  - { name: f, command: "git push*--force*", action: deny }\n  - { name: o, command: "rm *", action: ask }';
  const { session: s, human } = session(y);
  human.answer(s.evaluate(bash('git push')).ask!.id, 'allow_session');
  t.is(s.evaluate(bash('git push --force')).action, 'deny');
  t.is(s.evaluate(bash('rm x')).action, 'ask');
});

test('an ask unanswered by its deadline becomes a deny', (t) => {
  const { session: s, human } = session('name: p\ncommand: "git push*"\naction: ask\ntimeout: 30s');
  const d = s.evaluate({ ...bash('git push'), ts: 0 });
  t.is(d.ask!.deadline, 30_000);
  t.deepEqual(s.expire(29_999), []);
  const [late] = s.expire(30_000);
  t.is(late!.action, 'deny');
  t.is(late!.answer, 'timeout');
  t.deepEqual(s.pending(), []);
  t.throws(() => human.answer(d.ask!.id, 'allow_once'), { message: /no pending ask/ });
});

test('an answer after the deadline is a deny', (t) => {
  const { session: s, human } = session('name: p\ncommand: "git push*"\naction: ask', { askTimeoutMs: 1000 });
  const d = s.evaluate({ ...bash('git push'), ts: 0 });
  t.is(human.answer(d.ask!.id, 'allow_once', 5000).action, 'deny');
});

test('waitForAnswer resolves with the human answer, or a deny at the deadline', async (t) => {
  const { session: s, human } = session('name: p\ncommand: "git push*"\naction: ask', { askTimeoutMs: 20 });
  const d1 = s.evaluate(bash('git push'));
  const waiting = s.waitForAnswer(d1.ask!.id);
  // Answered just before the deadline, by the deadline's own clock: with the wall clock, a loaded
  // machine's pause of 20 ms between asking and answering made this answer late (a deny).
  human.answer(d1.ask!.id, 'allow_once', d1.ask!.deadline - 1);
  t.is((await waiting).action, 'allow');
  const d2 = s.evaluate(bash('git push'));
  const timedOut = await s.waitForAnswer(d2.ask!.id);
  t.is(timedOut.action, 'deny');
  t.is(timedOut.answer, 'timeout');
});

test('the default ask timeout is 10 minutes', (t) => {
  const d = decide('name: p\ncommand: "x"\naction: ask', { ...bash('x'), ts: 0 });
  t.is(d.ask!.deadline, 600_000);
});

test('approved asks record their effects; denied ones do not', (t) => {
  const y = 'name: p\ncommand: "deploy"\neffects: { set: { deployed: true } }\naction: ask';
  const { session: s, human } = session(y);
  human.answer(s.evaluate(bash('deploy')).ask!.id, 'deny_once');
  t.deepEqual(s.snapshot(), {});
  human.answer(s.evaluate(bash('deploy')).ask!.id, 'allow_once');
  t.deepEqual(s.snapshot(), { flags: { deployed: true } });
});

// ---- immutability ----

test('the governed side has no way to add or loosen rules', (t) => {
  const { session: s } = session('name: p\ncommand: "rm *"\naction: deny');
  const surface = Object.getOwnPropertyNames(PolicySession.prototype);
  for (const name of surface) t.notRegex(name, /^(add|remove|set|load|push|resolve|answer)/i, name);
  t.throws(() => new PolicySession(Symbol('forged'), {} as never, 'x', {} as never, {} as never), { message: /openSession/ });
  t.throws(() => new HumanAuthority(Symbol('forged'), s), { message: /openSession/ });
  t.throws(() => s._answer(Symbol('forged'), 'x', 'allow_once', 0), { message: /only a HumanAuthority/ });
  t.is(s.decide(bash('rm x')).action, 'deny');
});

test('session rules come only through HumanAuthority, and can resolve asks by name', (t) => {
  const { session: s, human } = session('policies:\n  - { name: p, command: "git push*", action: ask }\n  - { name: q, command: "npm publish*", action: ask }');
  t.deepEqual(human.addRules({ name: 'ok-push', command: 'git push origin*', resolves: ['p'], action: 'allow' }), []);
  t.is(s.decide(bash('git push origin main')).action, 'allow');
  t.is(s.decide(bash('git push upstream main')).action, 'ask', 'the resolver matches only what it says');
  t.is(s.decide(bash('npm publish')).action, 'ask');
  t.true(human.removeRule('ok-push'));
  t.is(s.decide(bash('git push origin main')).action, 'ask');
  t.deepEqual(human.addRules('name: bad\nactoin: deny'), [
    { file: '<session>', line: 2, col: 1, message: 'unknown key `actoin` in rule `bad`; did you mean `action`?' },
    { file: '<session>', line: 1, col: 1, message: 'rule `bad` has no `action` (one of allow, warn, redact, ask, deny)' },
  ].reverse());
});

test('files cannot carry session-only `resolves`; code rules cannot either', (t) => {
  t.throws(() => new PolicyEngine({ agent: [{ ...defineRule({ name: 'x', level: 'agent', action: 'allow', test: () => true }), resolves: { sources: ['*'], test: () => true, literals: null } }] }), {
    message: /only for session rules/,
  });
});

test('rule lists are immutable once the engine is built', (t) => {
  const list = rules('name: p\ncommand: "rm *"\naction: deny');
  const e = new PolicyEngine({ agent: list });
  list.length = 0;
  t.is(e.openSession().session.decide(bash('rm x')).action, 'deny');
});

// ---- records ----

test('decision records are plain JSON for the store', (t) => {
  const a = { ...bash('git push', { agent: 'polly' }), session: { id: 's_1', cost_usd: 1 }, ts: 42 };
  const d = decide('name: p\ncommand: "git push*"\naction: ask', a);
  const rec = toDecisionRecord(d, a);
  t.deepEqual(JSON.parse(JSON.stringify(rec)), rec);
  t.like(rec, { ts: 42, session_id: 's_1', agent: 'polly', phase: 'tool_call', tool: 'bash', action: 'ask', ask_id: 't/ask-1' });
  t.deepEqual(rec.rules, [{ name: 'p', level: 'agent', action: 'ask', reason: 'command `git push` matches `git push*`', source: 'test.yaml:1' }]);
});

test('decisions record the state they read', (t) => {
  const { session: s } = session('name: p\ncommand: "git push*"\nwhen: { after: { on: tool_result, match: { command: "npm i*" } }, ci: green }\naction: ask', {
    state: { flags: { ci: 'green' } },
  });
  s.evaluate(bashResult('npm i'));
  const d = s.decide(bash('git push'));
  t.deepEqual(d.state, { 'after:p:after': 1, 'flag:ci': 'green' });
});

test('sessions are independent and restore from snapshots', (t) => {
  const e = engine('name: c\ncount: { max: 1 }\naction: deny');
  const a = e.openSession().session;
  a.evaluate({ phase: 'spawn' });
  t.is(a.decide({ phase: 'spawn' }).action, 'deny');
  t.is(e.openSession().session.decide({ phase: 'spawn' }).action, 'allow');
  t.is(e.openSession({ state: a.snapshot() }).session.decide({ phase: 'spawn' }).action, 'deny');
});

test('workspace per session', (t) => {
  const e = engine('name: w\npath: "secrets/**"\naction: deny');
  t.is(e.openSession({ workspace: '/other' }).session.decide(tool('read', { path: '/other/secrets/a' })).action, 'deny');
  t.is(e.openSession().session.decide(tool('read', { path: `${WS}/secrets/a` })).action, 'deny');
  t.is(e.openSession().session.decide(tool('read', { path: `${HOME}/secrets/a` })).action, 'allow');
});
