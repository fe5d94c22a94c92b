// Shared bits of the model-server tests: temp dirs that clean up after the test.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExecutionContext } from 'ava';

export function tempDir(t: ExecutionContext, label = 'bridle-ms-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), label));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
