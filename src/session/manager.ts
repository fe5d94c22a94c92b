// The daemon's sessions: starts them, finds them, ends them all on shutdown, and on startup marks
// the sessions a previous daemon left behind as interrupted (ending any process they left).
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { loadSpec } from '../spec/index.js';
import { InterceptionCa } from '../proxy/index.js';
import type { AskAnswer, Decision, PolicySet } from '../policy/index.js';
import { openStore, TERMINAL_STATES, type Session as SessionRow, type Store } from '../store/index.js';
import { transcriptFile } from '../harness/bridle/transcript.js';
import { harnessCapabilities } from '../harness/index.js';
import { HARNESSES, type AgentSpec } from '../spec/types.js';
import { daemonPaths, sessionDir, type DaemonPaths } from './paths.js';
import { loadServerPolicies, serverPolicyFiles } from './policy.js';
import { processStartTime, Session, type LaunchRecord, type StartRequest } from './session.js';

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

/** What a client may add when it resumes or forks a session. */
export interface ContinueParams {
  /** The requesting client's environment (only the spec's `env:` allowlist is read). */
  clientEnv?: Readonly<Record<string, string | undefined>>;
  /** A user message to send once the agent is ready. */
  prompt?: string;
}

/** The harnesses whose adapters (in `mode`) can resume or fork, for error messages. */
function capableHarnesses(mode: 'headless' | 'interactive', what: 'resume' | 'fork'): string[] {
  return HARNESSES.filter((h) => harnessCapabilities(h, mode)?.[what] === true);
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
  /** Minted when the first session starts its proxy; see interceptionCa(). */
  private ca: InterceptionCa | undefined;

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
    return this.create({ ...rest, spec, workspace: path.resolve(cwd) });
  }

  /** Builds a session, lets `prepare` seed its config home, and boots it. */
  private create(req: StartRequest, prepare?: (configHome: string) => void): Session {
    const session = new Session(
      {
        store: this.store,
        paths: this.paths,
        userHome: this.userHome,
        daemonEnv: this.env,
        serverPolicy: this.serverPolicy,
        ...(this.upstreamCa !== undefined ? { upstreamCa: this.upstreamCa } : {}),
        interceptionCa: () => this.interceptionCa(),
        addRedactor: (r) => {
          this.redactors.add(r);
          return () => this.redactors.delete(r);
        },
      },
      req,
    );
    this.live.set(session.id, session);
    void session.ended.then(() => {
      if (this.live.get(session.id) === session) this.live.delete(session.id);
    });
    if (prepare) {
      try {
        const configHome = path.join(sessionDir(this.paths, session.id), 'config');
        mkdirSync(configHome, { recursive: true, mode: 0o700 });
        prepare(configHome);
      } catch (err) {
        // The fork exists in the store already: it fails visibly rather than vanishing.
        void session.fail(`could not copy the conversation: ${err instanceof Error ? err.message : String(err)}`);
        return session;
      }
    }
    void session.boot();
    return session;
  }

  /**
   * Runs an ended session again: the same id, spec file, workspace, config home and policy stack,
   * its harness continuing the vendor conversation it recorded; events append to the same log.
   */
  resume(id: string, params: ContinueParams = {}): Session {
    const { row, launch, resumeId, spec } = this.continuable(id, 'resume');
    if (this.live.has(id)) throw new Error(`session ${id} is running: nothing to resume`);
    return this.launch(spec, row.workspace!, launch, params, { resume: { session: id, resumeId } });
  }

  /**
   * A new session with the same spec, workspace and policies, starting from a copy of `id`'s
   * conversation; `id` itself is left as it is. Claude forks its own session (`--fork-session`)
   * from a copy of the transcript store, Codex its own thread (`thread/fork`) from a copy of its
   * rollouts; Bridle's agent gets a copy of the transcript under a new id.
   */
  fork(id: string, params: ContinueParams = {}): Session {
    const { row, launch, resumeId, spec } = this.continuable(id, 'fork');
    const fromConfig = path.join(sessionDir(this.paths, id), 'config');
    let copy: (configHome: string) => void;
    let startId = resumeId;
    if (spec.harness === 'bridle') {
      startId = randomUUID();
      const source = transcriptFile(fromConfig, resumeId);
      if (!existsSync(source)) throw new Error(`session ${id} has no saved conversation to fork`);
      copy = (configHome) => {
        const target = transcriptFile(configHome, startId);
        mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
        cpSync(source, target);
      };
    } else if (spec.harness === 'codex') {
      // Codex finds a thread by id among the rollouts under CODEX_HOME/sessions; the fork's
      // app-server forks a copy of them, so the source's own rollout is never written to.
      const source = path.join(fromConfig, 'sessions');
      if (!existsSync(source)) throw new Error(`session ${id} has no saved conversation to fork`);
      copy = (configHome) => cpSync(source, path.join(configHome, 'sessions'), { recursive: true });
    } else if (spec.harness === 'claude-code') {
      // Claude keeps conversations under projects/<workspace>; the fork resumes a copy of them.
      const source = path.join(fromConfig, 'projects');
      if (!existsSync(source)) throw new Error(`session ${id} has no saved conversation to fork`);
      copy = (configHome) => cpSync(source, path.join(configHome, 'projects'), { recursive: true });
    } else {
      // An adapter that says it can fork, but whose conversation files the daemon cannot copy yet.
      throw new Error(`the ${spec.harness} harness can fork, but the daemon does not know where it keeps its conversation`);
    }
    return this.launch(spec, row.workspace!, { ...launch, forked_from: id }, params, {
      fork: { session: id, resumeId: startId, vendorFork: spec.harness !== 'bridle' },
      prepare: copy,
    });
  }

  /** The stored facts a resume or fork needs, or an error saying which is missing. */
  private continuable(id: string, what: 'resume' | 'fork'): { row: SessionRow; launch: LaunchRecord; resumeId: string; spec: AgentSpec } {
    const row = this.store.getSession(id);
    if (!row) throw new Error(`no session ${id}`);
    if (row.specPath === null || row.workspace === null) throw new Error(`session ${id} has no recorded spec or workspace to ${what} from`);
    let launch: LaunchRecord | undefined;
    let resumeId: string | undefined;
    let vendorId: string | undefined;
    for (let after = 0; ; ) {
      const batch = this.store.readEvents(id, { afterSeq: after, limit: 1000 });
      for (const e of batch) {
        const p = e.payload as { kind?: string; resume_id?: unknown; vendor_session_id?: unknown } | null;
        if (e.type !== 'lifecycle' || !p) continue;
        if (p.kind === 'launch' && launch === undefined) launch = p as LaunchRecord;
        if (p.kind === 'resume_id' && typeof p.resume_id === 'string') resumeId = p.resume_id;
        // Sessions from before resume ids were recorded: the vendor's own id is the next best.
        if (p.kind === 'session_start' && typeof p.vendor_session_id === 'string') vendorId = p.vendor_session_id;
      }
      if (batch.length < 1000) break;
      after = batch[batch.length - 1]!.seq;
    }
    const loaded = loadSpec(row.specPath);
    const spec = launch?.model ? { ...loaded, model: launch.model } : loaded;
    // What the harness's adapter (in the mode the session ran in) says it can do.
    const caps = harnessCapabilities(spec.harness, launch?.mode ?? 'headless');
    if (!caps?.[what]) {
      const able = capableHarnesses(launch?.mode ?? 'headless', what);
      throw new Error(`the ${spec.harness} harness cannot ${what} a session${able.length > 0 ? ` (only ${able.join(', ')} can)` : ''}`);
    }
    const known = resumeId ?? vendorId;
    if (known === undefined) throw new Error(`session ${id} recorded no conversation id to ${what} from (its agent may never have started)`);
    return {
      row,
      launch: launch ?? { kind: 'launch', spec: row.specPath, model: null, model_server: null, mode: 'headless', no_ask: false, ask_timeout_ms: null, forked_from: null },
      resumeId: known,
      spec,
    };
  }

  private launch(spec: AgentSpec, workspace: string, launch: LaunchRecord, params: ContinueParams, how: Pick<StartRequest, 'resume' | 'fork'> & { prepare?: (configHome: string) => void }): Session {
    const session = this.create(
      {
        spec,
        workspace,
        noAsk: launch.no_ask,
        ...(launch.ask_timeout_ms !== null ? { askTimeoutMs: launch.ask_timeout_ms } : {}),
        ...(launch.model_server !== null ? { modelServerScript: launch.model_server } : {}),
        ...(launch.mode === 'interactive' ? { mode: 'interactive' as const } : {}),
        ...(params.prompt !== undefined ? { prompt: params.prompt } : {}),
        clientEnv: params.clientEnv ?? {},
        ...(how.resume ? { resume: how.resume } : {}),
        ...(how.fork ? { fork: how.fork } : {}),
      },
      how.prepare,
    );
    return session;
  }

  /**
   * The daemon's one interception CA, shared by every session's proxy (each still writes its own
   * copy of the public files for its agent). Minted lazily: key generation is not free, and a
   * daemon that never starts a session needs none. It lives in memory only, and is replaced for
   * new sessions once it is too close to expiry for the leaves it mints (after about 11 months).
   */
  interceptionCa(): InterceptionCa {
    if (!this.ca?.mintsValidLeaves()) this.ca = new InterceptionCa();
    return this.ca;
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
