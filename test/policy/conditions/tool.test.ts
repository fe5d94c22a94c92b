import test from 'ava';
import { decide, problems, tool, bash } from '../helpers.js';

test('matches tool names by glob', (t) => {
  const y = 'name: mcp\ntool: "mcp__github__*"\naction: ask';
  t.is(decide(y, tool('mcp__github__create_issue')).action, 'ask');
  t.is(decide(y, tool('mcp__slack__post')).action, 'allow');
  t.is(decide(y, bash('ls')).action, 'allow');
});

test('lists, object form and seed form', (t) => {
  t.is(decide('name: w\nmatch: { tool: [write, edit] }\naction: deny', tool('edit')).action, 'deny');
  t.is(decide('name: w\nmatch: { tool: { name: write } }\naction: deny', tool('write')).action, 'deny');
  t.is(decide('name: w\ntype: tool\nvalue: write\naction: deny', tool('write')).action, 'deny');
  t.is(decide('name: w\ntype: tool\nvalue: write\naction: deny', tool('read')).action, 'allow');
});

test('applies to tool phases only; defaults to tool_call', (t) => {
  t.is(decide('name: w\ntool: write\naction: deny', tool('write', {}, 'tool_result')).action, 'allow');
  t.is(decide('name: w\non: tool_result\ntool: write\naction: deny', tool('write', {}, 'tool_result')).action, 'deny');
  t.deepEqual(problems('name: w\non: egress\ntool: write\naction: deny'), ['2:5: `tool` never matches in phase `egress` (it applies to tool_call, tool_result)']);
});

test('reason names the matching pattern', (t) => {
  const d = decide('name: w\ntool: [write, "mcp__*"]\naction: deny', tool('mcp__x'));
  t.is(d.rules[0]!.reason, 'tool `mcp__x` matches `mcp__*`');
});

test('bad values are reported with positions', (t) => {
  t.deepEqual(problems('name: w\ntool: []\naction: deny'), ['2:7: `tool`: expected a string or a list of strings, got an empty list']);
  t.deepEqual(problems('name: w\ntool: { nme: x }\naction: deny'), ['2:9: unknown key `nme` in `tool`; did you mean `name`?']);
  t.deepEqual(problems('name: w\ntool: "a[b"\naction: deny'), ['2:7: `tool`: bad glob `a[b`: unterminated `[` character class']);
});
