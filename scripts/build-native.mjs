#!/usr/bin/env node
// Builds the Rust crate: the napi addon (native/bridle.<platform>.node) and the bridle-sandbox
// launcher (copied to native/bridle-sandbox). Cargo's target/ dir keeps rebuilds incremental.
import { spawnSync } from 'node:child_process';
import { copyFileSync, chmodSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const release = !process.argv.includes('--debug');
const profileDir = release ? 'release' : 'debug';

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.error) {
    const hint = r.error.code === 'ENOENT' ? ` (is ${cmd} installed and on PATH? Bridle needs a Rust toolchain: https://rustup.rs)` : '';
    console.error(`build-native: cannot run ${cmd}: ${r.error.message}${hint}`);
    process.exit(1);
  }
  if (r.status !== 0) {
    console.error(`build-native: \`${cmd} ${args.join(' ')}\` failed with status ${r.status}`);
    process.exit(r.status ?? 1);
  }
}

const napi = path.join(root, 'node_modules', '.bin', 'napi');
if (!existsSync(napi)) {
  console.error('build-native: @napi-rs/cli is missing; run `npm install` first.');
  process.exit(1);
}
run(napi, [
  'build', '--platform', '--no-js',
  '--manifest-path', 'native/Cargo.toml',
  '--config-path', 'native/napi.json',
  '--output-dir', 'native',
  '--dts', path.join('..', 'target', 'bridle.d.ts'),
  ...(release ? ['--release'] : []),
]);
// The launcher starts before every confined process, so its own exec is on the hot path. On Linux
// it is linked statically (no dynamic loader work at startup), against musl when that Rust target
// is installed (`rustup target add x86_64-unknown-linux-musl`): glibc's static startup probes the
// CPU's caches with dozens of cpuid instructions, each a trap to the hypervisor in a VM, ~0.3 ms
// per launch there. Without it, glibc with +crt-static. Either way it gets an explicit --target so
// its flags live in their own target dir and never invalidate the addon's incremental build
// (RUSTFLAGS with --target do not apply to build scripts or proc macros).
const host = /host: (\S+)/.exec(spawnSync('rustc', ['-vV'], { encoding: 'utf8' }).stdout ?? '')?.[1];

/** Whether rustup (or the distribution) has the standard library for `target` installed. */
function hasTarget(target) {
  const libdir = spawnSync('rustc', ['--print', 'target-libdir', '--target', target], { encoding: 'utf8' }).stdout?.trim();
  return Boolean(libdir) && existsSync(libdir) && readdirSync(libdir).some((f) => f.startsWith('libstd-'));
}

let launcherTarget = null;
let launcherEnv = process.env;
if (host !== undefined && host.endsWith('-linux-gnu')) {
  const musl = host.replace(/-linux-gnu$/, '-linux-musl');
  if (hasTarget(musl)) {
    launcherTarget = musl; // static by default
  } else {
    launcherTarget = host;
    launcherEnv = { ...process.env, RUSTFLAGS: [process.env.RUSTFLAGS, '-C target-feature=+crt-static'].filter(Boolean).join(' ') };
  }
}
run('cargo', [
  'build', '--manifest-path', 'native/Cargo.toml', '--bin', 'bridle-sandbox',
  ...(launcherTarget ? ['--target', launcherTarget] : []),
  ...(release ? ['--release'] : []),
], launcherEnv);

const built = launcherTarget ? path.join(root, 'target', launcherTarget, profileDir, 'bridle-sandbox') : path.join(root, 'target', profileDir, 'bridle-sandbox');
const dest = path.join(root, 'native', 'bridle-sandbox');
copyFileSync(built, dest);
chmodSync(dest, 0o755);
console.log(`build-native: addon and ${path.relative(root, dest)} ready${launcherTarget ? ` (launcher: ${launcherTarget}, static)` : ''}`);
