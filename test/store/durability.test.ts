// Acknowledged events survive SIGKILL: a real child process appends and acknowledges, the test
// kills it at an arbitrary point, reopens the file and checks every acknowledged event is there,
// in order, and that SQLite finds the file intact. Several rounds on the same file also check
// that numbering continues where the last committed event left off.
import test from 'ava';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { openStore, storeFile } from '../../src/store/index.js';
import { tempHome } from './helpers.js';

const child = path.join(packageRoot, 'test', 'fixtures', 'store', 'append-child.mjs');

interface Killed {
  lastAcked: number;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Run the child until it acknowledged at least `target`, then SIGKILL it. In lockstep mode the
 * child is frozen right after an ack when the kill comes; free-running, it is somewhere in its
 * next batches (the parent reads acks late and adds a random few ms).
 */
function runAndKill(dir: string, sessionId: string, mode: 'free' | 'lockstep', target: number): Promise<Killed> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, dir, sessionId, mode], { stdio: ['pipe', 'pipe', 'pipe'] });
    let lastAcked = 0;
    let buf = '';
    let stderr = '';
    let killed = false;
    proc.stdin.on('error', () => {}); // writes racing the kill
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    proc.stdout.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) lastAcked = Number(line);
      if (killed) return;
      if (lastAcked >= target) {
        killed = true;
        const delay = mode === 'lockstep' ? 0 : randomInt(0, 6);
        if (delay === 0) proc.kill('SIGKILL');
        else setTimeout(() => proc.kill('SIGKILL'), delay);
      } else if (mode === 'lockstep') {
        proc.stdin.write('c');
      }
    });
    proc.on('error', reject);
    // 'close' comes after the pipes drained, so acks still in flight when the child died were
    // counted too (they were printed after a commit). Only complete lines count; a short write to
    // a pipe is atomic anyway.
    proc.on('close', (_code, signal) => {
      resolve({ lastAcked, signal, stderr });
    });
  });
}

test('every acknowledged event survives SIGKILL, in order, and the file passes integrity_check', async (t) => {
  const dir = tempHome(t);
  const setup = openStore({ dir });
  const sessionId = setup.createSession({ agent: 'a', harness: 'command' }).id;
  setup.close();

  let committed = 0;
  for (let round = 0; round < 8; round++) {
    const mode = round % 2 === 0 ? 'free' : 'lockstep';
    const target = committed + randomInt(300, mode === 'free' ? 4000 : 1500);
    const run = await runAndKill(dir, sessionId, mode, target);
    t.is(run.signal, 'SIGKILL', run.stderr);
    t.true(run.lastAcked >= target);

    // The raw file, opened without the store's code, must be consistent.
    const raw = new Database(storeFile(dir));
    t.is(raw.pragma('integrity_check', { simple: true }), 'ok');
    t.deepEqual(raw.pragma('foreign_key_check'), []);
    raw.close();

    const store = openStore({ dir });
    const last = store.lastSeq(sessionId);
    t.true(last >= run.lastAcked, `acked ${run.lastAcked} but only ${last} survived`);
    let expected = 1;
    for (let page = store.readEvents(sessionId); page.length > 0; page = store.readEvents(sessionId, { afterSeq: expected - 1 })) {
      for (const e of page) {
        if (e.seq !== expected || (e.payload as { seq: number }).seq !== expected) {
          t.fail(`event at position ${expected} has seq ${e.seq} and payload seq ${(e.payload as { seq: number }).seq}`);
          store.close();
          return;
        }
        expected++;
      }
    }
    t.is(expected - 1, last);
    t.log(`round ${round} (${mode}): acknowledged ${run.lastAcked}, found ${last}`);
    store.close();
    committed = last;
  }
});
