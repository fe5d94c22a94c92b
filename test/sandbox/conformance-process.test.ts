// Process conformance: the confined process cannot reach its parent (environ, mem, ptrace,
// process_vm_readv, signals), cannot gain privileges, cannot open kernel attack surface
// (io_uring, bpf, keyrings, namespaces, mount, foreign ABIs), and its detached descendants are
// exactly as confined. Each case checks the denial and that the effect is absent; controls run
// the same helper unconfined to prove the case can fail.
import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { copyFileSync, chmodSync, existsSync, mkdirSync, readFileSync, statSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { sandboxedCommand } from '../../src/sandbox/launch.js';
import type { SandboxProfile } from '../../src/sandbox/profile.js';
import { confined, makeWorld, probeBin, profileFor, requireKernel, run, sh, sleep, tempDir, verdict, SECRET, type Run, type World } from './harness.js';

const kernelOk = (t: ExecutionContext, abi = 3): boolean => requireKernel(t, { abi, seccomp: true }, 'process confinement');

// A parent outside the sandbox that holds a secret in its environment and records SIGUSR1.
const PARENT = `trap 'echo got-usr1 >> "$MARK"' USR1
"$@" &
child=$!
while :; do wait "$child"; rc=$?; kill -0 "$child" 2>/dev/null || break; done
exit $rc`;

async function underParent(w: World, profile: SandboxProfile | null, script: string): Promise<Run & { marked: boolean }> {
  const mark = path.join(w.outside, 'usr1.mark');
  const env = { ...process.env, MARK: mark, PARENT_SECRET: SECRET, PROBE: await probeBin() };
  const inner = ['/bin/sh', '-c', script];
  const argv = profile ? (({ file, args }) => [file, ...args])(sandboxedCommand(profile, inner[0] as string, inner.slice(1))) : inner;
  const r = await run('/bin/sh', ['-c', PARENT, 'parent', ...argv], { cwd: w.ws, env });
  return { ...r, marked: existsSync(mark) };
}

test('control: unconfined, the child can read the parent environ and signal it', async (t) => {
  const w = makeWorld('proc-control');
  const r = await underParent(w, null, 'tr "\\0" "\\n" < /proc/$PPID/environ; "$PROBE" kill $PPID 10; sleep 0.2');
  t.true(r.stdout.includes(SECRET));
  t.true(r.marked, 'signal delivered');
});

test('/proc/<ppid>/environ is unreadable and leaks nothing', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('environ');
  const r = await underParent(w, profileFor(w), 'tr "\\0" "\\n" < /proc/$PPID/environ');
  t.not(r.code, 0);
  t.regex(r.stderr, /Permission denied/);
  t.false(r.stdout.includes(SECRET));
});

test('/proc/<ppid>/mem cannot be opened', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('mem');
  const r = await underParent(w, profileFor(w), '"$PROBE" open /proc/$PPID/mem r');
  t.is(verdict(r), 'err EACCES', r.stderr);
});

test('ptrace of the parent is denied and the parent stays untraced', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('ptrace');
  const r = await underParent(w, profileFor(w), '"$PROBE" ptrace $PPID; grep TracerPid /proc/$PPID/status');
  t.is(verdict(r), 'err EPERM', r.stderr);
  t.regex(r.stdout, /TracerPid:\s+0\b/);
});

test('process_vm_readv of the parent is denied', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('vmread');
  const r = await underParent(w, profileFor(w), '"$PROBE" vmread $PPID');
  t.is(verdict(r), 'err EPERM', r.stderr);
});

test('signals to the parent are denied and never delivered', async (t) => {
  if (!kernelOk(t, 6)) return;
  const w = makeWorld('signal');
  const r = await underParent(w, profileFor(w), '"$PROBE" kill $PPID 10; sleep 0.2');
  t.is(verdict(r), 'err EPERM', r.stderr);
  t.false(r.marked, 'the parent received SIGUSR1');
});

