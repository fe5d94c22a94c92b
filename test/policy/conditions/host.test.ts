import test from 'ava';
import { decide, egress, problems, tool } from '../helpers.js';

test('egress hosts by glob, case-insensitively', (t) => {
  const y = 'name: gh\nhost: "*.github.com"\naction: ask';
  t.is(decide(y, egress('api.github.com')).action, 'ask');
  t.is(decide(y, egress('API.GitHub.com')).action, 'ask');
  t.is(decide(y, egress('github.com.evil.io')).action, 'allow');
});

test('patterns with a port also check the port', (t) => {
  const y = 'name: local\nhost: ["localhost:8080", "10.*:22"]\naction: deny';
  t.is(decide(y, egress('localhost', 'GET', '/', 8080)).action, 'deny');
  t.is(decide(y, egress('localhost', 'GET', '/', 8081)).action, 'allow');
  t.is(decide(y, egress('10.0.0.1', 'GET', '/', 22)).action, 'deny');
});

test('fetch tool calls are requests too', (t) => {
  const y = 'name: evil\nhost: evil.example\naction: deny';
  t.is(decide(y, tool('fetch', { url: 'https://evil.example/x' })).action, 'deny');
  t.is(decide(y, tool('fetch', { url: 'not a url' })).action, 'allow');
  t.is(decide(y, tool('read', { url: 'https://evil.example/x' })).action, 'allow');
});

test('problems', (t) => {
  t.deepEqual(problems('name: x\non: spawn\nhost: a\naction: deny'), ['2:5: `host` never matches in phase `spawn` (it applies to egress, tool_call, tool_result)']);
});
