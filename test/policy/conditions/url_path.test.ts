import test from 'ava';
import { decide, egress, tool } from '../helpers.js';

test('request paths with path-style globs; the query is ignored', (t) => {
  const y = 'name: admin\nmatch: { host: api.x.io, url_path: "/v1/admin/**" }\naction: deny';
  t.is(decide(y, egress('api.x.io', 'GET', '/v1/admin/users?x=1')).action, 'deny');
  t.is(decide(y, egress('api.x.io', 'GET', '/v1/admin')).action, 'deny');
  t.is(decide(y, egress('api.x.io', 'GET', '/v1/users')).action, 'allow');
  t.is(decide(y, egress('other.io', 'GET', '/v1/admin/x')).action, 'allow');
  t.is(decide(y, tool('fetch', { url: 'https://api.x.io/v1/admin/a%20b' })).action, 'deny');
});

test('`*` stays within one segment', (t) => {
  const y = 'name: pulls\nurl_path: "/repos/*/*/pulls"\naction: ask';
  t.is(decide(y, egress('h', 'GET', '/repos/o/r/pulls')).action, 'ask');
  t.is(decide(y, egress('h', 'GET', '/repos/o/r/x/pulls')).action, 'allow');
});
