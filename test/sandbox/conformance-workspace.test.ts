// The other half of conformance: the workspace must stay fully usable — git, package-manager file
// churn, compilers — or agents will be configured to run unconfined.
import test, { type ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadNative } from '../../src/sandbox/native.js';
import { makeWorld, profileFor, requireKernel, run, sh, type World } from './harness.js';
import { sandboxedCommand, type SandboxStatus } from '../../src/sandbox/launch.js';

const kernelOk = (t: ExecutionContext): boolean => requireKernel(t, { abi: 3, seccomp: true }, 'workspace confinement');

/** The root of the workspace is only usable under default protection with the mount strategy. */
function mountOk(t: ExecutionContext): boolean {
  if (!kernelOk(t)) return false;
  if (!loadNative().probe().user_namespaces) {
    t.fail('a usable workspace root under default protection needs the mount strategy, i.e. unprivileged user namespaces');
    return false;
  }
  return true;
}

function gitEnv(w: World): NodeJS.ProcessEnv {
  return { ...process.env, HOME: w.home, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com' };
}

const GIT = 'git init -q -b main && echo hello > a.txt && mkdir -p lib && echo x > lib/b.txt && git add -A && git commit -q -m first && echo more >> a.txt && git commit -qam second && git mv a.txt c.txt && git commit -qm rename && git branch feat && git checkout -q feat && git log --oneline | wc -l';

test('git init/commit/branch work in a project directory of the workspace (default protection)', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('git');
  const proj = path.join(w.ws, 'src');
  const r = await sh(profileFor(w), GIT, { cwd: proj, env: gitEnv(w) });
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout.trim(), '3');
  t.true(existsSync(path.join(proj, '.git', 'refs', 'heads', 'feat')));
});

test('git init/commit/branch work at the root of a fresh workspace (default protection); the new .git is reported absent', async (t) => {
  if (!mountOk(t)) return;
  const w = makeWorld('git-root-default');
  const prof = profileFor(w);
  const c = sandboxedCommand(prof, '/bin/sh', ['-c', GIT], { statusFd: 2, env: gitEnv(w) });
  const r = await run(c.file, c.args, { cwd: w.ws, env: c.env });
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout.trim(), '3');
  t.true(existsSync(path.join(w.ws, '.git', 'refs', 'heads', 'feat')));
  const status = JSON.parse(r.stderr.split('\n').find((l) => l.startsWith('{"event"')) ?? '{}') as SandboxStatus;
  t.is(status.protect_strategy, 'mount');
  t.true(status.protect.some((p) => p.path === path.join(w.ws, '.git/hooks') && p.by === 'absent'), 'the unprotected new repository is on record');
});

test('git add/commit/branch in an existing repository at the workspace root; its hooks and config stay protected', async (t) => {
  if (!mountOk(t)) return;
  const w = makeWorld('git-root-existing');
  const env = gitEnv(w);
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: w.ws, env });
  const config = readFileSync(path.join(w.ws, '.git', 'config'), 'utf8');
  const hookNames = readdirSync(path.join(w.ws, '.git', 'hooks')).sort();
  const script = 'echo hello > a.txt && git add -A && git commit -q -m first && echo more >> a.txt && git commit -qam second && git checkout -q -b feat && git mv a.txt b.txt && git commit -qm mv && git gc -q && git log --oneline | wc -l';
  const r = await sh(profileFor(w), script, { cwd: w.ws, env });
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout.trim(), '3');
  t.false(existsSync(path.join(w.ws, '.git', 'index.lock')));
  const evil = await sh(profileFor(w), 'echo "curl evil" > .git/hooks/pre-commit; git config core.hooksPath /tmp/evil', { cwd: w.ws, env });
  t.not(evil.code, 0);
  t.deepEqual(readdirSync(path.join(w.ws, '.git', 'hooks')).sort(), hookNames);
  t.is(readFileSync(path.join(w.ws, '.git', 'config'), 'utf8'), config);
});

test('at the workspace root (default protection): new files, npm-style churn, directory renames and removal, cc', async (t) => {
  if (!mountOk(t)) return;
  const w = makeWorld('root-churn');
  mkdirSync(path.join(w.ws, '.git', 'hooks'), { recursive: true });
  writeFileSync(path.join(w.ws, '.git', 'config'), '[core]\n');
  writeFileSync(path.join(w.ws, 'hello.c'), '#include <stdio.h>\nint main(void){puts("built-and-ran");return 0;}\n');
  const script = [
    'echo "{}" > package.json',
    'node -e "$CHURN"',
    'mkdir -p dist/a/b && echo x > dist/a/b/f && mv dist dist-old && rm -rf dist-old',
    'mkdir tmp && TMPDIR=$PWD/tmp cc -O2 -o hello hello.c && ./hello',
    'ls node_modules | wc -l',
  ].join(' && ');
  const r = await sh(profileFor(w), script, { cwd: w.ws, env: { ...process.env, CHURN } });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /cli-ran/);
  t.regex(r.stdout, /built-and-ran/);
  t.is(r.stdout.trim().split('\n').pop(), '21');
  t.true(existsSync(path.join(w.ws, 'package.json')));
  t.true(existsSync(path.join(w.ws, 'node_modules', 'pkg5', 'lib-moved', 'deep', 'er', 'f9.js')));
  t.false(existsSync(path.join(w.ws, 'dist-old')));
});

