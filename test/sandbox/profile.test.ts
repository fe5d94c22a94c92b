// The profile builder, the addon's validator/explainer/Seatbelt renderer, and the launcher's
// contract around them (refusing bad or absent profiles, the status line, explicit `none`).
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadNative, sandboxLauncherPath } from '../../src/sandbox/native.js';
import { buildProfile, DEFAULT_SECRETS, optionsFromSpec, SandboxProfileError } from '../../src/sandbox/profile.js';
import { EXIT_SANDBOX_REFUSED, sandboxedCommand, type SandboxStatus } from '../../src/sandbox/launch.js';
import { makeWorld, profileFor, requireKernel, run } from './harness.js';

test('builder: workspace-write profile has the workspace, secrets, protected names and rc files', (t) => {
  const p = buildProfile({ mode: 'workspace-write', workspace: '/w/ws', network: 'proxy', allowPorts: [8080, 8080, 9000], home: '/h', stateDir: '/h/.state/bridle', policyFiles: ['pol/a.yaml'], tmp: false });
  t.deepEqual(p.fs.write, ['/w/ws']);
  t.deepEqual(p.fs.read, ['/']);
  t.deepEqual(p.fs.exec, ['/']);
  t.true(p.fs.protected.includes('/w/ws/.git/hooks'));
  t.true(p.fs.protected.includes('/w/ws/.git/config'));
  t.true(p.fs.protected.includes('/w/ws/.bridle'));
  t.true(p.fs.protected.includes('/w/ws/pol/a.yaml'));
  t.true(p.fs.protected.includes('/h/.bashrc'));
  for (const s of DEFAULT_SECRETS) t.true(p.fs.deny.includes(path.join('/h', s)), s);
  t.true(p.fs.deny.includes('/h/.state/bridle'));
  t.deepEqual(p.net, { mode: 'proxy', allow_ports: [8080, 9000], allow_unix_sockets: false });
  t.is(loadNative().validateProfile(JSON.stringify(p)).ok, true);
});

test('builder: narrowed reads keep the system dirs; read-only has no write roots', (t) => {
  const p = buildProfile({ mode: 'read-only', workspace: '/w/ws', read: ['/data'], network: 'none', home: '/h' });
  t.deepEqual(p.fs.write, []);
  t.true(p.fs.read.includes('/data'));
  t.true(p.fs.read.includes('/usr'));
  t.true(p.fs.read.includes('/w/ws'));
});

test('builder: refuses proxy without ports, ports without proxy, writes in read-only', (t) => {
  t.throws(() => buildProfile({ mode: 'workspace-write', workspace: '/w', network: 'proxy' }), { instanceOf: SandboxProfileError });
  t.throws(() => buildProfile({ mode: 'workspace-write', workspace: '/w', network: 'full', allowPorts: [1] }), { instanceOf: SandboxProfileError });
  t.throws(() => buildProfile({ mode: 'read-only', workspace: '/w', network: 'none', write: ['/x'] }), { instanceOf: SandboxProfileError });
  t.throws(() => buildProfile({ mode: 'workspace-write', workspace: '/w', network: 'proxy', allowPorts: [70000] }), { instanceOf: SandboxProfileError });
});

test('builder: none is explicit and still a valid profile', (t) => {
  const p = buildProfile({ mode: 'none', workspace: '/w', network: 'none' });
  t.is(p.mode, 'none');
  t.is(loadNative().validateProfile(JSON.stringify(p)).ok, true);
});

test('spec adapter maps the spec field and the session facts', (t) => {
  const o = optionsFromSpec({ mode: 'workspace-write', read: [], write: ['build'], network: 'proxy', best_effort: true }, { workspace: '/w', proxyPorts: [7000] });
  t.deepEqual(o.allowPorts, [7000]);
  t.true(o.bestEffort);
  t.deepEqual(buildProfile({ ...o, home: '/h', tmp: false }).fs.write, ['/w', '/w/build']);
});

test('addon validation reports every problem', (t) => {
  const r = loadNative().validateProfile(JSON.stringify({ version: 2, mode: 'workspace-write', fs: { write: ['rel'] }, net: { mode: 'proxy' } }));
  t.false(r.ok);
  t.is(r.errors.length, 3, r.errors.join('\n'));
  t.false(loadNative().validateProfile('{not json').ok);
});

test('addon Seatbelt text: deny default, writes only to the workspace, localhost proxy port only', (t) => {
  const p = buildProfile({ mode: 'workspace-write', workspace: '/Users/a/ws', network: 'proxy', allowPorts: [8080], home: '/Users/a', tmp: false });
  const text = loadNative().seatbeltProfile(JSON.stringify(p));
  t.true(text.startsWith('(version 1)\n(deny default)\n'));
  t.regex(text, /\(allow file-write\*\n {2}\(subpath "\/Users\/a\/ws"\)\n\)/);
  t.regex(text, /\(deny file-read\* file-write\* process-exec\n[^)]*\(subpath "\/Users\/a\/\.ssh"\)/);
  t.true(text.includes('(remote tcp "localhost:8080")'));
  t.false(text.includes('(remote ip)'));
});

