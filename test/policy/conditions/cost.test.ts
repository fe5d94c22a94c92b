import test from 'ava';
import { decide, llm, problems, session } from '../helpers.js';

test('seed form loads unchanged: warn at $50', (t) => {
  const seed = 'name: budget-warn\ntype: cost\nop: ge\nvalue: 50\naction: warn\n';
  t.is(decide(seed, llm('m', { cost_usd: 49.99 })).action, 'allow');
  const d = decide(seed, llm('m', { cost_usd: 50 }));
  t.is(d.action, 'warn');
  t.is(d.rules[0]!.reason, 'spend (session) $50 ≥ $50');
  t.deepEqual(d.state, { 'cost.session': 50 });
});

test('every op, and the `{ge: N}` shorthand', (t) => {
  const at = (op: string, v: number) => decide(`name: c\ncost: { op: ${op}, value: 10 }\naction: warn`, llm('m', { cost_usd: v })).action;
  t.is(at('lt', 9), 'warn');
  t.is(at('lt', 10), 'allow');
  t.is(at('le', 10), 'warn');
  t.is(at('gt', 10), 'allow');
  t.is(at('gt', 10.01), 'warn');
  t.is(at('eq', 10), 'warn');
  t.is(decide('name: c\ncost: { gt: 5 }\naction: deny', llm('m', { cost_usd: 6 })).action, 'deny');
});

test('scopes: day and agent read their own figures', (t) => {
  t.is(decide('name: d\ncost: { scope: day, ge: 100 }\naction: ask', llm('m', { cost_usd: 1, day_cost_usd: 150 })).action, 'ask');
  t.is(decide('name: a\ncost: { scope: agent, ge: 5 }\naction: ask', llm('m', { cost_usd: 50, agent_cost_usd: 1 })).action, 'allow');
});

test('no figure, no match', (t) => {
  t.is(decide('name: c\ncost: { ge: 0 }\naction: deny', llm('m')).action, 'allow');
});

test('every: N asks once each time spend crosses another N', (t) => {
  const { session: s, human } = session('name: b\ncost: { every: 100 }\naction: ask');
  const spend = (v: number) => s.evaluate(llm('m', { cost_usd: v }));
  t.is(spend(50).action, 'allow');
  const first = spend(100);
  t.is(first.action, 'ask');
  t.is(human.answer(first.ask!.id, 'allow_once').action, 'allow');
  t.is(spend(150).action, 'allow');
  t.is(spend(199).action, 'allow');
  const second = spend(230);
  t.is(second.action, 'ask');
  t.regex(second.rules[0]!.reason, /\$230 crossed \$200/);
  human.answer(second.ask!.id, 'allow_once');
  const jump = spend(512);
  t.is(jump.action, 'ask', 'a jump over several steps asks once');
  human.answer(jump.ask!.id, 'allow_once');
  t.is(spend(599).action, 'allow');
  t.is(spend(600).action, 'ask');
});

test('every: an unanswered or denied ask asks again next time', (t) => {
  const { session: s, human } = session('name: b\ncost: { every: 100 }\naction: ask');
  const d = s.evaluate(llm('m', { cost_usd: 120 }));
  human.answer(d.ask!.id, 'deny_once');
  t.is(s.evaluate(llm('m', { cost_usd: 121 })).action, 'ask');
});

test('problems', (t) => {
  t.deepEqual(problems('name: c\ncost: { op: about, value: 5 }\naction: warn'), ['2:13: `cost`: bad op `about`; expected one of: lt, le, gt, ge, eq']);
  t.is(decide('name: c\ncost: { op: ">=", value: 5 }\naction: warn', llm('m', { cost_usd: 5 })).action, 'warn', 'common spellings are accepted');
  t.deepEqual(problems('name: c\ncost: { every: 10, ge: 5 }\naction: warn'), ['2:9: `cost`: `every` cannot be combined with a comparison']);
  t.deepEqual(problems('name: c\ncost: { every: -1 }\naction: warn'), ['2:16: `cost` every: expected a positive number, got -1']);
  t.deepEqual(problems('name: c\ncost: 5\naction: warn'), ['2:7: `cost`: expected a map like `{op: ge, value: 50}` or `{every: 100}`, got number `5`']);
  t.deepEqual(problems('name: c\ncost: { scope: week, ge: 1 }\naction: warn'), ['2:16: `cost`: bad scope `week`; expected one of: session, day, agent']);
  t.deepEqual(problems('name: c\ntype: cost\nop: ge\naction: warn'), ['3:1: `cost`: `op` needs a `value`']);
});
