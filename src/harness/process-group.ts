// Ending an agent together with everything it started. Both launchers (pipes and PTY) put the agent
// in its own process group, so signalling the group reaches its tool processes too.
import type { ExitInfo } from './types.js';

/** Grace period between SIGTERM and SIGKILL when stopping. */
const KILL_GRACE_MS = 3000;

/**
 * Sends `signal` to the process group led by `pid`; when that fails (no group, or already gone)
 * `fallback` signals the leader alone.
 */
export function signalGroup(pid: number, signal: NodeJS.Signals, fallback: (signal: NodeJS.Signals) => void): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      fallback(signal);
    } catch {
      // already gone
    }
  }
}

/**
 * A `kill()` for one launched agent: SIGTERM to the group (only while `running()`), SIGKILL after
 * the grace period, resolving on exit. Repeated calls share the first call's promise.
 */
export function groupKiller(exited: Promise<ExitInfo>, signal: (signal: NodeJS.Signals) => void, running: () => boolean): () => Promise<ExitInfo> {
  let killing: Promise<ExitInfo> | undefined;
  return () => {
    if (killing) return killing;
    if (running()) signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), KILL_GRACE_MS);
    killing = exited.then((info) => {
      clearTimeout(timer);
      // Stragglers that ignored SIGTERM but outlived the leader still share its group.
      signal('SIGKILL');
      return info;
    });
    return killing;
  };
}
