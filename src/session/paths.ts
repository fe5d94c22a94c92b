// Where the daemon and its sessions keep things. Everything sensitive (store, client token, logs)
// lives in the state dir, which every sandbox denies entry by entry; each session's private homes
// live in `<state>/sessions/<id>`, the one part of the state dir its own sandbox may use.
import path from 'node:path';
import { stateHome } from '../paths.js';

export interface DaemonPaths {
  /** The state dir: store, token, log. Never reachable from a sandbox. */
  state: string;
  /** Directory of the unix socket: `$XDG_RUNTIME_DIR/bridle`, else the state dir. */
  runtime: string;
  socket: string;
  /** The client token (0600). Whoever can read it can drive the daemon. */
  token: string;
  log: string;
  pid: string;
  /** Parent of the per-session private directories. */
  sessions: string;
}

export function daemonPaths(env: NodeJS.ProcessEnv = process.env): DaemonPaths {
  const state = stateHome(env);
  const runtime = env.XDG_RUNTIME_DIR ? path.join(path.resolve(env.XDG_RUNTIME_DIR), 'bridle') : state;
  return {
    state,
    runtime,
    socket: path.join(runtime, 'daemon.sock'),
    token: path.join(state, 'daemon.token'),
    log: path.join(state, 'daemon.log'),
    pid: path.join(state, 'daemon.pid'),
    sessions: path.join(state, 'sessions'),
  };
}

/** A session's private directory: `home` (its HOME) and `config` (the vendor's config home). */
export function sessionDir(paths: DaemonPaths, id: string): string {
  return path.join(paths.sessions, id);
}

/**
 * A file in the sessions dir that always exists and is always denied, so that the sessions dir is
 * an ancestor of a denied path in every profile: Landlock then grants nothing on the directory
 * itself (only on the entries that existed at launch), and sessions created later stay unreadable.
 */
export const SESSIONS_GUARD = '.guard';
