import test from 'ava';
import { decide, llm, problems } from '../helpers.js';

const ALLOW_LIST = 'name: models\nmodel: [claude-sonnet-4-5, "gpt-5*"]\naction: deny';

test('a model outside the allow-list is denied (fail closed)', (t) => {
  t.is(decide(ALLOW_LIST, llm('claude-sonnet-4-5')).action, 'allow');
  t.is(decide(ALLOW_LIST, llm('gpt-5-mini')).action, 'allow');
  const d = decide(ALLOW_LIST, llm('llama-3'));
  t.is(d.action, 'deny');
  t.is(d.rules[0]!.reason, 'model `llama-3` is not in the allow-list (one of `claude-sonnet-4-5`, `gpt-5*`)');
});

test('a model request that names no model is unknown, so denied', (t) => {
  t.is(decide(ALLOW_LIST, llm(undefined)).action, 'deny');
});

test('spawns naming a model are checked; other phases only when they name one', (t) => {
  t.is(decide(ALLOW_LIST, { phase: 'spawn', spawn: { agent: 'c', model: 'llama' } }).action, 'deny');
  t.is(decide(ALLOW_LIST, { phase: 'spawn', spawn: { agent: 'c' } }).action, 'allow');
  t.is(decide('name: m\non: response\nmodel: [a]\naction: deny', { phase: 'response', model: 'b' }).action, 'deny');
  t.is(decide('name: m\non: response\nmodel: [a]\naction: deny', { phase: 'response' }).action, 'allow');
});

test('object form and seed form', (t) => {
  t.is(decide('name: m\nmodel: { allow: [a] }\naction: deny', llm('b')).action, 'deny');
  t.is(decide('name: m\ntype: model\nallow: [a]\naction: deny', llm('b')).action, 'deny');
});

test('an allow-list cannot be an allow rule', (t) => {
  t.deepEqual(problems('name: m\nmodel: [a]\naction: allow'), [
    '3:9: `model` is an allow-list that matches models outside it; use `deny` (or `ask`/`warn`), not `allow`',
  ]);
});
