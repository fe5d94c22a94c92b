import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { openStore, storeFile } from '../../src/store/index.js';
import { stateHome } from '../../src/paths.js';
import { closeLater, tempHome } from './helpers.js';

const mode = (p: string): string => (fs.statSync(p).mode & 0o777).toString(8);

// A wide-open umask makes the checks meaningful: without explicit modes everything would be
// created 0777/0666 here. Each test file runs in its own process, so this does not leak.
process.umask(0o000);

test('a new store directory is 0700 and the db, -wal and -shm files are 0600', async (t) => {
  const dir = tempHome(t);
  const store = closeLater(t, openStore({ dir }));
  const s = store.createSession({ agent: 'a', harness: 'bridle' });
  store.append(s.id, [{ type: 'text', payload: 'x' }]);
  await store.flush();
  const file = storeFile(dir);
  t.is(mode(dir), '700');
  t.is(mode(file), '600');
  // While a connection is open both WAL files exist (they are removed on the last close).
  t.is(mode(`${file}-wal`), '600');
  t.is(mode(`${file}-shm`), '600');
});

test('an existing directory and database with loose modes are tightened', (t) => {
  const dir = tempHome(t);
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  fs.chmodSync(dir, 0o755);
  openStore({ dir }).close();
  fs.chmodSync(storeFile(dir), 0o644);
  t.is(mode(storeFile(dir)), '644');

  const store = closeLater(t, openStore({ dir }));
  store.createSession({ agent: 'a', harness: 'bridle' });
  const file = storeFile(dir);
  t.is(mode(dir), '700');
  t.is(mode(file), '600');
  t.is(mode(`${file}-wal`), '600');
  t.is(mode(`${file}-shm`), '600');
});

test('the default location follows BRIDLE_HOME, then XDG_STATE_HOME', (t) => {
  // openStore() without dir uses stateHome(); check the resolution it relies on, without ever
  // touching the real home directory.
  const dir = tempHome(t);
  t.is(stateHome({ BRIDLE_HOME: dir }), dir);
  t.is(stateHome({ XDG_STATE_HOME: dir }), path.join(dir, 'bridle'));
  const prev = process.env.BRIDLE_HOME;
  process.env.BRIDLE_HOME = dir;
  t.teardown(() => {
    if (prev === undefined) delete process.env.BRIDLE_HOME;
    else process.env.BRIDLE_HOME = prev;
  });
  const store = closeLater(t, openStore());
  t.is(store.file, storeFile(dir));
  t.true(fs.existsSync(storeFile(dir)));
});
