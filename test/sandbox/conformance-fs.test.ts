// Filesystem conformance: every case asserts the denial (exit status + EACCES/EPERM message) and
// that the effect did not happen (files unchanged, nothing created). Runs under the real kernel.
import test, { type ExecutionContext } from 'ava';
import { existsSync, mkdirSync, readFileSync, writeFileSync, symlinkSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { makeWorld, profileFor, requireKernel, run, sh, SECRET, type Run } from './harness.js';

const DENIED = /Permission denied|Operation not permitted/;

function denied(t: ExecutionContext, r: Run, msg?: string): void {
  t.not(r.code, 0, `expected failure${msg ? ` (${msg})` : ''}; stdout=${r.stdout} stderr=${r.stderr}`);
  t.regex(r.stderr, DENIED, msg);
}

const kernelOk = (t: ExecutionContext): boolean => requireKernel(t, { abi: 3, seccomp: true }, 'filesystem confinement');

test('control: the same writes succeed unconfined (the world is set up so denials mean something)', async (t) => {
  const w = makeWorld('control');
  const r = await run('/bin/sh', ['-c', `echo x > ${w.outside}/new.txt && echo y >> ${w.outside}/data.txt && cat ${w.home}/.ssh/id_ed25519`]);
  t.is(r.code, 0, r.stderr);
  t.true(existsSync(path.join(w.outside, 'new.txt')));
  t.true(r.stdout.includes(SECRET));
});

test('write outside the roots with > is denied and creates nothing', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('redirect');
  const r = await sh(profileFor(w), `echo pwned > ${w.outside}/new.txt`);
  denied(t, r);
  t.false(existsSync(path.join(w.outside, 'new.txt')));
});

test('append to an existing file outside leaves it unchanged', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('append');
  const r = await sh(profileFor(w), `echo pwned >> ${w.outside}/data.txt`);
  denied(t, r);
  t.is(readFileSync(path.join(w.outside, 'data.txt'), 'utf8'), 'original\n');
});

test('mv of a workspace file to outside is denied; the file stays put', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('mv');
  const r = await sh(profileFor(w), `mv src/main.txt ${w.outside}/moved.txt`);
  denied(t, r);
  t.false(existsSync(path.join(w.outside, 'moved.txt')));
  t.true(existsSync(path.join(w.ws, 'src', 'main.txt')));
});

test('mv of an outside file into the workspace is denied; the source survives', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('mv-in');
  const r = await sh(profileFor(w), `mv ${w.outside}/data.txt src/stolen.txt`);
  t.not(r.code, 0);
  t.true(existsSync(path.join(w.outside, 'data.txt')), 'source removed');
});

test('ln (hard and symbolic) creating links outside is denied', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('ln-out');
  const r1 = await sh(profileFor(w), `ln -s /etc/passwd ${w.outside}/sym`);
  denied(t, r1, 'symlink');
  const r2 = await sh(profileFor(w), `ln src/main.txt ${w.outside}/hard`);
  t.not(r2.code, 0, 'hardlink');
  t.false(existsSync(path.join(w.outside, 'sym')) || lstatExists(path.join(w.outside, 'sym')));
  t.false(existsSync(path.join(w.outside, 'hard')));
});

function lstatExists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

test('truncate of a file outside is denied; its size is unchanged', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('truncate');
  const r = await sh(profileFor(w), `truncate -s 0 ${w.outside}/data.txt`);
  denied(t, r);
  t.is(readFileSync(path.join(w.outside, 'data.txt'), 'utf8'), 'original\n');
});

test('rename of a parent (the workspace itself, and an outside dir) is denied', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('rename-parent');
  const r1 = await sh(profileFor(w), `mv ${w.ws} ${w.base}/ws-renamed`);
  t.not(r1.code, 0, r1.stderr);
  t.true(existsSync(w.ws));
  t.false(existsSync(path.join(w.base, 'ws-renamed')));
  const r2 = await sh(profileFor(w), `mv ${w.outside} ${w.ws}/src/grabbed`);
  t.not(r2.code, 0, r2.stderr);
  t.true(existsSync(path.join(w.outside, 'data.txt')));
});

test('rm of a file outside is denied; the file survives', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('rm');
  const r = await sh(profileFor(w), `rm -f ${w.outside}/data.txt`);
  denied(t, r);
  t.true(existsSync(path.join(w.outside, 'data.txt')));
});

