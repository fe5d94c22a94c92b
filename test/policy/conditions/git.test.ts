import test from 'ava';
import type { NormalizedAction } from '../../../src/policy/types.js';
import { decide, egress, problems } from '../helpers.js';

const push = (remote: string, refs?: string[]): NormalizedAction => ({
  phase: 'egress',
  egress: { method: 'POST', host: 'github.com', path: '/x/git-receive-pack' },
  git: { op: 'push', remote, ...(refs ? { refs } : {}) },
});

test('operation, remote and branch from the proxy view', (t) => {
  const y = 'name: main\ngit: { op: push, remote: "github.com/acme/*", branch: [main, "release/*"] }\naction: deny';
  t.is(decide(y, push('https://github.com/acme/app.git', ['refs/heads/main'])).action, 'deny');
  t.is(decide(y, push('git@github.com:acme/app.git', ['refs/heads/release/1.2'])).action, 'deny');
  t.is(decide(y, push('https://github.com/acme/app.git', ['refs/heads/feature'])).action, 'allow');
  t.is(decide(y, push('https://github.com/other/app.git', ['refs/heads/main'])).action, 'allow');
  t.is(decide(y, push('https://github.com/acme/app.git', ['refs/tags/v1'])).action, 'allow');
});

test('unknown refs on a branch rule are a "maybe": deny fires', (t) => {
  const y = 'name: main\ngit: { op: push, branch: main }\naction: deny';
  t.is(decide(y, push('github.com/a/b')).action, 'deny');
});

test('shorthand, and op/remote read off the smart-HTTP URL when the proxy gave no git view', (t) => {
  const y = 'name: p\ngit: push\naction: ask';
  t.is(decide(y, egress('github.com', 'POST', '/acme/app.git/git-receive-pack')).action, 'ask');
  t.is(decide(y, egress('github.com', 'GET', '/acme/app.git/info/refs?service=git-receive-pack')).action, 'ask');
  t.is(decide(y, egress('github.com', 'POST', '/acme/app.git/git-upload-pack')).action, 'allow');
  t.is(decide('name: f\ngit: { op: fetch, remote: "github.com/acme/app.git" }\naction: warn', egress('github.com', 'POST', '/acme/app.git/git-upload-pack')).action, 'warn');
});

test('ref globs match full ref names', (t) => {
  const y = 'name: tags\ngit: { op: push, ref: "refs/tags/*" }\naction: ask';
  t.is(decide(y, push('h/x', ['refs/heads/a', 'refs/tags/v1'])).action, 'ask');
  t.is(decide(y, push('h/x', ['refs/heads/a'])).action, 'allow');
});

test('problems', (t) => {
  t.deepEqual(problems('name: x\ngit: pull\naction: deny'), ['2:6: `git`: unknown operation `pull`; expected one of: push, fetch']);
});
