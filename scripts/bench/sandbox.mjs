// `npm run bench -- sandbox [--runs N]`: median wall time to start /bin/true plain, through
// bridle-sandbox with a workspace profile, and through bubblewrap with an equivalent policy.
//
// Node's own spawn costs more than what we measure, so the timing loop is a small C driver
// (compiled here with cc) that posix_spawn()s the command and waits for it, N times per variant,
// variants interleaved round by round so machine noise hits all three alike.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const DRIVER = String.raw`
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
extern char **environ;
/* usage: driver ROUNDS :: cmdA... :: cmdB... :: ...   prints one line of microseconds per variant */
int main(int argc, char **argv) {
  int rounds = atoi(argv[1]);
  char **cmds[8]; int n = 0;
  for (int i = 2; i < argc; i++) if (!strcmp(argv[i], "::")) { argv[i] = NULL; if (i + 1 < argc) cmds[n++] = &argv[i + 1]; }
  double *t = calloc((size_t)rounds * n, sizeof(double));
  for (int r = 0; r < rounds; r++) {
    for (int v = 0; v < n; v++) {
      struct timespec a, b; pid_t pid; int st;
      clock_gettime(CLOCK_MONOTONIC, &a);
      if (posix_spawn(&pid, cmds[v][0], NULL, NULL, cmds[v], environ) != 0) { perror(cmds[v][0]); return 1; }
      waitpid(pid, &st, 0);
      clock_gettime(CLOCK_MONOTONIC, &b);
      if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) { fprintf(stderr, "variant %d failed (status %d)\n", v, st); return 1; }
      t[v * rounds + r] = (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3;
    }
  }
  for (int v = 0; v < n; v++) {
    for (int r = 0; r < rounds; r++) printf("%s%.1f", r ? " " : "", t[v * rounds + r]);
    printf("\n");
  }
  return 0;
}
`;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The q-quantile (0..1), nearest rank: on a loaded machine the low quantiles move least. */
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function which(cmd) {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

export default async function (args) {
  const runsArg = args.indexOf('--runs');
  const rounds = runsArg >= 0 ? Number(args[runsArg + 1]) : 400;
  const { buildProfile } = await import(pathToFileURL(path.join(root, 'dist', 'src', 'sandbox', 'profile.js')).href);
  const launcher = path.join(root, 'native', 'bridle-sandbox');
  if (!existsSync(launcher)) throw new Error('native/bridle-sandbox is missing; run `npm run build:native`');
  const bwrap = which('bwrap');
  if (!bwrap) throw new Error('bwrap is not installed (Debian/Ubuntu: apt-get install bubblewrap); it is the anchor of this benchmark');

  const dir = mkdtempSync(path.join(os.tmpdir(), 'bridle-bench-'));
  try {
    const driver = path.join(dir, 'driver');
    writeFileSync(`${driver}.c`, DRIVER);
    execFileSync('cc', ['-O2', '-o', driver, `${driver}.c`]);
    // A workspace like an agent's: a git checkout with hooks and config to protect.
    const ws = path.join(dir, 'ws');
    mkdirSync(path.join(ws, '.git', 'hooks'), { recursive: true });
    writeFileSync(path.join(ws, '.git', 'config'), '[core]\n');
    mkdirSync(path.join(ws, 'src'));
    const home = os.homedir();
    const profile = buildProfile({ mode: 'workspace-write', workspace: ws, network: 'none', home, tmp: false });
    // The same profile with the namespace-free strategy, so the mount layer's cost shows in this run.
    const landlockOnly = { ...profile, protect_strategy: 'landlock' };

    // bubblewrap with the same policy: everything read-only, the workspace writable, the
    // protected paths re-bound read-only, the secret dirs hidden, no network, fresh /dev and /proc.
    const bw = ['--new-session', '--die-with-parent', '--unshare-user', '--unshare-pid', '--unshare-net', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--bind', ws, ws];
    for (const p of profile.fs.protected) if (existsSync(p)) bw.push('--ro-bind', p, p);
    for (const p of profile.fs.deny) if (existsSync(p)) bw.push('--tmpfs', p);

    const variants = [
      ['plain', ['/bin/true']],
      ['bridle-sandbox', [launcher, '--profile-json', JSON.stringify(profile), '--', '/bin/true']],
      ['bwrap', [bwrap, ...bw, '/bin/true']],
      ['bridle-sandbox (landlock)', [launcher, '--profile-json', JSON.stringify(landlockOnly), '--', '/bin/true']],
    ];
    const argv = [String(rounds)];
    for (const [, cmd] of variants) argv.push("::", ...cmd);
    // Warm caches (page cache, dentries) before measuring.
    execFileSync(driver, ['20', ...argv.slice(1)], { cwd: ws });
    const out = execFileSync(driver, argv, { cwd: ws, encoding: 'utf8', maxBuffer: 64 << 20 });
    const samples = out.trim().split('\n').map((l) => l.split(' ').map(Number));
    const [plain, bridle, bwr, landlock] = samples.map(median);
    const [plain25, bridle25, bwr25, landlock25] = samples.map((xs) => quantile(xs, 0.25));
    const [plainMin, bridleMin, , landlockMin] = samples.map((xs) => Math.min(...xs));
    const ms = (us) => `${(us / 1000).toFixed(3)} ms`;
    console.log(`sandbox spawn benchmark: /bin/true, ${rounds} runs each, interleaved, posix_spawn+waitpid from a C driver`);
    console.log(`  kernel ${os.release()}, ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}`);
    console.log(`  plain            median ${ms(plain)}`);
    console.log(`  bridle-sandbox   median ${ms(bridle)}   overhead ${ms(bridle - plain)} (goal <= 1.5 ms)`);
    console.log(`  bwrap            median ${ms(bwr)}   overhead ${ms(bwr - plain)}`);
    console.log(`  bridle-sandbox, protect_strategy landlock (no namespace)   median ${ms(landlock)}   overhead ${ms(landlock - plain)}`);
    console.log(`  bridle-sandbox protect_strategy: auto (${process.getuid?.() === 0 ? 'as root: mount namespace only' : 'user + mount namespace'})`);
    console.log(`  ratio bridle-sandbox/plain ${(bridle / plain).toFixed(2)}x, bwrap/bridle-sandbox ${(bwr / bridle).toFixed(2)}x (goal >= 3x)`);
    console.log(`  bridle-sandbox rules: ${profile.fs.protected.length} protected, ${profile.fs.deny.length} denied paths composed per launch`);
    console.log(`  less load-sensitive: overhead at p25 ${ms(bridle25 - plain25)} (landlock ${ms(landlock25 - plain25)}), at min ${ms(bridleMin - plainMin)} (landlock ${ms(landlockMin - plainMin)}); bwrap/bridle-sandbox at p25 ${(bwr25 / bridle25).toFixed(2)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
