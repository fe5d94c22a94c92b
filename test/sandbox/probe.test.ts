// `bridle sandbox probe` must report what the kernel really offers. Each field is checked against
// an independent reading of the same fact (procfs/sysfs, uname, util-linux's unshare).
import test from 'ava';
import os from 'node:os';
import { existsSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';

interface Probe {
  os: string;
  arch: string;
  kernel: string;
  landlock_abi: number | null;
  seccomp_filter: boolean;
  user_namespaces: boolean;
  sandbox_exec: boolean;
}

async function probe(): Promise<Probe> {
  const r = await runCli(['sandbox', 'probe']);
  if (r.code !== 0) throw new Error(`probe failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Probe;
}

test('probe prints JSON describing this OS and kernel', async (t) => {
  const p = await probe();
  t.is(p.os, process.platform === 'darwin' ? 'macos' : process.platform);
  t.is(p.kernel, os.release());
  t.is(typeof p.seccomp_filter, 'boolean');
  t.is(typeof p.user_namespaces, 'boolean');
  t.is(p.sandbox_exec, existsSync('/usr/bin/sandbox-exec'));
});

test('landlock ABI matches an independent landlock_create_ruleset(VERSION) call', async (t) => {
  if (process.platform !== 'linux') return t.pass('Landlock is Linux-only');
  const p = await probe();
  // Same question asked through Python's ctypes, so a bug in the Rust call would show as a mismatch.
  // 444 is landlock_create_ruleset on every architecture (it postdates the syscall table split).
  const py = spawnSync('python3', ['-c', 'import ctypes;l=ctypes.CDLL(None,use_errno=True);print(l.syscall(444,None,0,1))'], { encoding: 'utf8' });
  if (py.error || py.status !== 0) return t.fail(`cannot cross-check with python3: ${py.error?.message ?? py.stderr}`);
  const abi = Number(py.stdout.trim());
  t.is(p.landlock_abi, abi > 0 ? abi : null);
});

test('seccomp filter support matches procfs', async (t) => {
  if (process.platform !== 'linux') return t.pass('seccomp is Linux-only');
  const p = await probe();
  const actions = '/proc/sys/kernel/seccomp/actions_avail';
  const expected = existsSync(actions) && readFileSync(actions, 'utf8').includes('errno');
  t.is(p.seccomp_filter, expected);
});

test('user namespace support matches util-linux unshare', async (t) => {
  if (process.platform !== 'linux') return t.pass('user namespaces are Linux-only');
  const p = await probe();
  const r = spawnSync('unshare', ['--user', 'true']);
  if (r.error) return t.fail(`cannot run unshare to cross-check: ${r.error.message}`);
  t.is(p.user_namespaces, r.status === 0);
});

test('a missing addon gives a clear message, not a stack trace', async (t) => {
  const missing = path.join(os.tmpdir(), 'bridle-no-such-addon.node');
  const r = await runCli(['sandbox', 'probe'], { env: { ...process.env, BRIDLE_NATIVE_ADDON: missing } });
  t.is(r.code, 1);
  t.regex(r.stderr, /native addon is missing/);
  t.regex(r.stderr, /npm run build:native/);
  t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
});

test('an addon built for another platform gives a clear message', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bridle-addon-'));
  const bogus = path.join(dir, 'bridle.other-platform.node');
  // Not an ELF object for this machine: dlopen refuses it, as it would a foreign build.
  writeFileSync(bogus, Buffer.from('\xcf\xfa\xed\xfe not a shared object for this platform', 'latin1'));
  const r = await runCli(['sandbox', 'probe'], { env: { ...process.env, BRIDLE_NATIVE_ADDON: bogus } });
  t.is(r.code, 1);
  t.regex(r.stderr, /cannot be loaded here/);
  t.regex(r.stderr, /another platform/);
  t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
});
