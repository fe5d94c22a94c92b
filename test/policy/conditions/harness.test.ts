import test from 'ava';
import { bash, decide } from '../helpers.js';

test('harness by glob', (t) => {
  const y = 'name: h\nmatch: { harness: [cursor, "claude-*"], tool: bash }\naction: warn';
  t.is(decide(y, bash('ls', { harness: 'cursor' })).action, 'warn');
  t.is(decide(y, bash('ls', { harness: 'claude-code' })).action, 'warn');
  t.is(decide(y, bash('ls', { harness: 'codex' })).action, 'allow');
  t.is(decide('name: h\ntype: harness\nvalue: codex\naction: deny', bash('ls', { harness: 'codex' })).action, 'deny');
});
