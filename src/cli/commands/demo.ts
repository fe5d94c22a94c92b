// `bridle demo` — the whole product in one command, offline and with no keys: a small git repo in
// a temp dir, a private daemon (its own BRIDLE_HOME, so the user's state is never touched), three
// agents working in the repo against the scripted model server, and the dashboard over them. One
// agent installs dependencies and then tries to push, which the shipped push-after-install policy
// turns into an ask on screen. Quitting the dashboard (q, Ctrl-c, a signal) ends the sessions,
// the daemon and its model servers, and removes the temp dir.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command, CliIO } from '../command.js';
import { EXIT_FAIL, EXIT_OK, UsageError } from '../command.js';
import { DaemonClient, spawnDaemon } from '../../daemon/index.js';
import { daemonPaths } from '../../session/paths.js';
import { packageRoot } from '../../paths.js';
import type { HarnessName } from '../../spec/types.js';

const usage = `Usage:
  bridle demo [--keep]

Opens the dashboard on three agents (Claude Code, Codex and Pi in their own TUIs; Bridle's
built-in agent stands in for a vendor CLI that is not installed) working in a new git repo in a
temp dir, offline, against the scripted model server. One of them runs \`npm install\` and then
\`git push\`: the push-after-install policy asks you first (y allows, n denies).

q or Ctrl-c ends the demo: its sessions, its daemon and its model servers stop, and the temp dir
is removed (--keep leaves it, and prints where it is). Nothing outside the temp dir is used.`;

/** One tool call per vendor vocabulary: the scripted model must name the tool as the CLI declares it. */
const SHELL_CALL: Record<string, (command: string) => { name: string; input: Record<string, unknown> }> = {
  'claude-code': (command) => ({ name: 'Bash', input: { command, description: command } }),
  codex: (cmd) => ({ name: 'exec_command', input: { cmd } }),
  pi: (command) => ({ name: 'bash', input: { command } }),
  bridle: (command) => ({ name: 'bash', input: { command } }),
};

/** The vendor CLI each harness runs (pinned in node_modules/.bin, else looked up on PATH). */
const VENDOR_BIN: Partial<Record<HarnessName, string>> = { 'claude-code': 'claude', codex: 'codex', pi: 'pi' };

interface Role {
  name: string;
  harness: HarnessName;
  prompt: string;
  /** Shell commands the scripted model runs, one per turn, then `done` as the closing text. */
  steps: Array<{ say: string; run: string }>;
  /** Closing text when a step was refused by policy (or a person). */
  refused?: string;
  done: string;
}

// The pusher is first: the oldest session gets the first tile and the focus, so its ask can be
// answered with a key at once.
const ROLES: Role[] = [
  {
    name: 'pusher',
    harness: 'claude-code',
    prompt: 'Install the dependencies, then push the --version change to origin.',
    steps: [
      { say: 'Installing the dependencies first.', run: 'npm install --no-audit --no-fund' },
      { say: 'Dependencies are in. Pushing the change.', run: 'git push origin main' },
    ],
    refused: 'The push was not approved, so the change stays local. Ask me again once the dependencies are reviewed.',
    done: 'Pushed the --version change to origin.',
  },
  {
    name: 'reviewer',
    harness: 'codex',
    prompt: 'Review the last commit in this repository.',
    steps: [{ say: 'Looking at the last commit.', run: 'git log --oneline -3 && git show --stat HEAD' }],
    done: 'The last commit adds a --version flag to cli.js with a test; it is small and looks right.',
  },
  {
    name: 'tester',
    harness: 'pi',
    prompt: 'Run the test suite of this repository.',
    steps: [{ say: 'Running the tests.', run: 'node test.js' }],
    done: 'The tests pass.',
  },
];

function onPath(bin: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(path.delimiter).some((dir) => dir !== '' && existsSync(path.join(dir, bin)));
}

/** The role's harness when its CLI is installed, else Bridle's own agent (which needs no CLI). */
export function harnessFor(harness: HarnessName, env: NodeJS.ProcessEnv): HarnessName {
  const bin = VENDOR_BIN[harness];
  if (bin === undefined) return harness;
  return existsSync(path.join(packageRoot, 'node_modules', '.bin', bin)) || onPath(bin, env) ? harness : 'bridle';
}

