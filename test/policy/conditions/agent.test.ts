import test from 'ava';
import { bash, decide } from '../helpers.js';

test('acting agent by glob', (t) => {
  const y = 'name: coders\nmatch: { agent: "coder-*", command: "git push*" }\naction: deny';
  t.is(decide(y, bash('git push', { agent: 'coder-a' })).action, 'deny');
  t.is(decide(y, bash('git push', { agent: 'polly' })).action, 'allow');
  t.is(decide(y, bash('git push')).action, 'allow', 'no agent, no match');
});

test('on its own it applies to every phase', (t) => {
  const y = 'name: quiet\nagent: intern\naction: ask';
  t.is(decide(y, { phase: 'egress', agent: 'intern', egress: { host: 'x' } }).action, 'ask');
  t.is(decide(y, { phase: 'response', agent: 'intern' }).action, 'ask');
});
