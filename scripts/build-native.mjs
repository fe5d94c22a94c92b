#!/usr/bin/env node
// Builds the Rust crate: the napi addon (native/bridle.<platform>.node) and the bridle-sandbox
// launcher (copied to native/bridle-sandbox). Cargo's target/ dir keeps rebuilds incremental.
import { spawnSync } from 'node:child_process';
import { copyFileSync, chmodSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const release = !process.argv.includes('--debug');
const profileDir = release ? 'release' : 'debug';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
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
// The launcher starts before every confined process, so its own exec is on the hot path. On
// glibc Linux it is linked statically (no dynamic loader work at startup). It gets an explicit
// --target so its static flags live in their own target dir and never invalidate the addon's
// incremental build (RUSTFLAGS with --target do not apply to build scripts or proc macros).
const host = /host: (\S+)/.exec(spawnSync('rustc', ['-vV'], { encoding: 'utf8' }).stdout ?? '')?.[1];
const staticLauncher = host !== undefined && host.endsWith('-linux-gnu');
if (staticLauncher) {
  const flags = [process.env.RUSTFLAGS, '-C target-feature=+crt-static'].filter(Boolean).join(' ');
  process.env.RUSTFLAGS = flags;
  run('cargo', ['build', '--manifest-path', 'native/Cargo.toml', '--bin', 'bridle-sandbox', '--target', host, ...(release ? ['--release'] : [])]);
  delete process.env.RUSTFLAGS;
} else {
  run('cargo', ['build', '--manifest-path', 'native/Cargo.toml', '--bin', 'bridle-sandbox', ...(release ? ['--release'] : [])]);
}

const built = staticLauncher ? path.join(root, 'target', host, profileDir, 'bridle-sandbox') : path.join(root, 'target', profileDir, 'bridle-sandbox');
const dest = path.join(root, 'native', 'bridle-sandbox');
copyFileSync(built, dest);
chmodSync(dest, 0o755);
console.log(`build-native: addon and ${path.relative(root, dest)} ready`);
