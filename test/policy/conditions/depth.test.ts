import test from 'ava';
import { decide, problems, tool } from '../helpers.js';

test('depth of the sub-agent a spawn would create', (t) => {
  const y = 'name: d\ndepth: { max: 2 }\naction: deny';
  t.is(decide(y, { phase: 'spawn', depth: 1, spawn: { agent: 'x' } }).action, 'allow');
  t.is(decide(y, { phase: 'spawn', depth: 2, spawn: { agent: 'x' } }).action, 'deny');
  t.is(decide(y, { phase: 'spawn', spawn: { agent: 'x', depth: 3 } }).action, 'deny');
  t.is(decide(y, { phase: 'spawn', spawn: { agent: 'x' } }).action, 'allow', 'the root spawns depth 1');
});

test('delegate tool calls count on tool_call when asked to', (t) => {
  const y = 'name: d\non: tool_call\ndepth: { op: ge, value: 2 }\naction: ask';
  t.is(decide(y, { ...tool('delegate', { agent: 'x' }), depth: 1 }).action, 'ask');
  t.is(decide(y, { ...tool('bash', { command: 'ls' }), depth: 1 }).action, 'allow');
});

test('problems', (t) => {
  t.deepEqual(problems('name: d\ndepth: 3\naction: deny'), ['2:8: `depth`: expected a map like `{max: 3}`, got number `3`']);
  t.deepEqual(problems('name: d\ndepth: { max: 2, gt: 1 }\naction: deny'), ['2:10: `depth`: use either `max` or a comparison']);
});
