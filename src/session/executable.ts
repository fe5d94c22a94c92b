// Where a vendor CLI that this package does not pin lives (cursor-agent). The agent's PATH is
// built from nothing and minimal, so a CLI installed in, say, ~/.local/bin would not be found
// there; the daemon looks it up on its own PATH instead, or takes `BRIDLE_CURSOR_AGENT`.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { HarnessName } from '../spec/types.js';

const UNPINNED: Partial<Record<HarnessName, { bin: string; override: string }>> = {
  cursor: { bin: 'cursor-agent', override: 'BRIDLE_CURSOR_AGENT' },
};

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The vendor executable for `kind` from the daemon's environment; undefined: the adapter's default. */
function harnessExecutable(kind: HarnessName, daemonEnv: Readonly<Record<string, string | undefined>>): string | undefined {
  const entry = UNPINNED[kind];
  if (!entry) return undefined;
  const override = daemonEnv[entry.override];
  if (override) return path.resolve(override);
  for (const dir of (daemonEnv.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(path.resolve(dir), entry.bin);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

/** `{ executable }` for a harness context, or nothing. */
export function executableOf(kind: HarnessName, daemonEnv: Readonly<Record<string, string | undefined>>): { executable?: string } {
  const file = harnessExecutable(kind, daemonEnv);
  return file !== undefined ? { executable: file } : {};
}
