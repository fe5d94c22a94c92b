// A private Bridle world per test file: state dir, runtime dir (socket), config dir and a
// workspace under one temp dir, an environment pointing the CLI and daemon at them, and a
// teardown that stops the daemon the file started.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { DaemonClient } from '../../src/daemon/index.js';
import { daemonPaths, type DaemonPaths } from '../../src/session/paths.js';
import { packageRoot } from '../../src/paths.js';
import { bridleBin } from '../helpers/cli.js';

export const fixture = (name: string): string => path.join(packageRoot, 'test', 'fixtures', 'session', name);

export interface World {
  root: string;
  env: NodeJS.ProcessEnv;
  paths: DaemonPaths;
  /** A fresh empty workspace. */
  workspace(name: string): string;
  client(name?: string): Promise<DaemonClient>;
  /** Stops the daemon (if one runs) and removes everything. */
  dispose(): Promise<void>;
}

/** Variables of the test runner's own environment that must not reach the daemon. */
const SCRUB = /^(ANTHROPIC_|OPENAI_|CLAUDE_|BRIDLE_|XDG_|HTTPS?_PROXY|https?_proxy|ALL_PROXY|NO_PROXY|no_proxy)/;

export function makeWorld(extraEnv: Record<string, string> = {}): World {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bridle-d-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!SCRUB.test(k)) env[k] = v;
  Object.assign(env, {
    BRIDLE_HOME: path.join(root, 'state'),
    XDG_RUNTIME_DIR: path.join(root, 'rt'),
    XDG_CONFIG_HOME: path.join(root, 'config'),
    ...extraEnv,
  });
  mkdirSync(path.join(root, 'rt'), { recursive: true });
  const paths = daemonPaths(env);
  return {
    root,
    env,
    paths,
    workspace(name) {
      const dir = path.join(root, 'ws', name);
      mkdirSync(dir, { recursive: true });
      return dir;
    },
    client: (name = 'test') => DaemonClient.connect(paths, name),
    async dispose() {
      try {
        const c = await DaemonClient.connect(paths, 'teardown');
        const gone = new Promise<void>((resolve) => c.onClosed(resolve));
        await c.request('stop');
        await gone;
      } catch {
        // not running
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export function worldFor(t: { teardown(fn: () => Promise<void>): void }, extraEnv: Record<string, string> = {}): World {
  const w = makeWorld(extraEnv);
  t.teardown(() => w.dispose());
  return w;
}

/** `bridle ARGS` as a child, with its output collected; `started` resolves with the session id. */
export function startCli(world: World, args: string[], cwd: string): { child: ChildProcess; started: Promise<string>; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [bridleBin, ...args], { cwd, env: world.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let announce!: (id: string) => void;
  const started = new Promise<string>((resolve) => (announce = resolve));
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    const m = /session (s_[a-z0-9]+)/.exec(stderr);
    if (m) announce(m[1]!);
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, started, done };
}

export function readJsonl(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export function daemonPid(world: World): number {
  return Number(readFileSync(world.paths.pid, 'utf8').trim());
}

export function ctxOk(t: ExecutionContext, r: { code: number | null; stdout: string; stderr: string }): void {
  t.is(r.code, 0, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
}
