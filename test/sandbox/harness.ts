// Shared plumbing for the conformance suite: a throwaway "world" (workspace, outside dir, fake
// home with secrets, Bridle state dir), the compiled syscall helper, and a runner that launches
// through the same sandboxedCommand() sessions use.
import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { packageRoot } from '../../src/paths.js';
import { loadNative } from '../../src/sandbox/native.js';
import { buildProfile, type SandboxOptions, type SandboxProfile } from '../../src/sandbox/profile.js';
import { sandboxedCommand } from '../../src/sandbox/launch.js';

export interface World {
  base: string;
  ws: string;
  outside: string;
  home: string;
  state: string;
}

export const SECRET = 'BRIDLE-TEST-SECRET-7f3a';

const scratch: string[] = [];
process.on('exit', () => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

/** A temp dir removed when the test process exits. */
export function tempDir(prefix: string): string {
  const d = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  chmodSync(d, 0o755);
  scratch.push(d);
  return d;
}

/** A fresh world. Everything is 0755 so a test can also run the sandbox as an unprivileged user. */
export function makeWorld(tag: string): World {
  const base = tempDir(`bridle-sbx-${tag}-`);
  const w: World = { base, ws: path.join(base, 'ws'), outside: path.join(base, 'outside'), home: path.join(base, 'home'), state: path.join(base, 'home', '.local', 'state', 'bridle') };
  for (const d of [w.ws, w.outside, w.home, w.state, path.join(w.ws, 'src')]) mkdirSync(d, { recursive: true, mode: 0o755 });
  const secrets: Record<string, string> = {
    '.ssh/id_ed25519': `-----BEGIN OPENSSH PRIVATE KEY----- ${SECRET}`,
    '.aws/credentials': `[default]\naws_secret_access_key=${SECRET}`,
    '.config/gh/hosts.yml': `github.com:\n  oauth_token: ${SECRET}`,
    '.netrc': `machine example.com password ${SECRET}`,
    '.docker/config.json': `{"auths":{"x":{"auth":"${SECRET}"}}}`,
    '.local/state/bridle/vault.json': `{"ANTHROPIC_API_KEY":"${SECRET}"}`,
  };
  for (const [rel, content] of Object.entries(secrets)) {
    mkdirSync(path.dirname(path.join(w.home, rel)), { recursive: true });
    writeFileSync(path.join(w.home, rel), content);
  }
  writeFileSync(path.join(w.home, '.bashrc'), '# rc\n');
  writeFileSync(path.join(w.outside, 'data.txt'), 'original\n');
  writeFileSync(path.join(w.ws, 'src', 'main.txt'), 'workspace file\n');
  return w;
}

/** A workspace-write profile for a world: /tmp is NOT writable, so "outside" really is outside. */
export function profileFor(w: World, o: Partial<SandboxOptions> = {}): SandboxProfile {
  return buildProfile({ mode: 'workspace-write', workspace: w.ws, network: 'none', home: w.home, stateDir: w.state, tmp: false, ...o });
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion without blocking the event loop (network tests serve from it). */
export function run(file: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: 'ignore' | 'pipe' } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs `cmd args` inside the sandbox described by `profile`, from the workspace. */
export function confined(profile: SandboxProfile, cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const c = sandboxedCommand(profile, cmd, args, opts.env ? { env: opts.env } : {});
  return run(c.file, c.args, { cwd: opts.cwd ?? profile.fs.write[0] ?? '/', env: c.env });
}

/** `sh -c script` inside the sandbox. */
export function sh(profile: SandboxProfile, script: string, opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return confined(profile, '/bin/sh', ['-c', script], opts);
}

let helper: Promise<string> | undefined;

/** The syscall helper (test/fixtures/sandbox/probe.c), compiled once per test process. */
export function probeBin(): Promise<string> {
  helper ??= new Promise<string>((resolve, reject) => {
    const dir = tempDir('bridle-sbx-bin-');
    const out = path.join(dir, 'probe');
    const src = path.join(packageRoot, 'test', 'fixtures', 'sandbox', 'probe.c');
    execFile('cc', ['-O1', '-o', out, src], (err, _o, stderr) => (err ? reject(new Error(`cannot compile ${src}: ${stderr || err.message}`)) : resolve(out)));
  });
  return helper;
}

/** Landlock ABI of this kernel (0 when absent). */
export function landlockAbi(): number {
  return loadNative().probe().landlock_abi ?? 0;
}

/**
 * Fails (never skips) a test that needs a kernel feature this machine lacks, with a message that
 * says which. Returns whether the test may proceed.
 */
export function requireKernel(t: ExecutionContext, need: { abi?: number; seccomp?: boolean }, what: string): boolean {
  const p = loadNative().probe();
  const abi = p.landlock_abi ?? 0;
  if (need.abi !== undefined && abi < need.abi) {
    t.fail(`${what} needs Landlock ABI >= ${need.abi}; this kernel (${p.kernel}) has ${abi || 'no Landlock'}`);
    return false;
  }
  if (need.seccomp && !p.seccomp_filter) {
    t.fail(`${what} needs seccomp filters; this kernel (${p.kernel}) has none`);
    return false;
  }
  return true;
}

/** The first line of a probe-helper run: "ok ..." or "err ENAME". */
export function verdict(r: Run): string {
  return r.stdout.trim().split('\n')[0] ?? '';
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
