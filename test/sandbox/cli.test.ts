// `bridle sandbox run|explain|seatbelt` through the real CLI entry: exit codes pass through,
// signals become 128+n, options map onto the profile.
import test from 'ava';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { makeWorld, profileFor, requireKernel, run } from './harness.js';

const bridle = path.join(packageRoot, 'bin', 'bridle.js');
const cli = (args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) => run(process.execPath, [bridle, ...args], { cwd, env });

test('run passes the exit code through and confines the command', async (t) => {
  if (!requireKernel(t, { abi: 4, seccomp: true }, 'sandbox run')) return;
  const w = makeWorld('cli-exit');
  const env = { ...process.env, HOME: w.home };
  const r = await cli(['sandbox', 'run', '--no-tmp', '--write', w.ws, '--', 'sh', '-c', `echo in > src/in.txt; echo out > ${w.outside}/out.txt; exit 7`], w.ws, env);
  t.is(r.code, 7, r.stderr);
  t.true(existsSync(path.join(w.ws, 'src', 'in.txt')));
  t.false(existsSync(path.join(w.outside, 'out.txt')));
  t.regex(r.stderr, /Permission denied/);
});

test('run reports death by signal as 128+n', async (t) => {
  const w = makeWorld('cli-signal');
  const r = await cli(['sandbox', 'run', '--', 'sh', '-c', 'kill -TERM $$'], w.ws, { ...process.env, HOME: w.home });
  t.is(r.code, 128 + 15);
  const r2 = await cli(['sandbox', 'run', '--', 'sh', '-c', 'kill -KILL $$'], w.ws, { ...process.env, HOME: w.home });
  t.is(r2.code, 128 + 9);
});

test('run --network proxy --allow-port and --profile FILE', async (t) => {
  if (!requireKernel(t, { abi: 4, seccomp: true }, 'sandbox run')) return;
  const w = makeWorld('cli-profile');
  const file = path.join(w.base, 'p.json');
  writeFileSync(file, JSON.stringify(profileFor(w)));
  const r = await cli(['sandbox', 'run', '--profile', file, '--', 'sh', '-c', `cat ${w.home}/.ssh/id_ed25519`], w.ws);
  t.not(r.code, 0);
  t.regex(r.stderr, /Permission denied/);
  const bad = await cli(['sandbox', 'run', '--network', 'proxy', '--', 'true'], w.ws);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /needs the port/);
  const ok = await cli(['sandbox', 'run', '--network', 'proxy', '--allow-port', '9', '--', 'true'], w.ws, { ...process.env, HOME: w.home });
  t.is(ok.code, 0, ok.stderr);
});

test('usage errors exit 2', async (t) => {
  const w = makeWorld('cli-usage');
  t.is((await cli(['sandbox', 'run'], w.ws)).code, 2);
  t.is((await cli(['sandbox', 'run', '--network', 'udp', '--', 'true'], w.ws)).code, 2);
  t.is((await cli(['sandbox', 'run', '--profile', 'x.json', '--write', '.', '--', 'true'], w.ws)).code, 2);
  t.is((await cli(['sandbox', 'bogus'], w.ws)).code, 2);
});

test('explain and seatbelt print the same profile two ways', async (t) => {
  const w = makeWorld('cli-explain');
  const env = { ...process.env, HOME: w.home };
  const ex = await cli(['sandbox', 'explain', '--network', 'proxy', '--allow-port', '8080'], w.ws, env);
  t.is(ex.code, 0, ex.stderr);
  const parsed = JSON.parse(ex.stdout) as { profile: { net: { allow_ports: number[] } }; rules: unknown[] };
  t.deepEqual(parsed.profile.net.allow_ports, [8080]);
  t.true(parsed.rules.length > 0);
  const sb = await cli(['sandbox', 'seatbelt', '--network', 'proxy', '--allow-port', '8080'], w.ws, env);
  t.is(sb.code, 0, sb.stderr);
  t.true(sb.stdout.includes('(remote tcp "localhost:8080")'));
});