/** The scripted model's conversation for one role, in the tool vocabulary of the harness that runs it. */
export function scriptFor(role: Role, harness: HarnessName): unknown {
  const call = SHELL_CALL[harness] ?? SHELL_CALL.bridle!;
  const turns: unknown[] = [];
  role.steps.forEach((step, i) => {
    turns.push({
      name: `step-${i + 1}`,
      // The first step answers the task; each later one answers the previous tool's result.
      ...(i === 0 ? { user: role.prompt } : { tool_result: '' }),
      reply: { text: step.say, tool_calls: [call(step.run)], usage: { input_tokens: 1800, output_tokens: 60 } },
    });
  });
  // Listed before `done` so a refusal is answered as one (the first matching turn answers).
  if (role.refused) turns.push({ name: 'refused', tool_result_regex: '/denied|not approved|policy/i', reply: { text: role.refused } });
  turns.push({ name: 'done', tool_result: '', reply: { text: role.done, usage: { input_tokens: 2400, output_tokens: 40 } } });
  return { turns, fallback: 'That is all this demo agent was scripted to do.' };
}

function specText(role: Role, harness: HarnessName): string {
  const policy = (name: string): string => JSON.stringify(path.join(packageRoot, 'policies', name));
  return [
    `name: ${role.name}`,
    'prompt: You are a coding agent working in a small Node.js repository.',
    `harness: ${harness}`,
    'model: claude-sonnet-4-5',
    'tools: [bash, read, edit]',
    'sandbox: { mode: workspace-write, network: proxy }',
    `policies: [${policy('budget.yaml')}, ${policy('push-after-install.yaml')}]`,
    '',
  ].join('\n');
}

/** A repo one commit ahead of its (local, bare) origin, with a package.json that installs offline. */
function makeRepo(root: string): string {
  const repo = path.join(root, 'repo');
  const remote = path.join(root, 'origin.git');
  mkdirSync(repo);
  // A fixed identity and no user config: the demo must not depend on (or read) the user's git setup.
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'Demo', GIT_AUTHOR_EMAIL: 'demo@example.invalid', GIT_COMMITTER_NAME: 'Demo', GIT_COMMITTER_EMAIL: 'demo@example.invalid' };
  const git = (cwd: string, ...args: string[]): void => void execFileSync('git', args, { cwd, env, stdio: 'ignore' });
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', remote);
  git(repo, 'init', '--quiet', '--initial-branch=main');
  git(repo, 'config', 'user.name', 'Demo');
  git(repo, 'config', 'user.email', 'demo@example.invalid');
  writeFileSync(path.join(repo, 'package.json'), `${JSON.stringify({ name: 'demo-cli', version: '1.0.0', private: true, bin: { 'demo-cli': 'cli.js' }, scripts: { test: 'node test.js' } }, null, 2)}\n`);
  writeFileSync(path.join(repo, 'cli.js'), "#!/usr/bin/env node\nconsole.log('hello');\n");
  writeFileSync(path.join(repo, '.gitignore'), 'node_modules/\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '--quiet', '-m', 'A CLI that says hello');
  git(repo, 'remote', 'add', 'origin', `file://${remote}`);
  git(repo, 'push', '--quiet', 'origin', 'main');
  writeFileSync(
    path.join(repo, 'cli.js'),
    "#!/usr/bin/env node\nconst { version } = require('./package.json');\nif (process.argv.includes('--version')) console.log(version);\nelse console.log('hello');\n",
  );
  writeFileSync(
    path.join(repo, 'test.js'),
    "const { execFileSync } = require('node:child_process');\nconst out = execFileSync(process.execPath, ['cli.js', '--version'], { encoding: 'utf8' });\nif (out.trim() !== '1.0.0') throw new Error(`--version printed ${out}`);\nconsole.log('ok 1 - --version prints the version');\n",
  );
  git(repo, 'add', '.');
  git(repo, 'commit', '--quiet', '-m', 'Add a --version flag');
  return repo;
}

