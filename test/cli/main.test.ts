import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { packageRoot } from '../../src/paths.js';
import { commands } from '../../src/cli/registry.js';

test('--help lists every registered command', async (t) => {
  const r = await runCli(['--help']);
  t.is(r.code, 0);
  t.true(commands.length > 0);
  for (const c of commands) t.regex(r.stdout, new RegExp(`^  ${c.name}\\s+${c.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
});

test('--version prints the package version', async (t) => {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  const r = await runCli(['--version']);
  t.is(r.code, 0);
  t.is(r.stdout.trim(), pkg.version);
});

test('an unknown command is a usage error (exit 2) that shows the help', async (t) => {
  const r = await runCli(['frobnicate']);
  t.is(r.code, 2);
  t.regex(r.stderr, /unknown command `frobnicate`/);
  t.regex(r.stderr, /Commands:/);
});

test('every command answers --help with its usage', async (t) => {
  for (const c of commands) {
    const r = await runCli([c.name, '--help']);
    t.is(r.code, 0, c.name);
    t.regex(r.stdout, /Usage/i, c.name);
  }
});
