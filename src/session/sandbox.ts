// The session's sandbox: the spec's `sandbox:` plus what only the session knows — the proxy's
// port and the hook endpoint's port (the only TCP the agent may open), the private home it must
// write, the CA files it must read, and the parts of Bridle's state dir it must never touch.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildProfile, optionsFromSpec, type SandboxProfile } from '../sandbox/profile.js';
import { sandboxedCommand } from '../sandbox/launch.js';
import { loadNative } from '../sandbox/native.js';
import { packageRoot } from '../paths.js';
import type { AgentSpec } from '../spec/types.js';
import type { LaunchWrapper } from '../harness/types.js';
import { SESSIONS_GUARD, type DaemonPaths } from './paths.js';

export interface SessionSandboxInput {
  spec: AgentSpec;
  workspace: string;
  /** The session's private directory (HOME, vendor config home, CA files). */
  privateDir: string;
  paths: DaemonPaths;
  proxyPort: number;
  userHome: string;
  policyFiles: readonly string[];
}

/**
 * Everything in the state dir except this session's own directory, entry by entry. Because the
 * state dir and the sessions dir are then ancestors of denied paths, Landlock grants nothing on
 * them as directories: files or sessions created there after launch are unreachable too.
 */
function stateDenies(paths: DaemonPaths, privateDir: string): string[] {
  const out: string[] = [];
  const list = (dir: string): string[] => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  for (const name of list(paths.state)) {
    const p = path.join(paths.state, name);
    if (p !== paths.sessions) out.push(p);
  }
  for (const name of list(paths.sessions)) {
    const p = path.join(paths.sessions, name);
    if (p !== privateDir) out.push(p);
  }
  if (paths.runtime !== paths.state) out.push(paths.runtime);
  return out;
}

/**
 * Whether protected paths inside write roots will be kept read-only by mounts (the launcher's
 * `auto` strategy picks them when a user namespace is usable) rather than by Landlock
 * composition, which would freeze every directory on the way — here the agent's private HOME and
 * vendor config home, where vendors create files as they run. Mirrors the launcher's own test:
 * user namespaces available, and not stripped by Ubuntu's AppArmor restriction for non-root.
 * Seatbelt protects paths without side effects.
 */
let mountProtection: boolean | undefined;
function protectsByMount(): boolean {
  if (mountProtection !== undefined) return mountProtection;
  if (process.platform === 'darwin') return (mountProtection = true);
  try {
    let restricted = false;
    try {
      restricted = process.getuid?.() !== 0 && readFileSync('/proc/sys/kernel/apparmor_restrict_unprivileged_userns', 'utf8').trim() === '1';
    } catch {
      // no such knob: not restricted
    }
    mountProtection = !restricted && loadNative().probe().user_namespaces;
  } catch {
    mountProtection = false;
  }
  return mountProtection;
}

export function sessionProfile(input: SessionSandboxInput, loopbackPorts: readonly number[], generated: readonly string[] = []): SandboxProfile {
  const { spec } = input;
  const readOnly = spec.sandbox.mode === 'read-only';
  const options = optionsFromSpec(
    {
      // A read-only agent still needs its private home: it becomes the only write root and the
      // workspace stays readable like the rest of the filesystem.
      mode: readOnly ? 'workspace-write' : spec.sandbox.mode,
      read: spec.sandbox.read.length > 0 ? [...spec.sandbox.read, input.workspace, input.privateDir, path.join(packageRoot, 'dist'), path.join(packageRoot, 'node_modules')] : [],
      write: readOnly ? [] : [...spec.sandbox.write, input.privateDir],
      network: spec.sandbox.network,
      // The profile has no per-path socket list yet: a list in the spec allows unix sockets.
      allow_unix_sockets: spec.sandbox.allowUnixSockets !== false,
      best_effort: spec.sandbox.bestEffort,
    },
    {
      workspace: readOnly ? input.privateDir : input.workspace,
      proxyPorts: [input.proxyPort, ...loopbackPorts],
      policyFiles: input.policyFiles,
      home: input.userHome,
      // The client token: always present, always denied (the rest of the state dir is in `deny`).
      stateDir: input.paths.token,
    },
  );
  options.deny = [...(options.deny ?? []), ...stateDenies(input.paths, input.privateDir), path.join(input.paths.sessions, SESSIONS_GUARD)];
  const profile = buildProfile(options);
  // The harness's own hooks and provider files: read-only for the agent where that costs nothing
  // else (see protectsByMount); without mounts they stay writable, a documented limit.
  if (protectsByMount()) {
    for (const file of generated) if (!profile.fs.protected.includes(file)) profile.fs.protected.push(file);
  }
  return profile;
}

/** The harness's launch wrapper: every agent process starts under bridle-sandbox. */
export function sandboxWrap(input: SessionSandboxInput, onProfile?: (profile: SandboxProfile) => void): LaunchWrapper {
  return (file, args, launch) => {
    const profile = sessionProfile(input, launch?.loopbackPorts ?? [], launch?.protect ?? []);
    onProfile?.(profile);
    const cmd = sandboxedCommand(profile, file, args, { env: {} });
    return { file: cmd.file, args: cmd.args };
  };
}