test('signals to an unrelated process of the same user are denied; it keeps running', async (t) => {
  if (!kernelOk(t, 6)) return;
  const w = makeWorld('signal-other');
  const victim = spawn('sleep', ['30'], { stdio: 'ignore' });
  try {
    const r = await confined(profileFor(w), await probeBin(), ['kill', String(victim.pid), '9']);
    t.is(verdict(r), 'err EPERM', r.stderr);
    await sleep(100);
    t.is(victim.exitCode, null);
    t.is(victim.signalCode, null);
  } finally {
    victim.kill('SIGKILL');
  }
});

test('NoNewPrivs is 1, seccomp is in filter mode and no capabilities remain', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('nnp');
  const r = await sh(profileFor(w), 'cat /proc/self/status');
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^NoNewPrivs:\s+1$/m);
  t.regex(r.stdout, /^Seccomp:\s+2$/m);
  for (const set of ['CapInh', 'CapPrm', 'CapEff', 'CapAmb']) t.regex(r.stdout, new RegExp(`^${set}:\\s+0+$`, 'm'), set);
});

test('a setuid-root binary gains nothing inside the sandbox', async (t) => {
  if (!kernelOk(t)) return;
  if (process.getuid?.() !== 0) {
    t.fail('this case needs root to create a setuid-root helper (run the suite as root, as CI does)');
    return;
  }
  const w = makeWorld('setuid');
  const dir = tempDir('bridle-sbx-suid-');
  const suid = path.join(dir, 'suid-probe');
  copyFileSync(await probeBin(), suid);
  chmodSync(suid, 0o4755);
  const drop = ['--reuid=65534', '--regid=65534', '--clear-groups'];
  const control = await run('setpriv', [...drop, suid, 'euid']);
  t.is(verdict(control), 'ok 0', `control: the setuid bit must work here (${control.stderr})`);
  const c = sandboxedCommand(profileFor(w), suid, ['euid']);
  const r = await run('setpriv', [...drop, c.file, ...c.args], { cwd: w.ws });
  t.is(verdict(r), 'ok 65534', r.stderr);
});

test('grandchildren after setsid and a double fork are still confined', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('daemon');
  const report = path.join(w.ws, 'src', 'report.txt');
  const target = path.join(w.outside, 'escaped.txt');
  const r = await confined(profileFor(w), await probeBin(), ['daemonize', target, report]);
  t.is(r.code, 0, r.stderr);
  for (let i = 0; i < 50 && !existsSync(report); i++) await sleep(100);
  t.true(existsSync(report), 'the grandchild never reported');
  const line = readFileSync(report, 'utf8');
  t.regex(line, /^err EACCES nnp=1 /);
  t.false(existsSync(target));
});

test('io_uring cannot be set up (control: it can unconfined)', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('uring');
  const probe = await probeBin();
  t.is(verdict(await run(probe, ['io_uring'])), 'ok', 'control');
  t.is(verdict(await confined(profileFor(w), probe, ['io_uring'])), 'err EPERM');
});

test('no new user namespace, by unshare or clone; the namespace is unchanged', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('userns');
  const probe = await probeBin();
  t.is(verdict(await run(probe, ['unshare-user'])), 'ok', 'control: user namespaces work here');
  const prof = profileFor(w);
  t.is(verdict(await confined(prof, probe, ['unshare-user'])), 'err EPERM');
  t.is(verdict(await confined(prof, probe, ['clone-user'])), 'err EPERM');
  // The mount strategy runs the command in the launcher's own user namespace; the landlock one
  // in the caller's. Either way the refused unshare leaves the command where it started.
  const ns = await sh(prof, `readlink /proc/self/ns/user; "${probe}" unshare-user; readlink /proc/self/ns/user`);
  const [before, refused, after] = ns.stdout.trim().split('\n');
  t.is(refused, 'err EPERM');
  t.is(before, after, ns.stdout);
  const ll = await sh(profileFor(w, { protectStrategy: 'landlock' }), `"${probe}" unshare-user; readlink /proc/self/ns/user`);
  t.true(ll.stdout.includes(readlinkSync('/proc/self/ns/user')), ll.stdout);
});