/** The demo's environment: the user's, minus anything that would point Bridle (or an agent) at the user's state or keys. */
function demoEnv(root: string, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (!/^(ANTHROPIC_|OPENAI_|CLAUDE_|CODEX_|BRIDLE_|XDG_)/.test(k)) env[k] = v;
  env.BRIDLE_HOME = path.join(root, 'state');
  env.XDG_CONFIG_HOME = path.join(root, 'config');
  // Scratch files of everything the demo starts land in the demo's dir too.
  env.TMPDIR = path.join(root, 'tmp');
  mkdirSync(env.TMPDIR);
  return env;
}

export const demoCommand: Command = {
  name: 'demo',
  usage,
  async run(argv, io: CliIO) {
    const keep = argv.includes('--keep');
    for (const a of argv) if (a !== '--keep') throw new UsageError(`unknown argument \`${a}\``);
    if (process.stdout.isTTY !== true || process.stdin.isTTY !== true) {
      io.stderr('bridle demo: needs a terminal (it opens the dashboard)\n');
      return EXIT_FAIL;
    }

    const root = mkdtempSync(path.join(os.tmpdir(), 'bridle-demo-'));
    const env = demoEnv(root, io.env);
    const paths = daemonPaths(env);
    let client: DaemonClient | undefined;

    // A signal before the dashboard is up must still end with the cleanup below, not kill this
    // process and leave the demo's daemon behind; once it is up, the dashboard handles them.
    let interrupted = false;
    const onSignal = (): void => void (interrupted = true);
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const hold = (): void => signals.forEach((s) => process.on(s, onSignal));
    const release = (): void => signals.forEach((s) => process.off(s, onSignal));
    hold();

    let code = EXIT_OK;
    try {
      const repo = makeRepo(root);
      const specs = path.join(root, 'specs');
      mkdirSync(specs);
      await spawnDaemon(env);
      client = await DaemonClient.connect(paths, 'demo');
      for (const role of ROLES) {
        if (interrupted) break;
        const harness = harnessFor(role.harness, env);
        const spec = path.join(specs, `${role.name}.yaml`);
        const script = path.join(specs, `${role.name}.model-server.yml`);
        writeFileSync(spec, specText(role, harness));
        writeFileSync(script, JSON.stringify(scriptFor(role, harness), null, 2));
        await client.request('start', {
          spec,
          cwd: repo,
          prompt: role.prompt,
          model_server: script,
          // Bridle's own agent has no TUI of its own; its pane shows the transcript instead.
          mode: harness === 'bridle' ? 'headless' : 'interactive',
        });
      }
      if (!interrupted) {
        release();
        const { runDashboard } = await import('../../tui/run.js');
        try {
          await runDashboard({ stdin: process.stdin, stdout: process.stdout, env, cwd: repo, quitAlways: true });
        } finally {
          hold();
        }
      }
    } catch (err) {
      io.stderr(`bridle demo: ${(err as Error).message}\n`);
      code = EXIT_FAIL;
    } finally {
      await stopDaemon(client, paths);
      release();
      if (keep) io.stderr(`bridle demo: stopped; the demo's files are in ${root}\n`);
      else {
        rmSync(root, { recursive: true, force: true });
        io.stderr('bridle demo: stopped; nothing left running, temp files removed\n');
      }
    }
    return code;
  },
};

/** `stop` ends every session (and each one's model server and proxy), then the daemon exits. */
async function stopDaemon(existing: DaemonClient | undefined, paths: ReturnType<typeof daemonPaths>): Promise<void> {
  existing?.close();
  let pid: number | undefined;
  try {
    pid = Number(readFileSync(paths.pid, 'utf8').trim());
  } catch {
    return; // never started
  }
  try {
    const c = await DaemonClient.connect(paths, 'demo');
    const gone = new Promise<void>((resolve) => c.onClosed(resolve));
    await c.request('stop').catch(() => undefined);
    await gone;
  } catch {
    // not answering: killed below
  }
  // The socket closes before the process exits. Bounded, so a stuck daemon cannot hold the
  // terminal: it is then killed as a last resort.
  for (let i = 0; i < 200 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
