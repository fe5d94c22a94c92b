import test from 'ava';
import { bash, decide, problems, read, tool } from '../helpers.js';

test('not: negates a match map', (t) => {
  const y = 'name: outside\nmatch: { tool: [write, edit], not: { path: "src/**" } }\naction: ask';
  t.is(decide(y, tool('write', { path: 'src/a.ts' })).action, 'allow');
  t.is(decide(y, tool('write', { path: 'README.md' })).action, 'ask');
});

test('not: switches quantifier, so a deny fires if any command is outside', (t) => {
  const y = 'name: only-npm\nmatch: { tool: bash, not: { command: "npm *" } }\naction: deny';
  t.is(decide(y, bash('npm test')).action, 'allow');
  t.is(decide(y, bash('npm test && curl x')).action, 'deny');
  t.is(decide(y, bash('npm "x')).action, 'deny', 'maybe stays maybe under not');
});

test('any: one of several match maps', (t) => {
  const y = 'name: either\nany: [{ command: "rm *" }, { path: "/etc/**" }]\naction: deny';
  t.is(decide(y, bash('rm x')).action, 'deny');
  t.is(decide(y, read('/etc/passwd')).action, 'deny');
  t.is(decide(y, read('/tmp/x')).action, 'allow');
});

test('problems', (t) => {
  t.deepEqual(problems('name: x\nnot: [a]\naction: deny'), ['2:6: `not`: expected a match map, got a list']);
  t.deepEqual(problems('name: x\nany: []\naction: deny'), ['2:6: `any`: expected a non-empty list of match maps, got a list']);
  t.deepEqual(problems('name: x\nany: [{ comand: ls }]\naction: deny'), ['2:9: unknown condition kind `comand`; did you mean `command`?']);
});