test('mount is denied and nothing gets mounted', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('mount');
  const mnt = path.join(w.ws, 'src', 'mnt');
  mkdirSync(mnt);
  const r = await confined(profileFor(w), await probeBin(), ['mount', mnt]);
  t.is(verdict(r), 'err EPERM');
  t.is(statSync(mnt).dev, statSync(w.ws).dev);
  t.false(readFileSync('/proc/self/mountinfo', 'utf8').includes(mnt));
});

test('bpf and keyrings are denied', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('bpf');
  const probe = await probeBin();
  t.is(verdict(await confined(profileFor(w), probe, ['bpf'])), 'err EPERM');
  t.is(verdict(await confined(profileFor(w), probe, ['keyctl'])), 'err EPERM');
});

test('32-bit syscalls (int 0x80) kill the process; x32 numbers are refused', async (t) => {
  if (!kernelOk(t)) return;
  if (process.arch !== 'x64') {
    t.fail(`the foreign-ABI case is written for x86_64; this is ${process.arch}`);
    return;
  }
  const w = makeWorld('abi32');
  const probe = await probeBin();
  t.regex(verdict(await run(probe, ['int80'])), /^ok \d+$/, 'control: the i386 entry works here');
  const r = await confined(profileFor(w), probe, ['int80']);
  t.is(r.signal, 'SIGSYS');
  t.is(r.stdout, '');
  t.is(verdict(await confined(profileFor(w), probe, ['x32'])), 'err EPERM');
});

test('TIOCSTI (typing into the terminal) is refused by the filter, not by the tty', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('tiocsti');
  const probe = await probeBin();
  t.is(verdict(await run(probe, ['tiocsti'])), 'err ENOTTY', 'control: without a tty the kernel says ENOTTY');
  t.is(verdict(await confined(profileFor(w), probe, ['tiocsti'])), 'err EPERM');
});

async function unixServer(address: string): Promise<{ server: net.Server; connections: () => number }> {
  let n = 0;
  const server = net.createServer((s) => {
    n++;
    s.destroy();
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(address, resolve));
  return { server, connections: () => n };
}

test('AF_UNIX connect to a listening socket outside is denied; no connection arrives', async (t) => {
  if (!kernelOk(t)) return;
  const w = makeWorld('unix');
  const sock = path.join(w.outside, 'agent.sock');
  const { server, connections } = await unixServer(sock);
  try {
    const probe = await probeBin();
    t.is(verdict(await run(probe, ['unix', sock])), 'ok', 'control');
    await sleep(50);
    const before = connections();
    t.is(before, 1);
    t.is(verdict(await confined(profileFor(w), probe, ['unix', sock])), 'err EPERM');
    await sleep(100);
    t.is(connections(), before);
    // socketpair stays available: it is how a process talks to its own children.
    t.is(verdict(await confined(profileFor(w), probe, ['socketpair'])), 'ok');
  } finally {
    server.close();
  }
});

test('abstract unix sockets outside are unreachable even with unix sockets allowed', async (t) => {
  if (!kernelOk(t, 6)) return;
  const w = makeWorld('abstract');
  const name = `bridle-test-${process.pid}-${Date.now()}`;
  const { server, connections } = await unixServer(`\0${name}`);
  try {
    const probe = await probeBin();
    t.is(verdict(await run(probe, ['abstract', name])), 'ok', 'control');
    await sleep(50);
    const before = connections();
    const r = await confined(profileFor(w, { allowUnixSockets: true }), probe, ['abstract', name]);
    t.is(verdict(r), 'err EPERM', r.stderr);
    await sleep(100);
    t.is(connections(), before);
  } finally {
    server.close();
  }
});
