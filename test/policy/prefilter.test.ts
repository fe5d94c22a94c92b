import test from 'ava';
import { addHostKeys, addPathKeys, combinable, combine, hostAnchor, pathAnchor } from '../../src/policy/prefilter.js';

const pathKeys = (abs: string, home: string | null, ws: string | null) => {
  const s = new Set<string>();
  addPathKeys({ abs, home, ws, base: abs.slice(abs.lastIndexOf('/') + 1) }, s);
  return s;
};

test('path anchors use up to two literal leading segments, or the base name / extension', (t) => {
  t.is(pathAnchor('ws', 'src/**'), 'w1src');
  t.is(pathAnchor('ws', 'secrets/prod/**'), 'w2secrets/prod');
  t.is(pathAnchor('ws', 'src/*/x'), 'w1src');
  t.is(pathAnchor('ws', '**/x'), null);
  t.is(pathAnchor('home', '.ssh/**'), 'h1.ssh');
  t.is(pathAnchor('abs', '/etc/shadow'), 'a2etc/shadow');
  t.is(pathAnchor('base', '.env'), 'b:.env');
  t.is(pathAnchor('base', '*.pem'), 'e:pem');
  t.is(pathAnchor('base', '.env.*'), null);
});

test('a path produces the keys its matching globs are filed under', (t) => {
  const k = pathKeys('/home/u/.ssh/id_rsa', '.ssh/id_rsa', null);
  t.true(k.has(pathAnchor('home', '.ssh/**')!));
  t.true(k.has(pathAnchor('base', 'id_rsa')!));
  t.false(k.has(pathAnchor('ws', 'src/**')!));
  const w = pathKeys('/w/secrets/prod/k.pem', null, 'secrets/prod/k.pem');
  t.true(w.has(pathAnchor('ws', 'secrets/prod/**')!));
  t.true(w.has(pathAnchor('base', '*.pem')!));
  t.false(w.has(pathAnchor('ws', 'secrets/dev/**')!));
});

test('host anchors: literal hosts and `*.suffix`', (t) => {
  const keys = new Set<string>();
  addHostKeys('api.github.com', keys);
  t.true(keys.has(hostAnchor('api.github.com')!));
  t.true(keys.has(hostAnchor('*.github.com')!));
  t.true(keys.has(hostAnchor('*.com')!));
  t.false(keys.has(hostAnchor('*.gitlab.com')!));
  t.is(hostAnchor('api*.x.io'), null);
});

test('content regexes combine per flag set, except backreferences and named groups', (t) => {
  t.false(combinable(/(a)\1/));
  t.false(combinable(/(?<n>a)/));
  t.true(combinable(/(?<=a)b/));
  const [i, plain] = [combine([/a/i, /b/i]), combine([/a/, /b/s])];
  t.is(i.length, 1);
  t.true(i[0]!.test('B'));
  t.is(plain.length, 2);
});
