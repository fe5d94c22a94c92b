// Giving memory back after output bursts: the addon really returns the allocator's free pages
// (measured as RSS in a child process), the collector really collects, and the scheduler releases
// once per burst and only after output has gone quiet.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { collectGarbage, MemoryReturn } from '../../src/util/memory-return.js';
import { addonPath, loadNative, platformTriple } from '../../src/sandbox/native.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('releaseFreeMemory returns the freed middle of the malloc heap to the OS', (t) => {
  if (!platformTriple().endsWith('-gnu')) {
    t.false(loadNative().releaseFreeMemory(), 'a no-op outside glibc');
    return;
  }
  // 100 MB in 64 KiB buffers (below glibc's mmap threshold, so they come from the heap), one in
  // sixteen kept alive: the freed ones sit between live ones, where free() cannot shrink the heap.
  const script = `
    const fs = require('node:fs');
    const addon = require(${JSON.stringify(addonPath())});
    const rss = () => Number(/VmRSS:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]);
    const keep = [];
    let all = [];
    for (let i = 0; i < 1600; i++) { const b = Buffer.allocUnsafeSlow(64 * 1024); b.fill(1); all.push(b); if (i % 16 === 0) keep.push(b); }
    all = null;
    gc(); gc();
    // V8 frees dead buffers' memory in a task after the collection.
    setTimeout(() => {
      const before = rss();
      const released = addon.releaseFreeMemory();
      console.log(JSON.stringify({ before, after: rss(), released, kept: keep.length }));
    }, 50);
  `;
  // A script file, not `-e`: code evaluated from the command line kept the dropped buffers reachable.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bridle-trim-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'fragment.cjs');
  writeFileSync(file, script);
  const r = spawnSync(process.execPath, ['--expose-gc', file], { encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  const m = JSON.parse(r.stdout) as { before: number; after: number; released: boolean; kept: number };
  t.true(m.released);
  t.is(m.kept, 100);
  // ~94 MB were freed; at least 40 MB of it must have left the process.
  t.true(m.before - m.after > 40 * 1024, `RSS ${m.before} kB -> ${m.after} kB`);
});

test('collectGarbage collects unreachable objects', async (t) => {
  let target: object | undefined = { payload: new Array(1000).fill(1) };
  const ref = new WeakRef(target);
  target = undefined;
  // A WeakRef's target stays alive until the current job ends.
  await sleep(0);
  collectGarbage();
  t.is(ref.deref(), undefined);
});

test('releases once after a burst, only when output has been quiet', async (t) => {
  let releases = 0;
  let collects = 0;
  const order: string[] = [];
  const m = new MemoryReturn({
    release: () => (releases++, order.push('release'), true),
    collect: () => void (collects++, order.push('collect')),
    afterBytes: 1000,
    quietMs: 40,
  });
  t.teardown(() => m.dispose());
  // A steady stream, 100 bytes every 10 ms for 300 ms: never quiet for 40 ms.
  for (let i = 0; i < 30; i++) {
    m.noteChurn(100);
    await sleep(10);
  }
  t.is(releases, 0, 'nothing released while output flows');
  await sleep(150);
  t.is(releases, 1);
  t.is(collects, 1);
  t.deepEqual(order, ['collect', 'release'], 'garbage collected before the release');
  await sleep(150);
  t.is(releases, 1, 'one release per burst');
});

test('a trickle below the threshold releases nothing', async (t) => {
  let releases = 0;
  const m = new MemoryReturn({ release: () => (releases++, true), afterBytes: 1000, quietMs: 20 });
  t.teardown(() => m.dispose());
  m.noteChurn(999);
  await sleep(120);
  t.is(releases, 0);
  m.noteChurn(1);
  await sleep(120);
  t.is(releases, 1);
});

test('a release that throws leaves the scheduler working', async (t) => {
  let calls = 0;
  const m = new MemoryReturn({
    release: () => {
      calls++;
      throw new Error('allocator unavailable');
    },
    afterBytes: 10,
    quietMs: 10,
  });
  t.teardown(() => m.dispose());
  m.noteChurn(10);
  await sleep(80);
  m.noteChurn(10);
  await sleep(80);
  t.is(calls, 2);
});