test('addon explain: the composed rules never grant a secret or write to a protected path', (t) => {
  const w = makeWorld('explain');
  const p = profileFor(w);
  const { rules } = loadNative().explainProfile(JSON.stringify(p));
  const under = (a: string, b: string): boolean => a === b || a.startsWith(`${b}/`);
  const secret = path.join(w.home, '.ssh', 'id_ed25519');
  const granted = rules.filter((r) => under(secret, r.path)).flatMap((r) => r.access);
  t.deepEqual(granted, []);
  const hook = path.join(w.ws, '.git', 'hooks', 'pre-commit');
  const writes = rules.filter((r) => under(hook, r.path)).flatMap((r) => r.access).filter((a) => a.startsWith('make_') || a.startsWith('write') || a.startsWith('remove'));
  t.deepEqual(writes, []);
});

test('launcher refuses to run without a profile, with an invalid one, or with a missing write root', async (t) => {
  const launcher = sandboxLauncherPath();
  const none = await run(launcher, ['--', '/bin/true']);
  t.is(none.code, EXIT_SANDBOX_REFUSED);
  t.regex(none.stderr, /no profile/);
  const bad = await run(launcher, ['--profile-json', '{"version":1,"mode":"workspace-write","net":{"mode":"proxy"}}', '--', '/bin/true']);
  t.is(bad.code, EXIT_SANDBOX_REFUSED);
  t.regex(bad.stderr, /at least one port/);
  const w = makeWorld('missing-root');
  const p = profileFor(w);
  p.fs.write.push(path.join(w.base, 'nope'));
  const missing = await run(launcher, ['--profile-json', JSON.stringify(p), '--', '/bin/true']);
  t.is(missing.code, EXIT_SANDBOX_REFUSED);
  t.regex(missing.stderr, /does not exist/);
});

test('launcher reads the profile from a file and from a descriptor', async (t) => {
  const w = makeWorld('profile-src');
  const p = profileFor(w);
  const file = path.join(w.base, 'profile.json');
  writeFileSync(file, JSON.stringify(p));
  const launcher = sandboxLauncherPath();
  const r1 = await run(launcher, ['--profile', file, '--', '/bin/sh', '-c', 'echo ok > src/from-file'], { cwd: w.ws });
  t.is(r1.code, 0, r1.stderr);
  t.true(existsSync(path.join(w.ws, 'src', 'from-file')));
  const code = await new Promise<number | null>((resolve) => {
    const c = spawn(launcher, ['--profile-fd', '3', '--', '/bin/sh', '-c', 'echo ok > src/from-fd'], { cwd: w.ws, stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
    const fd3 = c.stdio[3] as NodeJS.WritableStream;
    fd3.end(JSON.stringify(p));
    c.on('close', resolve);
  });
  t.is(code, 0);
  t.true(existsSync(path.join(w.ws, 'src', 'from-fd')));
});

test('status line on a descriptor says what is enforced (and nothing is missing here)', async (t) => {
  if (!requireKernel(t, { abi: 6, seccomp: true }, 'full enforcement report')) return;
  const w = makeWorld('status');
  const c = sandboxedCommand(profileFor(w, { network: 'proxy', allowPorts: [9] }), '/bin/true', [], { statusFd: 3 });
  const status = await new Promise<string>((resolve) => {
    const child = spawn(c.file, c.args, { cwd: w.ws, env: c.env, stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
    let out = '';
    (child.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('close', () => resolve(out));
  });
  const s = JSON.parse(status) as SandboxStatus;
  t.is(s.event, 'sandbox.status');
  for (const f of ['no_new_privs', 'capabilities_dropped', 'landlock.fs', 'landlock.net', 'landlock.scopes', 'seccomp']) t.true(s.enforced.includes(f), f);
  t.deepEqual(s.missing, []);
  t.true(s.rules > 0);
});

test('mode none runs unconfined, and says so', async (t) => {
  const w = makeWorld('none');
  const c = sandboxedCommand(buildProfile({ mode: 'none', workspace: w.ws, network: 'none' }), '/bin/sh', ['-c', `echo x > ${w.outside}/free.txt; grep NoNewPrivs /proc/self/status`], { statusFd: 1 });
  const r = await run(c.file, c.args, { cwd: w.ws });
  t.is(r.code, 0, r.stderr);
  t.true(existsSync(path.join(w.outside, 'free.txt')));
  t.regex(r.stdout, /"mode":"none"/);
  t.regex(r.stdout, /NoNewPrivs:\s+0/);
});

test('launcher execs like execvp whatever libc it is built on: PATH search, #!-less scripts, 126/127', async (t) => {
  const w = makeWorld('exec');
  const bin = path.join(w.ws, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'noshebang'), 'echo "ran by sh: $0 $1"\n', { mode: 0o755 });
  writeFileSync(path.join(bin, 'notexec'), 'echo no\n', { mode: 0o644 });
  const profile = profileFor(w);
  const go = (cmd: string, args: string[] = [], PATH = `${bin}:${process.env.PATH ?? ''}`) => {
    const c = sandboxedCommand(profile, cmd, args);
    return run(c.file, c.args, { cwd: w.ws, env: { ...c.env, PATH } });
  };
  const byName = await go('noshebang', ['x']);
  t.is(byName.code, 0, byName.stderr);
  t.is(byName.stdout, `ran by sh: ${path.join(bin, 'noshebang')} x\n`);
  t.is((await go(path.join(bin, 'noshebang'))).code, 0);
  t.is((await go('no-such-command-here')).code, 127);
  t.is((await go(path.join(bin, 'notexec'))).code, 126);
  t.is((await go('notexec')).code, 126);
  // The command starts with SIGPIPE at its default disposition: `yes | head` ends, it does not spin.
  const pipe = await go('/bin/sh', ['-c', 'yes | head -n 2']);
  t.is(pipe.stdout, 'y\ny\n');
});
