import test from 'ava';
import { scriptFrom } from '../../src/model-server/script.js';
import { TurnBook, type LastEntry, type Probe } from '../../src/model-server/match.js';

function probe(last: LastEntry, model = 'claude-sonnet-4-5'): Probe {
  return { api: 'anthropic', model, stream: false, last };
}
const user = (text: string): Probe => probe({ kind: 'user', text });
const result = (text: string): Probe => probe({ kind: 'tool_result', text });

test('once turns are used up, so identical matchers answer in script order', (t) => {
  const book = new TurnBook(scriptFrom([
    { tool_result: '', reply: { text: 'first' } },
    { tool_result: '', reply: { text: 'second' } },
  ]));
  t.is(book.take(result('x'))?.index, 1);
  t.is(book.take(result('y'))?.index, 2);
  t.is(book.take(result('z')), undefined);
});

test('a user matcher ignores tool results and the other way round', (t) => {
  const book = new TurnBook(scriptFrom([
    { user: 'deploy', reply: { text: 'a' } },
    { tool_result: 'deploy', reply: { text: 'b' } },
  ]));
  t.is(book.take(result('deploy ok'))?.index, 2);
  t.is(book.take(user('please deploy'))?.index, 1);
  t.is(book.take(probe({ kind: 'none' })), undefined);
});

test('later turns can answer before earlier ones when only they match', (t) => {
  const book = new TurnBook(scriptFrom([
    { user: 'alpha', reply: { text: 'a' } },
    { user: 'beta', reply: { text: 'b' } },
  ]));
  t.is(book.take(user('beta'))?.index, 2);
  t.is(book.take(user('alpha'))?.index, 1);
});

test('once: false turns answer every time; turns without a matcher form a sequence', (t) => {
  const book = new TurnBook(scriptFrom([
    { user: 'quota', once: false, reply: { text: 'q' } },
    { reply: { text: 'one' } },
    { reply: { text: 'two' } },
  ]));
  t.is(book.take(user('quota'))?.index, 1);
  t.is(book.take(user('anything'))?.index, 2);
  t.is(book.take(user('quota'))?.index, 1);
  t.is(book.take(result('anything'))?.index, 3);
  t.deepEqual(book.available().map((x) => x.index), [1]);
});

test('regex matchers and model filters', (t) => {
  const book = new TurnBook(scriptFrom([
    { user_regex: '^make (\\w+)$', model: 'haiku', reply: { text: 'small' } },
    { user_regex: '/^MAKE/i', reply: { text: 'big' } },
  ]));
  t.is(book.take(user('make tea'))?.index, 2, 'model filter keeps turn 1 out');
  t.is(book.take(probe({ kind: 'user', text: 'make tea' }, 'claude-haiku-4-5'))?.index, 1);
  t.is(book.take(user('make tea')), undefined);
});

test('the fallback text says what came in and what is left', (t) => {
  const book = new TurnBook(scriptFrom([
    { name: 'greet', user: 'hello', reply: { text: 'hi' } },
    { tool_result_regex: 'ok$', model: 'sonnet', reply: { text: 'done' } },
  ]));
  const text = book.fallbackText(user('something else'));
  t.true(text.includes('No scripted turn in <script> matches this request (user message "something else", model "claude-sonnet-4-5")'), text);
  t.true(text.includes('- turn 1 "greet" [line 1]: user: "hello"'), text);
  t.true(text.includes('- turn 2 [line 5]: tool_result_regex: "ok$" (model contains "sonnet")'), text);
  book.take(user('hello'));
  book.take(result('ok'));
  t.true(book.fallbackText(user('x')).includes('Every turn of the script has been used.'));
  const own = new TurnBook(scriptFrom({ turns: [{ reply: { text: 'x' } }], fallback: 'scripted: no idea' }));
  t.is(own.fallbackText(user('x')), 'scripted: no idea');
});
