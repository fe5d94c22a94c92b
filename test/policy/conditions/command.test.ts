import test from 'ava';
import { bash, decide, problems, session, tool } from '../helpers.js';

const DENY_PUSH = 'name: no-push\ncommand: "git push*"\naction: deny';

test('matches parsed commands, not text', (t) => {
  t.is(decide(DENY_PUSH, bash('echo "git push"')).action, 'allow');
  t.is(decide(DENY_PUSH, bash('cd x && FOO=1 git push origin main')).action, 'deny');
  t.is(decide(DENY_PUSH, bash('git pull && git push')).action, 'deny');
  t.is(decide(DENY_PUSH, bash("bash -lc 'git push'")).action, 'deny');
  t.is(decide(DENY_PUSH, bash('sudo git push')).action, 'deny');
  t.is(decide(DENY_PUSH, bash('/usr/bin/git push')).action, 'deny');
  t.is(decide(DENY_PUSH, bash('git -C repo push')).action, 'deny');
  t.is(decide(DENY_PUSH, bash('X=push; git $X')).action, 'deny');
  t.is(decide(DENY_PUSH, bash('git status')).action, 'allow');
});

test('only bash tool calls carry commands', (t) => {
  t.is(decide(DENY_PUSH, tool('read', { command: 'git push' })).action, 'allow');
});

test('patterns: whitespace is normalized; exact unless a wildcard says otherwise', (t) => {
  const y = 'name: t\ncommand: "npm   test"\naction: deny';
  t.is(decide(y, bash('npm  test')).action, 'deny');
  t.is(decide(y, bash('npm test --watch')).action, 'allow');
});

test('unparseable input matches deny/ask conservatively and says so', (t) => {
  const d = decide(DENY_PUSH, bash('echo "unterminated'));
  t.is(d.action, 'deny');
  t.regex(d.notes!.join(), /could not be parsed \(unterminated double quote\).*conservatively/);
  t.regex(d.rules[0]!.reason, /treated as matching/);
  t.is(decide('name: a\ncommand: "git push*"\naction: ask', bash('$CMD origin')).action, 'ask');
  t.is(decide('name: w\ncommand: "git push*"\naction: warn', bash('echo "x')).action, 'allow', 'warn rules do not fire on "maybe"');
  t.is(decide('name: ok\ncommand: "echo *"\naction: allow', bash('echo "x'), { defaults: { tool_call: 'ask' } }).action, 'ask', 'nor do allow rules');
});

test('a non-string command is unparseable', (t) => {
  const d = decide(DENY_PUSH, { phase: 'tool_call', tool: { name: 'bash', input: { command: ['git', 'push'] } } });
  t.is(d.action, 'deny');
  t.regex(d.notes!.join(), /not a string/);
});

test('allow rules must cover every command in the line', (t) => {
  const y = 'name: ok\ncommand: ["npm test*", "cd *"]\naction: allow';
  const opts = { defaults: { tool_call: 'ask' as const } };
  t.is(decide(y, bash('cd pkg && npm test'), opts).action, 'allow');
  t.is(decide(y, bash('npm test && rm -rf /'), opts).action, 'ask');
  t.is(decide(y, bash('timeout 60 npm test'), opts).action, 'allow', 'transparent wrappers are not themselves checked');
  t.is(decide(y, bash('sudo npm test'), opts).action, 'ask', 'privileged wrappers are');
});

test('the reason names the command and the pattern', (t) => {
  const d = decide('name: p\ncommand: ["npm publish*", "git push*"]\naction: deny', bash('ls && git push -f'));
  t.is(d.rules[0]!.reason, 'command `git push -f` matches `git push*`');
});

test('repeated commands reuse the parse and stay correct across rules', (t) => {
  const { session: s } = session('policies:\n  - { name: a, command: "git push*", action: deny }\n  - { name: b, command: "npm *", action: warn }');
  for (let i = 0; i < 3; i++) {
    t.is(s.decide(bash('git push')).action, 'deny');
    t.is(s.decide(bash('npm ci')).action, 'warn');
    t.is(s.decide(bash('ls')).action, 'allow');
  }
});

test('problems are positioned', (t) => {
  t.deepEqual(problems('name: x\ncommand: { pattern: "a{b" }\naction: deny'), ['2:21: `command`: bad glob `a{b`: unterminated `{` alternation']);
  t.deepEqual(problems('name: x\non: egress\ncommand: ls\naction: deny'), ['2:5: `command` never matches in phase `egress` (it applies to tool_call, tool_result)']);
});
