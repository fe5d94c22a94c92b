// `git push` over HTTPS through the proxy to a real smart-HTTP server that requires a token: the
// push succeeds, the server received the real token, the child only ever held the placeholder, and
// policy sees pushes with their branch (ask holds the push; a deny refuses it).
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { proxyEnvFor, type EgressAction, type EgressProxy, type SessionRoute } from '../../src/proxy/index.js';
import { startGitServer, type GitServer } from './helpers/git-server.js';
import { rules } from './helpers/policy.js';
import { cleanEnv, run } from './helpers/proc.js';
import { mapResolver, recorder, startProxy, testPki, type Recorded } from './helpers/world.js';

const REAL = 'ghp_REALgitTOKENwhichMUSTneverREACHtheAGENT01';

let rec: Recorded;
let proxy: EgressProxy;
let route: SessionRoute;
let server: GitServer;
let root: string;
let env: NodeJS.ProcessEnv;
const seen: EgressAction[] = [];
const asks: { action: EgressAction; answer: (a: 'allow' | 'deny') => void }[] = [];
let onAsk: (() => void) | null = null;

const git = (args: string[], cwd: string) => run('git', args, env, { cwd, timeoutMs: 60_000 });

test.before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'bridle-git-'));
  const pki = testPki();
  fs.mkdirSync(path.join(root, 'srv'));
  const init = await run('git', ['init', '--bare', '-q', '-b', 'main', path.join(root, 'srv', 'repo.git')], cleanEnv({ GIT_CONFIG_NOSYSTEM: '1', HOME: root }));
  if (init.code !== 0) throw new Error(init.stderr);
  server = await startGitServer(pki, path.join(root, 'srv'), REAL);
  rec = recorder();
  proxy = await startProxy(rec, {
    env: { GITHUB_TOKEN: REAL },
    defaultCredentials: [{ name: 'GITHUB_TOKEN', hosts: [`git.test:${server.port}`] }],
    decide: rules(
      [
        { git: { op: 'push', branch: 'protected' }, action: 'deny', message: 'protected is read-only' },
        { git: { op: 'push', branch: 'main' }, action: 'ask', message: 'push to main?' },
      ],
      seen,
    ),
    ask: (action) =>
      new Promise((resolve) => {
        asks.push({ action, answer: resolve });
        onAsk?.();
      }),
    resolver: mapResolver({ 'git.test': ['127.0.0.1'] }),
    allowInternal: ['git.test'],
  });
  route = proxy.addSession({ id: 's_git' });
  env = cleanEnv({
    ...proxyEnvFor(route),
    HOME: root,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.invalid',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.invalid',
  });
  const work = path.join(root, 'work');
  fs.mkdirSync(work);
  for (const args of [['init', '-q', '-b', 'main'], ['commit', '-q', '--allow-empty', '-m', 'one']]) {
    const r = await git(args, work);
    if (r.code !== 0) throw new Error(r.stderr);
  }
});

test.after.always(async () => {
  await proxy?.close();
  await server?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

// The remote URL is expanded by the shell from the child's own environment, as an agent would.
const pushScript = (refspec: string) => `git push "https://x-access-token:\${GITHUB_TOKEN}@git.test:${server.port}/repo.git" ${refspec} 2>&1`;

test.serial('the child environment, as the kernel sees it, holds only the placeholder', async (t) => {
  const r = await run('sh', ['-c', 'cat /proc/self/environ'], env);
  const vars = r.stdout.split('\0');
  t.true(vars.includes(`GITHUB_TOKEN=${route.placeholders.GITHUB_TOKEN}`));
  t.false(r.stdout.includes(REAL));
});

test.serial('git push succeeds through interception after a human allows the ask; the server got the real token', async (t) => {
  const work = path.join(root, 'work');
  const asked = new Promise<void>((resolve) => (onAsk = resolve));
  const pushing = run('sh', ['-c', `${pushScript('main')}; cat /proc/$$/environ | tr '\\0' '\\n' | grep '^GITHUB_TOKEN='`], env, { cwd: work, timeoutMs: 90_000 });
  await asked;
  onAsk = null;
  const pending = asks.at(-1)!;
  t.like(pending.action.git, { op: 'push', branch: 'main', ref: 'refs/heads/main', remote: `https://git.test:${server.port}/repo.git` });
  // While the ask is open the push has not reached the repository.
  const before = await run('git', ['--git-dir', path.join(root, 'srv', 'repo.git'), 'rev-parse', '--verify', '-q', 'refs/heads/main'], cleanEnv({ HOME: root }));
  t.not(before.code, 0);
  pending.answer('allow');
  const r = await pushing;
  t.is(r.code, 0, r.stdout);
  t.regex(r.stdout, /main -> main/);
  t.true(r.stdout.includes(`GITHUB_TOKEN=${route.placeholders.GITHUB_TOKEN}`));
  t.false(r.stdout.includes(REAL));
  const after = await run('git', ['--git-dir', path.join(root, 'srv', 'repo.git'), 'rev-parse', 'refs/heads/main'], cleanEnv({ HOME: root }));
  t.is(after.code, 0);
  t.true(server.presented.includes(REAL));
  t.false(server.presented.includes(route.placeholders.GITHUB_TOKEN!));
  // Discovery and the push itself were both seen as git traffic.
  t.truthy(seen.find((a) => a.git?.op === 'discover' && a.git.service === 'push'));
  const ev = rec.events.find((e) => e.payload.git?.op === 'push' && e.payload.verdict === 'allow');
  t.truthy(ev);
  t.false(JSON.stringify(rec.events).includes(REAL));
});

test.serial('a push to a branch the policy protects is refused with the rule message', async (t) => {
  const work = path.join(root, 'work');
  const r = await run('sh', ['-c', pushScript('main:protected')], env, { cwd: work, timeoutMs: 90_000 });
  t.not(r.code, 0);
  t.regex(r.stdout, /403/);
  const ev = rec.events.filter((e) => e.payload.git?.op === 'push').at(-1)!;
  t.like(ev.payload, { verdict: 'deny', reason: 'policy', message: 'protected is read-only' });
  const ref = await run('git', ['--git-dir', path.join(root, 'srv', 'repo.git'), 'rev-parse', '--verify', '-q', 'refs/heads/protected'], cleanEnv({ HOME: root }));
  t.not(ref.code, 0);
});

test.serial('a push of several refs is as strict as its strictest ref', async (t) => {
  const work = path.join(root, 'work');
  const r = await run('sh', ['-c', pushScript('main:feature main:protected')], env, { cwd: work, timeoutMs: 90_000 });
  t.not(r.code, 0);
  const ref = await run('git', ['--git-dir', path.join(root, 'srv', 'repo.git'), 'rev-parse', '--verify', '-q', 'refs/heads/feature'], cleanEnv({ HOME: root }));
  t.not(ref.code, 0, 'the allowed ref in the same push did not land either');
});

test.serial('fetching is recognized as git fetch', async (t) => {
  const r = await run('sh', ['-c', `git ls-remote "https://x-access-token:\${GITHUB_TOKEN}@git.test:${server.port}/repo.git"`], env, { cwd: root, timeoutMs: 60_000 });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /refs\/heads\/main/);
  t.truthy(seen.find((a) => a.git?.op === 'discover' && a.git.service === 'fetch'));
});
