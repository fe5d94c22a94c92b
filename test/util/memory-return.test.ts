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

// The windows below are several times longer than the steps between the calls, so a loaded
// machine's late timers do not change what happens.
test('releases once a burst has gone quiet, then collects and releases again after long quiet', async (t) => {
  const order: string[] = [];
  const m = new MemoryReturn({
    release: () => (order.push('release'), true),
    collect: () => void order.push('collect'),
    afterBytes: 1000,
    windowMs: 100,
    quietBytes: 100,
    collectAfterMs: 400,
  });
  t.teardown(() => m.dispose());
  // A steady stream, 200 bytes every 10 ms for 400 ms: every window is busy.
  for (let i = 0; i < 40; i++) {
    m.noteChurn(200);
    await sleep(10);
  }
  t.deepEqual(order, [], 'nothing released while output flows');
  // Released in the first quiet window (100-200 ms from here), collected 300 ms after that.
  await sleep(250);
  t.deepEqual(order, ['release'], 'stage 1: released without a collection');
  await sleep(650);
  t.deepEqual(order, ['release', 'collect', 'release'], 'stage 2: collected, then released');
  await sleep(300);
  t.is(order.length, 3, 'nothing more until the next burst');
});

test('a trickle (a spinner) counts as quiet; a trickle below the burst size releases nothing', async (t) => {
  let releases = 0;
  const m = new MemoryReturn({ release: () => (releases++, true), afterBytes: 1000, windowMs: 100, quietBytes: 100 });
  t.teardown(() => m.dispose());
  m.noteChurn(999);
  await sleep(300);
  t.is(releases, 0);
  m.noteChurn(1);
  // 10 bytes every 20 ms, at most 50 bytes a window: quiet, though never silent.
  for (let i = 0; i < 25; i++) {
    m.noteChurn(10);
    await sleep(20);
  }
  t.is(releases, 1);
});

test('the long-quiet collection waits while bursts keep coming', async (t) => {
  const order: string[] = [];
  const m = new MemoryReturn({ release: () => (order.push('release'), true), collect: () => void order.push('collect'), afterBytes: 1000, windowMs: 50, quietBytes: 100, collectAfterMs: 600 });
  t.teardown(() => m.dispose());
  for (let burst = 0; burst < 3; burst++) {
    m.noteChurn(5000);
    await sleep(300);
  }
  t.false(order.includes('collect'), 'bursts 300 ms apart never leave 600 ms of quiet');
  t.is(order.filter((x) => x === 'release').length, 3, 'each burst released once');
  await sleep(900);
  t.deepEqual(order.slice(-2), ['collect', 'release']);
});

test('a release that throws leaves the scheduler working', async (t) => {
  let calls = 0;
  const m = new MemoryReturn({
    release: () => {
      calls++;
      throw new Error('allocator unavailable');
    },
    afterBytes: 10,
    windowMs: 10,
  });
  t.teardown(() => m.dispose());
  m.noteChurn(10);
  await sleep(80);
  m.noteChurn(10);
  await sleep(80);
  t.is(calls, 2);
});
