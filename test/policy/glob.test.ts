import test from 'ava';
import { compileGlob, compileGlobSet, GlobError } from '../../src/policy/glob.js';

test('text dialect: `*` crosses spaces and slashes', (t) => {
  const g = compileGlob('git push*');
  t.true(g.test('git push'));
  t.true(g.test('git push origin main'));
  t.false(g.test('git pull'));
  t.false(g.test('xgit push'));
  t.true(compileGlob('*.example.com').test('a.b.example.com'));
});

test('path dialect: `*` stays in a segment, `**` crosses, `**/` may be empty', (t) => {
  const g = compileGlob('src/*.ts', { dialect: 'path' });
  t.true(g.test('src/a.ts'));
  t.false(g.test('src/x/a.ts'));
  const deep = compileGlob('src/**/*.ts', { dialect: 'path' });
  t.true(deep.test('src/a.ts'));
  t.true(deep.test('src/x/y/a.ts'));
  t.false(deep.test('lib/a.ts'));
  t.true(compileGlob('a/**', { dialect: 'path' }).test('a/b/c'));
});

test('classes, alternation, `?` and escapes', (t) => {
  t.true(compileGlob('file[0-9].txt').test('file7.txt'));
  t.false(compileGlob('file[!0-9].txt').test('file7.txt'));
  t.true(compileGlob('*.{js,ts}').test('a.ts'));
  t.false(compileGlob('*.{js,ts}').test('a.py'));
  t.true(compileGlob('a?c').test('abc'));
  t.true(compileGlob('a\\*c').test('a*c'));
  t.false(compileGlob('a\\*c').test('abc'));
  t.true(compileGlob('[]]').test(']'));
});

test('literal ends are prechecked without changing results', (t) => {
  t.true(compileGlob('*.key12', { dialect: 'path' }).test('b.key12'));
  t.false(compileGlob('*.key12', { dialect: 'path' }).test('b.key1'));
  t.true(compileGlob('a*{b,c}').test('axc'));
  t.true(compileGlob('a*b\\*').test('axb*'));
});

test('ignoreCase for hosts', (t) => {
  t.true(compileGlob('*.GitHub.com', { ignoreCase: true }).test('api.github.com'));
  t.true(compileGlob('API.github.com', { ignoreCase: true }).test('api.GITHUB.com'));
});

test('malformed globs throw GlobError with an offset', (t) => {
  const e1 = t.throws(() => compileGlob('a[bc'), { instanceOf: GlobError });
  t.is(e1.offset, 1);
  t.throws(() => compileGlob('a{b,c'), { instanceOf: GlobError });
  t.throws(() => compileGlob('a\\'), { instanceOf: GlobError });
});

test('sets: any member matches; literal first words are exposed for indexing', (t) => {
  const s = compileGlobSet(['git push*', 'npm publish', 'rm -rf *']);
  t.true(s.test('npm publish'));
  t.true(s.test('rm -rf /'));
  t.false(s.test('npm test'));
  t.deepEqual([...s.literals!].sort(), ['git', 'npm', 'rm']);
  t.is(compileGlobSet(['*push']).literals, null);
  t.is(compileGlobSet(['gi*']).literals, null, 'a wildcard inside the first word defeats the index');
  t.is(s.which!('rm -rf /'), 'rm -rf *');
});

test('path dialect: a trailing `/**` also matches the directory itself', (t) => {
  const g = compileGlob('/v1/admin/**', { dialect: 'path' });
  t.true(g.test('/v1/admin'));
  t.true(g.test('/v1/admin/x/y'));
  t.false(g.test('/v1/administrator'));
  t.false(compileGlob('a/**', { dialect: 'text' }).test('a'));
});
