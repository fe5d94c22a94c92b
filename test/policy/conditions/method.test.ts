import test from 'ava';
import { decide, egress, problems, tool } from '../helpers.js';

test('HTTP methods, case-insensitive, fetch defaults to GET', (t) => {
  const y = 'name: writes\nmethod: [post, PUT, DELETE]\naction: ask';
  t.is(decide(y, egress('x.io', 'POST')).action, 'ask');
  t.is(decide(y, egress('x.io', 'GET')).action, 'allow');
  t.is(decide(y, tool('fetch', { url: 'https://x.io' })).action, 'allow');
  t.is(decide(y, tool('fetch', { url: 'https://x.io', method: 'delete' })).action, 'ask');
});

test('unknown methods are rejected with a suggestion', (t) => {
  t.deepEqual(problems('name: x\nmethod: [GET, DELET]\naction: deny'), ['2:15: `method`: unknown HTTP method `DELET`; did you mean `DELETE`?']);
});
