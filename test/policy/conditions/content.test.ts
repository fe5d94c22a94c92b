import test from 'ava';
import { bashResult, decide, problems } from '../helpers.js';

test('regexes over message, tool result and response text', (t) => {
  const y = 'name: pw\ncontent: "password\\\\s*="\naction: deny';
  t.is(decide(y, bashResult('cat cfg', 'user=a\npassword = x')).action, 'deny');
  t.is(decide(y, { phase: 'request', text: 'my password=1' }).action, 'deny');
  t.is(decide(y, { phase: 'response', response: { text: 'password =' } }).action, 'deny');
  t.is(decide(y, { phase: 'llm_response', text: 'nothing here' }).action, 'allow');
});

test('nested results are searched; `in:` narrows the fields', (t) => {
  const y = 'name: k\non: [tool_call, tool_result]\ncontent: { pattern: SECRET, in: [input] }\naction: deny';
  t.is(decide(y, { phase: 'tool_call', tool: { name: 'write', input: { path: 'x', content: 'a SECRET' } } }).action, 'deny');
  t.is(decide(y, { phase: 'tool_result', tool: { name: 'x', result: [{ text: 'SECRET' }] } }).action, 'allow');
  t.is(decide('name: k\ncontent: SECRET\naction: deny', { phase: 'tool_result', tool: { name: 'x', result: [{ text: 'SECRET' }] } }).action, 'deny');
});

test('flags and inline (?i)', (t) => {
  t.is(decide('name: k\ncontent: { pattern: secret, flags: i }\naction: deny', { phase: 'request', text: 'SeCrEt' }).action, 'deny');
  t.is(decide('name: k\ncontent: "(?i)secret"\naction: deny', { phase: 'request', text: 'SECRET' }).action, 'deny');
  t.is(decide('name: k\ncontent: secret\naction: deny', { phase: 'request', text: 'SECRET' }).action, 'allow');
});

test('a regex that does not compile is reported where it is written', (t) => {
  t.deepEqual(problems('name: k\ncontent: ["ok", "(unclosed"]\naction: deny'), [
    '2:17: `content`: regex does not compile: Invalid regular expression: /(unclosed/: Unterminated group',
  ]);
  t.deepEqual(problems('name: k\ncontent: { pattern: a, flags: g }\naction: deny'), ['2:31: `content` flags: expected some of `imsu`, got string `g`']);
  t.deepEqual(problems('name: k\ncontent: { pattern: a, in: [body] }\naction: deny'), [
    '2:29: `content` in: unknown field `body`; expected one of: message, result, response, input',
  ]);
});
