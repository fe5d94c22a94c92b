import test from 'ava';
import { decide, llm, session } from '../helpers.js';

test('token thresholds per scope', (t) => {
  t.is(decide('name: t\ntokens: { gt: 1000 }\naction: warn', llm('m', { tokens: 1001 })).action, 'warn');
  t.is(decide('name: t\ntokens: { gt: 1000 }\naction: warn', llm('m', { tokens: 999 })).action, 'allow');
  t.is(decide('name: t\ntokens: { scope: day, ge: 5 }\naction: deny', llm('m', { tokens: 1, day_tokens: 5 })).action, 'deny');
  t.is(decide('name: t\ntokens: { scope: agent, ge: 5 }\naction: deny', llm('m', { tokens: 9, agent_tokens: 4 })).action, 'allow');
});

test('every: N tokens', (t) => {
  const { session: s } = session('name: t\ntokens: { every: 1000 }\naction: warn');
  t.is(s.evaluate(llm('m', { tokens: 999 })).action, 'allow');
  t.is(s.evaluate(llm('m', { tokens: 1000 })).action, 'warn');
  t.is(s.evaluate(llm('m', { tokens: 1500 })).action, 'allow');
  t.is(s.evaluate(llm('m', { tokens: 2100 })).action, 'warn');
});