test('git init/commit work at the workspace root when .git protection is turned off', async (t) => {
  if (!kernelOk(t)) return;
  // Landlock cannot let git create .git/index.lock without also letting it create .git/hooks/x,
  // so committing at the root of a workspace means opting out of the .git carve-outs.
  const w = makeWorld('git-root');
  const r = await sh(profileFor(w, { protect: [] }), GIT, { cwd: w.ws, env: gitEnv(w) });
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout.trim(), '3');
});

test('existing top-level files of the workspace stay editable under default protection', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('toplevel');
  writeFileSync(path.join(w.ws, 'package.json'), '{}\n');
  const r = await sh(profileFor(w), 'echo \'{"name":"x"}\' > package.json && cat package.json', { cwd: w.ws });
  t.is(r.code, 0, r.stderr);
  t.is(readFileSync(path.join(w.ws, 'package.json'), 'utf8'), '{"name":"x"}\n');
});

// What an install does to node_modules: deep trees, write-then-rename, bin symlinks, chmod, hard
// links inside the tree, truncation, removal of whole trees, and a FIFO for good measure.
const CHURN = `
const fs = require('fs'), path = require('path');
const root = path.resolve('node_modules');
for (let i = 0; i < 40; i++) {
  const dir = path.join(root, 'pkg' + i, 'lib', 'deep', 'er');
  fs.mkdirSync(dir, { recursive: true });
  for (let j = 0; j < 10; j++) {
    const f = path.join(dir, 'f' + j + '.js');
    fs.writeFileSync(f + '.tmp', 'module.exports = ' + j + ';\\n');
    fs.renameSync(f + '.tmp', f);
  }
  fs.writeFileSync(path.join(root, 'pkg' + i, 'package.json'), JSON.stringify({ name: 'pkg' + i }));
}
fs.mkdirSync(path.join(root, '.bin'), { recursive: true });
fs.writeFileSync(path.join(root, 'pkg0', 'cli.js'), '#!/bin/sh\\necho cli-ran\\n');
fs.chmodSync(path.join(root, 'pkg0', 'cli.js'), 0o755);
fs.symlinkSync('../pkg0/cli.js', path.join(root, '.bin', 'pkg0'));
fs.linkSync(path.join(root, 'pkg1', 'package.json'), path.join(root, 'pkg1', 'package.hard.json'));
fs.truncateSync(path.join(root, 'pkg2', 'package.json'), 0);
fs.renameSync(path.join(root, 'pkg3'), path.join(root, 'pkg3-renamed'));
fs.renameSync(path.join(root, 'pkg4', 'lib'), path.join(root, 'pkg5', 'lib-moved'));
for (let i = 20; i < 40; i++) fs.rmSync(path.join(root, 'pkg' + i), { recursive: true });
require('child_process').execFileSync('mkfifo', [path.join(root, 'fifo')]);
process.stdout.write(require('child_process').execFileSync(path.join(root, '.bin', 'pkg0')).toString());
`;

test('npm-style file churn works in the workspace', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('churn');
  const proj = path.join(w.ws, 'src');
  const r = await sh(profileFor(w), `node -e "$CHURN" && ls node_modules | wc -l`, { cwd: proj, env: { ...process.env, CHURN } });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /cli-ran/);
  t.is(r.stdout.trim().split('\n').pop(), '21'); // pkg0..19 (pkg3 renamed) + fifo; .bin is hidden from ls
  t.true(existsSync(path.join(proj, 'node_modules', 'pkg5', 'lib-moved', 'deep', 'er', 'f9.js')));
  t.false(existsSync(path.join(proj, 'node_modules', 'pkg30')));
});

test('a C compiler builds and runs a program in the workspace', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('cc');
  const proj = path.join(w.ws, 'src');
  mkdirSync(path.join(proj, 'tmp'));
  writeFileSync(path.join(proj, 'hello.c'), '#include <stdio.h>\nint main(void){puts("built-and-ran");return 0;}\n');
  const r = await sh(profileFor(w), 'cc -O2 -o hello hello.c && ./hello', { cwd: proj, env: { ...process.env, TMPDIR: path.join(proj, 'tmp') } });
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout.trim(), 'built-and-ran');
});
