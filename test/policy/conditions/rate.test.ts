import test from 'ava';
import { bash, problems, session, tool } from '../helpers.js';

test('fires once N matching actions proceeded within the window', (t) => {
  const { session: s } = session('name: r\ntool: fetch\nrate: 3/1m\naction: deny');
  const at = (ts: number) => s.evaluate({ ...tool('fetch', { url: 'https://x' }), ts }).action;
  t.is(at(0), 'allow');
  t.is(at(1000), 'allow');
  t.is(at(2000), 'allow');
  t.is(at(3000), 'deny');
  t.is(at(3001), 'deny', 'denied actions do not count');
  t.is(at(60_001), 'allow', 'the first one left the window');
  t.is(s.evaluate({ ...bash('ls'), ts: 3002 }).action, 'allow', 'other actions are not counted');
});

test('warn rules count their own firings (the action proceeds)', (t) => {
  const { session: s } = session('name: r\non: tool_call\nrate: { limit: 1, window: 10s }\naction: warn');
  t.is(s.evaluate({ ...bash('a'), ts: 0 }).action, 'allow');
  t.is(s.evaluate({ ...bash('b'), ts: 1 }).action, 'warn');
  t.is(s.evaluate({ ...bash('c'), ts: 2 }).action, 'warn');
  t.is(s.evaluate({ ...bash('d'), ts: 10_001 }).action, 'warn', 'b is still in the window');
  t.is(s.evaluate({ ...bash('e'), ts: 30_000 }).action, 'allow', 'all have left it');
});

test('per: agent keeps separate windows', (t) => {
  const { session: s } = session('name: r\non: tool_call\nrate: { limit: 1, window: 1h, per: agent }\naction: deny');
  t.is(s.evaluate({ ...bash('a'), agent: 'x', ts: 0 }).action, 'allow');
  t.is(s.evaluate({ ...bash('a'), agent: 'y', ts: 1 }).action, 'allow');
  t.is(s.evaluate({ ...bash('a'), agent: 'x', ts: 2 }).action, 'deny');
});

test('the state records the count it read', (t) => {
  const { session: s } = session('name: r\non: tool_call\nrate: 1/1m\naction: deny');
  s.evaluate({ ...bash('a'), ts: 0 });
  t.deepEqual(s.decide({ ...bash('a'), ts: 1 }).state, { 'rate:r:rate': 1 });
});

test('problems', (t) => {
  t.deepEqual(problems('name: r\nrate: lots\naction: deny'), ['2:7: `rate`: expected `N/window` like `30/1m`, got string `lots`']);
  t.deepEqual(problems('name: r\nrate: { limit: 1, window: soon }\naction: deny'), ['2:27: `rate` window: expected a duration like `30s`, `10m`, `1h`, got string `soon`']);
  t.deepEqual(problems('name: r\nnot: { rate: 1/1m }\naction: deny'), ['2:8: `rate` keeps state and cannot be nested under `not` or `any`']);
});
