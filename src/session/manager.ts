// The daemon's sessions: starts them, finds them, ends them all on shutdown, and on startup marks
// the sessions a previous daemon left behind as interrupted (ending any process they left).
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSpec } from '../spec/index.js';
import type { AskAnswer, Decision, PolicySet } from '../policy/index.js';
import { openStore, TERMINAL_STATES, type Session as SessionRow, type Store } from '../store/index.js';
import { daemonPaths, type DaemonPaths } from './paths.js';
import { loadServerPolicies, serverPolicyFiles } from './policy.js';
import { processStartTime, Session, type StartRequest } from './session.js';

export interface ManagerOptions {
  env?: NodeJS.ProcessEnv;
  paths?: DaemonPaths;
  /** Already-open store (tests); default: the state dir's. */
  store?: Store;
  userHome?: string;
  serverPolicy?: PolicySet;
  upstreamCa?: string;
}

export interface StartParams extends Omit<StartRequest, 'spec' | 'workspace'> {
  /** Spec file, absolute or relative to `cwd`. */
  specPath: string;
  /** Working directory of the agent (absolute). */
  cwd: string;
  /** Overrides the spec's `model` (the same spec on a harness whose vendor serves other models). */
  model?: string;
}

export class SessionManager {
  readonly store: Store;
  readonly paths: DaemonPaths;
  private readonly live = new Map<string, Session>();
  private readonly redactors = new Set<(value: unknown) => unknown>();
  private readonly serverPolicy: PolicySet;
  private readonly env: NodeJS.ProcessEnv;
  private readonly userHome: string;
  private readonly upstreamCa: string | undefined;

  constructor(opts: ManagerOptions = {}) {
    this.env = opts.env ?? process.env;
    this.paths = opts.paths ?? daemonPaths(this.env);
    mkdirSync(this.paths.sessions, { recursive: true, mode: 0o700 });
    // Every secret any live session's proxy knows is scrubbed from everything the store writes.
    const redact = (value: unknown): unknown => {
      let v = value;
      for (const r of this.redactors) v = r(v);
      return v;
    };
    this.store = opts.store ?? openStore({ dir: this.paths.state, redact });
    this.serverPolicy = opts.serverPolicy ?? loadServerPolicies(serverPolicyFiles(this.env));
    this.userHome = opts.userHome ?? os.homedir();
    this.upstreamCa = opts.upstreamCa;
  }

  /**
   * Sessions a previous daemon left running become `interrupted`; processes they left (recognised
   * by pid and start time, so a reused pid is never hit) are killed with their group.
   */
  recover(): SessionRow[] {
    const stale = this.store.listSessions({ state: ['starting', 'working', 'waiting', 'asking'], limit: 100_000 });
    for (const row of stale) {
      for (const e of this.store.readEvents(row.id, { limit: 100_000 })) {
        const p = e.payload as { kind?: string; pid?: number; start_time?: string | null } | null;
        if (e.type !== 'lifecycle' || p?.kind !== 'process' || typeof p.pid !== 'number') continue;
        if (p.start_time && processStartTime(p.pid) === p.start_time) {
          try {
            process.kill(-p.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      for (const ask of this.store.listAsks({ sessionId: row.id, state: 'pending', limit: 100_000 })) {
        this.store.answerAsk(ask.id, { state: 'expired', by: 'daemon restart' });
      }
      this.store.append(row.id, [{ type: 'lifecycle', payload: { kind: 'state', state: 'interrupted', reason: 'the daemon stopped while the session ran' } }]);
      this.store.updateSession(row.id, { state: 'interrupted' });
    }
    this.store.flushSync();
    return stale;
  }

  /** Loads the spec (throws DiagnosticError for a bad one) and starts a session; returns at once. */
  start(params: StartParams): Session {
    const specPath = path.resolve(params.cwd, params.specPath);
    const loaded = loadSpec(specPath);
    const spec = params.model !== undefined ? { ...loaded, model: params.model } : loaded;
    const { specPath: _s, cwd, model: _m, ...rest } = params;
    const session = new Session(
      {
        store: this.store,
        paths: this.paths,
        userHome: this.userHome,
        daemonEnv: this.env,
        serverPolicy: this.serverPolicy,
        ...(this.upstreamCa !== undefined ? { upstreamCa: this.upstreamCa } : {}),
        addRedactor: (r) => {
          this.redactors.add(r);
          return () => this.redactors.delete(r);
        },
      },
      { ...rest, spec, workspace: path.resolve(cwd) },
    );
    this.live.set(session.id, session);
    void session.ended.then(() => this.live.delete(session.id));
    void session.boot();
    return session;
  }

  get(id: string): Session | undefined {
    return this.live.get(id);
  }

  /** A live session, or an error naming why not. */
  require(id: string): Session {
    const s = this.live.get(id);
    if (s) return s;
    const row = this.store.getSession(id);
    if (!row) throw new Error(`no session ${id}`);
    throw new Error(`session ${id} is not running (${row.state})`);
  }

  resolveAsk(askId: string, answer: AskAnswer, by: string): Decision {
    const ask = this.store.getAsk(askId);
    if (!ask) throw new Error(`no ask ${askId}`);
    if (ask.state !== 'pending') throw new Error(`ask ${askId} is already ${ask.state}`);
    return this.require(ask.sessionId).resolveAsk(askId, answer, by);
  }

  liveIds(): string[] {
    return [...this.live.keys()];
  }

  /** Ends every live session (as interrupted) and closes the store. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.live.values()].map((s) => s.kill()));
    this.store.close();
  }

  static isTerminal(state: string): boolean {
    return (TERMINAL_STATES as readonly string[]).includes(state);
  }
}