// Protected paths inside write roots (both strategies) live in conformance-protect.test.ts.

test('secret dirs are unreadable: ssh, aws, gh, netrc, docker, Bridle state', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('secrets');
  const files = ['.ssh/id_ed25519', '.aws/credentials', '.config/gh/hosts.yml', '.netrc', '.docker/config.json', '.local/state/bridle/vault.json'];
  for (const f of files) {
    const r = await sh(profileFor(w), `cat ${w.home}/${f}`);
    denied(t, r, f);
    t.false(r.stdout.includes(SECRET), `${f} leaked`);
  }
  const ls = await sh(profileFor(w), `ls ${w.home}/.ssh`);
  denied(t, ls, 'listing ~/.ssh');
  t.false(ls.stdout.includes('id_ed25519'));
  // Their siblings stay readable: the carve-out is precise.
  const ok = await sh(profileFor(w), `cat ${w.home}/.bashrc`);
  t.is(ok.code, 0, ok.stderr);
});

test('secrets stay unreadable and unwritable even when home is a write root', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('secrets-w');
  const prof = profileFor(w, { write: [w.home] });
  const r1 = await sh(prof, `cat ${w.home}/.ssh/id_ed25519`);
  denied(t, r1);
  t.false(r1.stdout.includes(SECRET));
  const r2 = await sh(prof, `echo "ssh-ed25519 attacker" >> ${w.home}/.ssh/authorized_keys`);
  denied(t, r2);
  t.false(existsSync(path.join(w.home, '.ssh', 'authorized_keys')));
});

test('symlink escape: a link in the workspace does not extend write or read access', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('symlink');
  symlinkSync(path.join(w.outside, 'data.txt'), path.join(w.ws, 'out-link'));
  symlinkSync(path.join(w.home, '.ssh'), path.join(w.ws, 'ssh-link'));
  const r1 = await sh(profileFor(w), 'echo pwned > out-link');
  denied(t, r1, 'write via link');
  t.is(readFileSync(path.join(w.outside, 'data.txt'), 'utf8'), 'original\n');
  const r2 = await sh(profileFor(w), 'cat ssh-link/id_ed25519');
  denied(t, r2, 'read via link');
  t.false(r2.stdout.includes(SECRET));
  // And links the sandbox makes itself behave the same.
  const r3 = await sh(profileFor(w), `ln -s ${w.outside} src/o && echo pwned > src/o/new.txt`);
  denied(t, r3, 'self-made link');
  t.false(existsSync(path.join(w.outside, 'new.txt')));
});

test('hardlink escape: linking an outside or secret file into the workspace is denied', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('hardlink');
  const r1 = await sh(profileFor(w), `ln ${w.outside}/data.txt src/data-link`);
  t.not(r1.code, 0, 'outside file');
  t.false(existsSync(path.join(w.ws, 'src', 'data-link')));
  const r2 = await sh(profileFor(w), `ln ${w.home}/.ssh/id_ed25519 src/key && cat src/key`);
  t.not(r2.code, 0, 'secret file');
  t.false(existsSync(path.join(w.ws, 'src', 'key')));
  t.false(r2.stdout.includes(SECRET));
});

test('a hardlink to a protected file cannot be used to write it', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('hardlink-protected');
  mkdirSync(path.join(w.ws, '.git'));
  writeFileSync(path.join(w.ws, '.git', 'config'), '[core]\n');
  const r = await sh(profileFor(w), 'ln .git/config src/cfg && echo evil >> src/cfg');
  t.not(r.code, 0, r.stderr);
  t.is(readFileSync(path.join(w.ws, '.git', 'config'), 'utf8'), '[core]\n');
  t.false(existsSync(path.join(w.ws, 'src', 'cfg')));
});

test('device nodes cannot be created in the workspace', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('mknod');
  const r = await sh(profileFor(w), 'mknod src/mem c 1 1');
  denied(t, r);
  t.false(existsSync(path.join(w.ws, 'src', 'mem')));
});

test('read-only mode: the workspace itself is not writable', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('readonly');
  const r = await sh(profileFor(w, { mode: 'read-only' }), 'cat src/main.txt && echo x > src/new.txt', { cwd: w.ws });
  denied(t, r);
  t.true(r.stdout.includes('workspace file'));
  t.false(existsSync(path.join(w.ws, 'src', 'new.txt')));
});
