// Runs the Rust unit tests (profile parsing, rule composition, seccomp program, Seatbelt text) as
// part of `npm test`, so a change that breaks them fails the same command as everything else.
import test from 'ava';
import path from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { run } from './harness.js';

test('cargo test of the native crate passes', async (t) => {
  // A cold checkout compiles the crate's test profile first, which on a small machine takes minutes;
  // .ci/run builds it ahead of the suite, and this bound only catches a hung build.
  t.timeout(15 * 60_000);
  const r = await run('cargo', ['test', '--quiet', '--manifest-path', path.join(packageRoot, 'native', 'Cargo.toml'), '--bin', 'bridle-sandbox'], { cwd: packageRoot });
  t.is(r.code, 0, `${r.stdout}\n${r.stderr}`);
  t.regex(r.stdout, /test result: ok\. \d+ passed; 0 failed/);
});
