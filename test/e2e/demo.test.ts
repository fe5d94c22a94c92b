// `bridle demo` end to end through a real terminal: it runs inside a private tmux server with
// TMPDIR pointing into this test's own dir, so the demo's temp dir (and everything it starts) is
// findable. Three tiles appear, the push-after-install ask about `git push` shows on the first
// pane, `n` refuses it, `q` ends the demo, and no process that belonged to it is left.
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bridleBin } from '../helpers/cli.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** Pids whose command line, environment or working directory names `dir`. */
function processesUnder(dir: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      const env = readFileSync(`/proc/${pid}/environ`, 'latin1');
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        // not ours to read
      }
      if (cmd.includes(dir) || env.includes(dir) || cwd.startsWith(dir)) out.push(pid);
    } catch {
      // gone, or not ours
    }
  }
  return out;
}

test.serial('bridle demo: three tiles, the git push ask answered n, q leaves nothing running', async (t) => {
  t.timeout(600_000);
  if (!hasTmux) return t.fail('tmux is not installed (apt-get install tmux); the demo e2e needs a real terminal multiplexer');
  const root = mkdtempSync(path.join(os.tmpdir(), 'bridle-demo-e2e-'));
  const socket = path.join(root, 'tmux.sock');
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: root, TERM: 'xterm-256color' };
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-S', socket, ...args], { env, encoding: 'utf8' });
  let demoDir: string | undefined;
  t.teardown(() => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    // Only after a failure can anything be left: end it so one bad run does not leak agents.
    if (demoDir) for (const pid of processesUnder(demoDir)) spawnSync('kill', ['-9', String(pid)]);
    rmSync(root, { recursive: true, force: true });
  });
  const until = async (pred: (screen: string) => boolean, what: string): Promise<string> => {
    // The deadline only turns a hang into a failure.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const s = tmux('capture-pane', '-p');
      if (pred(s)) return s;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  tmux('new-session', '-d', '-x', '160', '-y', '48', '-c', root, 'sh');
  tmux('send-keys', '-l', `${process.execPath} ${bridleBin} demo`);
  tmux('send-keys', 'Enter');

  // Three tiles: each pane's title bar is "AGENT HARNESS · STATE".
  await until((s) => ['pusher', 'reviewer', 'tester'].every((a) => new RegExp(`(?:^|│) ${a} [a-z-]+ · `, 'm').test(s)), 'three tiles');
  demoDir = readdirSync(root).filter((n) => n.startsWith('bridle-demo-')).map((n) => path.join(root, n))[0];
  t.truthy(demoDir, 'the demo made its temp dir under TMPDIR');
  t.true(processesUnder(demoDir!).length > 0, 'the demo runs its daemon and agents');

  // The pusher (first tile, focused) installed and now asks to push.
  await until((s) => /git push/.test(s) && s.includes('ask-push-after-install') && /n deny once/.test(s), 'the git push ask');
  tmux('send-keys', 'n');
  await until((s) => s.includes('not approved'), 'the refusal reaching the agent');

  tmux('send-keys', 'q');
  await until((s) => s.includes('bridle demo: stopped'), 'the demo to end');
  t.deepEqual(processesUnder(demoDir!), [], 'no daemon, model server or agent left');
  t.deepEqual(readdirSync(root).filter((n) => n.startsWith('bridle-demo-')), [], 'the temp dir is removed');
});
