// How every confined process starts: bridle-sandbox applies the profile to itself and execs the
// command. This returns a plain {file, args, env} so node-pty and child_process use the same
// launch, and TypeScript never restricts its own process.
import type { SandboxProfile } from './profile.js';
import { sandboxLauncherPath } from './native.js';

export interface SandboxedCommand {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export interface LaunchOptions {
  /** Environment for the command. Default: a copy of process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * A descriptor number the child will have open (child_process `stdio` slot) on which the
   * launcher writes one JSON status line: what was enforced and what is missing.
   */
  statusFd?: number;
  /** Override the launcher path (tests); default sandboxLauncherPath(). */
  launcher?: string;
}

export function sandboxedCommand(profile: SandboxProfile, cmd: string, args: readonly string[], opts: LaunchOptions = {}): SandboxedCommand {
  const launcher = opts.launcher ?? sandboxLauncherPath();
  // The profile travels as an argument: no temp file to clean up, and it works for node-pty,
  // which cannot pass extra descriptors.
  const launcherArgs = ['--profile-json', JSON.stringify(profile)];
  if (opts.statusFd !== undefined) launcherArgs.push('--status-fd', String(opts.statusFd));
  return { file: launcher, args: [...launcherArgs, '--', cmd, ...args], env: { ...(opts.env ?? process.env) } };
}

/** The launcher's status line (native/src/enforce.rs). */
export interface SandboxStatus {
  event: 'sandbox.status';
  mode: string;
  best_effort: boolean;
  landlock_abi: number | null;
  enforced: string[];
  missing: { feature: string; reason: string; required: boolean }[];
  rules: number;
  /** How protected paths inside write roots were kept read-only. */
  protect_strategy: 'mount' | 'landlock' | '';
  /** Each protected path and what protects it; `absent` = missing at launch and NOT protected. */
  protect: { path: string; by: 'mount' | 'landlock' | 'absent' }[];
  notes: string[];
  error?: string;
}

/** Exit status bridle-sandbox uses when it refuses to run the command. */
export const EXIT_SANDBOX_REFUSED = 125;
