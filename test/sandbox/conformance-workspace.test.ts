// The other half of conformance: the workspace must stay fully usable — git, package-manager file
// churn, compilers — or agents will be configured to run unconfined.
import test, { type ExecutionContext } from 'ava';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeWorld, profileFor, requireKernel, sh, type World } from './harness.js';

const kernelOk = (t: ExecutionContext): boolean => requireKernel(t, { abi: 3, seccomp: true }, 'workspace confinement');

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
