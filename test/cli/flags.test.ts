// One argument reader for run, model-server, policy and sandbox: `--flag value` and
// `--flag=value` both work in each, and each reports a usage problem the same way — the same
// wording, the command's usage after it, exit code 2.
import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/command.js';
import { ArgReader, unexpected } from '../../src/cli/flags.js';
import { UsageError } from '../../src/cli/command.js';
import { packageRoot } from '../../src/paths.js';

async function cli(argv: string[], cwd = packageRoot): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), env: { HOME: os.tmpdir(), PATH: process.env.PATH ?? '/usr/bin:/bin' }, cwd };
  const code = await main(argv, io, false);
  return { code, stdout, stderr };
}

test('the reader: inline and separate values, switches, lists, positionals', (t) => {
  const args = new ArgReader(['spec.yaml', '--cwd=/a=b', '-p', 'hello', '--json', '--policy', 'x.yaml', 'y.yaml', '--event', '-', '--list=one']);
  const seen: unknown[] = [];
  for (const a of args) {
    if (a.kind === 'positional') seen.push(['pos', a.value]);
    else if (a.flag === '--json') seen.push([a.flag, args.flag()]);
    else if (a.flag === '--policy' || a.flag === '--list') seen.push([a.flag, args.values('file')]);
    else seen.push([a.flag, args.value()]);
  }
  t.deepEqual(seen, [
    ['pos', 'spec.yaml'],
    ['--cwd', '/a=b'],
    ['-p', 'hello'],
    ['--json', true],
    ['--policy', ['x.yaml', 'y.yaml']],
    ['--event', '-'],
    ['--list', ['one']],
  ]);
});

test('the reader: every usage problem is a UsageError in one wording', (t) => {
  const problem = (argv: string[], take: (r: ArgReader) => unknown): string => {
    const r = new ArgReader(argv);
    const err = t.throws(() => {
      r.next();
      take(r);
    }, { instanceOf: UsageError });
    return err.message;
  };
  t.is(problem(['--port'], (r) => r.value()), '--port needs a value');
  t.is(problem(['--json=yes'], (r) => r.flag()), '--json takes no value');
  t.is(problem(['--policy', '--event'], (r) => r.values('file')), '--policy needs at least one file');
  t.is(problem(['--port=http'], (r) => { throw r.invalid('a number', r.value()); }), '--port must be a number, got `http`');
  t.is(problem(['--frob=1'], (r) => { throw r.unknown(); }), 'unknown option `--frob`');
  t.is(unexpected('extra').message, 'unexpected argument `extra`');
});

/** The four commands, each with a fixture it can run to the point of using a parsed value. */
interface Case {
  name: string;
  /** argv prefix: the command and its subcommand. */
  cmd: string[];
  /** An option that takes a value. */
  valued: string;
  /** A switch, for commands that have one. */
  toggle?: string;
  /** An option with a constrained value, and a value it refuses, and the expectation text. */
  bad: [string, string, string];
}

const CASES: Case[] = [
  { name: 'run', cmd: ['run', 'test/fixtures/session/agent.yaml'], valued: '--cwd', toggle: '--json', bad: ['--ask-timeout', 'soon', 'a positive number of seconds'] },
  { name: 'model-server', cmd: ['model-server'], valued: '--script', toggle: '--quiet', bad: ['--port', 'http', 'a number from 0 to 65535'] },
  { name: 'policy', cmd: ['policy', 'check'], valued: '--event', bad: ['--answer', 'maybe', 'none or one of'] },
  { name: 'sandbox', cmd: ['sandbox', 'explain'], valued: '--network', toggle: '--no-tmp', bad: ['--network', 'udp', 'none, proxy or full'] },
];

const usageError = (r: { code: number; stderr: string }, command: string, message: string | RegExp): void => {
  if (r.code !== 2) throw new Error(`exit ${r.code}, stderr:\n${r.stderr}`);
  const first = r.stderr.split('\n')[0]!;
  const want = `bridle ${command}: `;
  if (!first.startsWith(want)) throw new Error(`stderr does not start with ${want}: ${r.stderr}`);
  const text = first.slice(want.length);
  if (typeof message === 'string' ? text !== message : !message.test(text)) throw new Error(`got \`${text}\`, want ${String(message)}`);
  if (!/\n\nUsage:/.test(r.stderr)) throw new Error(`no usage after the message: ${r.stderr}`);
};

for (const c of CASES) {
  test(`${c.name}: missing value, unknown option, stray switch value and a refused value read the same, exit 2 with usage`, async (t) => {
    const missing = await cli([...c.cmd, c.valued]);
    t.notThrows(() => usageError(missing, c.name, `${c.valued} needs a value`));
    const unknown = await cli([...c.cmd, '--frobnicate=1']);
    t.notThrows(() => usageError(unknown, c.name, 'unknown option `--frobnicate`'));
    if (c.toggle !== undefined) {
      const switched = await cli([...c.cmd, `${c.toggle}=yes`]);
      t.notThrows(() => usageError(switched, c.name, `${c.toggle} takes no value`));
    }
    const [flag, value, expected] = c.bad;
    for (const form of [[`${flag}=${value}`], [flag, value]]) {
      const refused = await cli([...c.cmd, ...form]);
      t.notThrows(() => usageError(refused, c.name, new RegExp(`^${flag} must be ${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*, got \`${value}\`$`)), form.join(' '));
    }
  });
}

test('--flag=value is read as --flag value by every command', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bridle-flags-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const policy = path.join(dir, 'p.yaml');
  writeFileSync(policy, 'name: no-rm\ncommand: "rm *"\naction: deny\n');
  const event = JSON.stringify({ phase: 'tool_call', tool: { name: 'bash', input: { command: 'rm x' } } });

  // policy: both forms give the same decision.
  const inline = await cli(['policy', 'check', `--policy=${policy}`, `--event=${event}`]);
  const spaced = await cli(['policy', 'check', '--policy', policy, '--event', event]);
  t.is(inline.code, 0, inline.stderr);
  t.is(inline.stdout, spaced.stdout);
  t.is(JSON.parse(inline.stdout).action, 'deny');

  // sandbox: the network mode given inline is the profile's.
  const explained = await cli(['sandbox', 'explain', '--network=full', `--write=${dir}`]);
  t.is(explained.code, 0, explained.stderr);
  const profile = JSON.parse(explained.stdout).profile as { net: { mode: string }; fs: { write: string[] } };
  t.is(profile.net.mode, 'full');
  t.true(profile.fs.write.includes(dir));

  // run: the directory given inline is the one checked (before any daemon is involved).
  const missingDir = path.join(dir, 'nope');
  const run = await cli(['run', 'test/fixtures/session/agent.yaml', '--headless', '-p', 'x', `--cwd=${missingDir}`]);
  t.notThrows(() => usageError(run, 'run', `--cwd ${missingDir} is not a directory`));

  // model-server: the script given inline is the file it tries to load.
  const server = await cli(['model-server', `--script=${path.join(dir, 'missing.yaml')}`]);
  t.is(server.code, 1);
  t.regex(server.stderr, /missing\.yaml/);
});
