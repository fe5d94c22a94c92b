import test from 'ava';
import { ShellParseCache } from '../../../src/policy/shell/index.js';

test('a hit returns the same parse without re-parsing', (t) => {
  let made = 0;
  const cache = new ShellParseCache(4, () => ({ n: ++made }));
  const a = cache.get('git push');
  const b = cache.get('git push');
  t.is(a, b);
  t.is(made, 1);
  t.deepEqual(a.parse.commands.map((c) => c.line), ['git push']);
});

test('memory stays bounded: at most two generations of capacity entries', (t) => {
  const cache = new ShellParseCache(8);
  for (let i = 0; i < 1000; i++) cache.get(`echo ${i}`);
  t.true(cache.size <= 16);
  t.true(cache.size >= 8);
});

test('recently used entries survive a generation change', (t) => {
  const cache = new ShellParseCache(4);
  const hot = cache.get('git status');
  for (let i = 0; i < 20; i++) {
    cache.get(`echo ${i}`);
    t.is(cache.get('git status'), hot, `round ${i}`);
  }
});

test('very long commands are parsed but not pinned in the cache', (t) => {
  const cache = new ShellParseCache(4);
  const long = `echo ${'x'.repeat(20_000)}`;
  const a = cache.get(long);
  t.not(cache.get(long), a);
  t.is(cache.size, 0);
});
