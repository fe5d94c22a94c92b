// The per-decision view conditions read. Everything derived from the action — the shell parse,
// the paths, the text slots, the request — is computed on first use and at most once, so a rule
// set that never looks at paths never pays for them.
import path from 'node:path';
import type { ContentField, ContentSlot, EngineEnv, EvalContext, PathInfo, RequestInfo, StateView } from './condition.js';
import { REQUEST_TOOLS } from './conditions/host.js';
import { addHostKeys, addPathKeys } from './prefilter.js';
import type { ShellCacheEntry, ShellParseCache } from './shell/index.js';
import type { NormalizedAction, Phase } from './types.js';

const posix = path.posix;
// Generous bounds: text past them is neither matched nor redacted, so they must exceed any real payload.
const MAX_SLOTS = 100_000;
const MAX_WALK_DEPTH = 64;

/** Tool input keys that name files. */
interface PathInput {
  path?: unknown;
  file_path?: unknown;
  notebook_path?: unknown;
  paths?: unknown;
  files?: unknown;
}

export class ActionContext<Extra> implements EvalContext {
  readonly tool: string;
  readonly agent: string | undefined;
  readonly harness: string | undefined;
  readonly model: string | undefined;
  readonly session: NormalizedAction['session'] | undefined;
  private entryDone = false;
  private entryValue: ShellCacheEntry<Extra> | undefined;
  private pathList: PathInfo[] | undefined;
  private slotList: ContentSlot[] | undefined;
  private requestDone = false;
  private requestValue: RequestInfo | undefined;
  private pathKeySet: Set<string> | undefined;
  private hostKeySet: Set<string> | undefined;
  /** Engine scratch: does any content regex match any slot? (undefined: not computed yet) */
  contentHit: boolean | undefined;
  contentTook = 0;

  constructor(
    readonly action: NormalizedAction,
    readonly phase: Phase,
    readonly now: number,
    readonly state: StateView,
    readonly env: EngineEnv,
    private readonly shells: ShellParseCache<Extra>,
  ) {
    const t = action.tool;
    this.tool = t !== undefined && t !== null && typeof t.name === 'string' ? t.name : '';
    const { agent, harness, model, session } = action;
    this.agent = typeof agent === 'string' ? agent : undefined;
    this.harness = typeof harness === 'string' ? harness : undefined;
    this.model = typeof model === 'string' && model !== '' ? model : undefined;
    this.session = session !== null && typeof session === 'object' ? session : undefined;
  }

  /** The cached parse (with the engine's per-parse scratch) of a bash action's command. */
  shellEntry(): ShellCacheEntry<Extra> | undefined {
    if (this.entryDone) return this.entryValue;
    this.entryDone = true;
    if (this.tool !== 'bash') return undefined;
    const cmd = this.action.tool?.input?.command;
    this.entryValue =
      typeof cmd === 'string'
        ? this.shells.get(cmd)
        : this.shells.wrap({ commands: [], notes: [], error: 'the bash command is not a string' });
    return this.entryValue;
  }

  shell() {
    return this.shellEntry()?.parse;
  }

  paths(): readonly PathInfo[] {
    if (this.pathList === undefined) this.pathList = this.collectPaths();
    return this.pathList;
  }

  content(): readonly ContentSlot[] {
    if (this.slotList === undefined) this.slotList = this.collectContent();
    return this.slotList;
  }

  /** Prefilter keys of every path (see prefilter.ts). */
  pathKeys(): ReadonlySet<string> {
    if (this.pathKeySet === undefined) {
      const keys = new Set<string>();
      for (const p of this.paths()) addPathKeys(p, keys);
      this.pathKeySet = keys;
    }
    return this.pathKeySet;
  }

  hostKeys(): ReadonlySet<string> {
    if (this.hostKeySet === undefined) {
      const keys = new Set<string>();
      const r = this.request();
      if (r) addHostKeys(r.host, keys);
      this.hostKeySet = keys;
    }
    return this.hostKeySet;
  }

  /** The bash command could not be fully understood: path and command matches may be "maybe". */
  shellUncertain(): boolean {
    const p = this.shell();
    return p !== undefined && (p.error !== undefined || p.notes.length > 0);
  }

  request(): RequestInfo | undefined {
    if (!this.requestDone) {
      this.requestDone = true;
      this.requestValue = this.collectRequest();
    }
    return this.requestValue;
  }

  // ---- paths ----

  private cwd(): string {
    const c = this.action.cwd;
    return typeof c === 'string' && c.startsWith('/') ? normalizePath(c) : this.env.workspace;
  }

  private resolve(dir: string, p: string): string {
    const home = this.env.home;
    let q = p;
    if (q === '~' || q.startsWith('~/')) q = home + q.slice(1);
    else if (q.startsWith('$HOME/') || q === '$HOME') q = home + q.slice(5);
    else if (q.startsWith('${HOME}')) q = home + q.slice(7);
    // `dir` is already normal; only the part we append can need normalizing
    if (q.charCodeAt(0) === 47 /* / */) return normalizePath(q);
    return isNormal(q) && q !== '.' && q !== '..' ? `${dir}/${q}` : posix.resolve(dir, q);
  }

  private collectPaths(): PathInfo[] {
    const raw: string[] = [];
    if (this.tool === 'bash') {
      const parse = this.shell();
      let dir = this.cwd();
      for (const cmd of parse?.commands ?? []) {
        const argv = cmd.argv;
        if ((cmd.name === 'cd' || cmd.name === 'pushd') && !cmd.wrapper) {
          const target = argv.slice(1).find((a) => !a.startsWith('-'));
          dir = target === undefined ? this.env.home : this.resolve(dir, target);
          raw.push(dir);
          continue;
        }
        for (let i = 1; i < argv.length; i++) {
          const a = argv[i]!;
          const eq = a.indexOf('=');
          // `--file=x`, `if=x` carry a path after `=`; plain flags carry none
          if (eq > 0) raw.push(this.resolve(dir, a.slice(eq + 1)));
          if (a.startsWith('-')) continue;
          if (a !== '') raw.push(this.resolve(dir, a));
        }
        for (const r of cmd.redirects) {
          if (r.op === '<<' || r.op === '<<-' || r.op === '<<<') continue;
          if ((r.op === '>&' || r.op === '<&') && /^(\d+|-)$/.test(r.target)) continue;
          raw.push(this.resolve(dir, r.target));
        }
      }
    } else {
      const input = this.action.tool?.input as PathInput | undefined;
      if (input && typeof input === 'object') {
        // named loads, not a loop over key names: keyed loads of absent keys are slow in V8
        const dir = this.cwd();
        this.pushPath(raw, dir, input.path);
        this.pushPath(raw, dir, input.file_path);
        this.pushPath(raw, dir, input.notebook_path);
        this.pushPath(raw, dir, input.paths);
        this.pushPath(raw, dir, input.files);
      }
    }
    const out: PathInfo[] = [];
    for (let i = 0; i < raw.length; i++) {
      const abs = raw[i]!;
      if (raw.indexOf(abs) === i) out.push(this.info(abs));
    }
    return out;
  }

  private pushPath(raw: string[], dir: string, v: unknown): void {
    if (typeof v === 'string') {
      if (v !== '') raw.push(this.resolve(dir, v));
    } else if (Array.isArray(v)) {
      for (const x of v) if (typeof x === 'string' && x !== '') raw.push(this.resolve(dir, x));
    }
  }

  private info(abs: string): PathInfo {
    return { abs, home: relativeTo(abs, this.env.home), ws: relativeTo(abs, this.env.workspace), base: abs.slice(abs.lastIndexOf('/') + 1) };
  }

  // ---- content ----

  private collectContent(): ContentSlot[] {
    const out: ContentSlot[] = [];
    const a = this.action;
    const textField: ContentField =
      this.phase === 'request' ? 'message' : this.phase === 'tool_result' ? 'result' : this.phase === 'tool_call' ? 'input' : 'response';
    if (typeof a.text === 'string') out.push({ field: textField, path: ['text'], text: a.text });
    walk(a.message, ['message'], 'message', out, 0);
    walk(a.response, ['response'], 'response', out, 0);
    const t = a.tool;
    if (t && typeof t === 'object') {
      walk(t.result, ['tool', 'result'], 'result', out, 0);
      if (this.phase === 'tool_call') walk(t.input, ['tool', 'input'], 'input', out, 0);
    }
    return out;
  }

  // ---- network ----

  private collectRequest(): RequestInfo | undefined {
    if (this.phase === 'egress') {
      const e = this.action.egress;
      if (!e || typeof e !== 'object' || typeof e.host !== 'string') return undefined;
      const scheme = typeof e.scheme === 'string' ? e.scheme.toLowerCase() : 'https';
      const port = typeof e.port === 'number' ? e.port : scheme === 'http' ? 80 : 443;
      const p = typeof e.path === 'string' ? e.path : '/';
      const q = p.indexOf('?');
      return {
        host: e.host.toLowerCase(),
        port,
        method: typeof e.method === 'string' ? e.method.toUpperCase() : '',
        path: q < 0 ? p : p.slice(0, q),
        scheme,
      };
    }
    if (this.tool === '' || !REQUEST_TOOLS.test(this.tool)) return undefined;
    const input = this.action.tool?.input;
    const url = input?.url;
    if (typeof url !== 'string') return undefined;
    try {
      const u = new URL(url);
      const scheme = u.protocol.replace(/:$/, '');
      const method = typeof input?.method === 'string' ? input.method.toUpperCase() : 'GET';
      return {
        host: u.hostname.toLowerCase(),
        port: u.port ? Number(u.port) : scheme === 'http' ? 80 : 443,
        method,
        path: decodeURIComponent(u.pathname),
        scheme,
      };
    } catch {
      return undefined;
    }
  }
}

/** `abs` relative to `root` ('' for root itself), or null when outside it. */
function relativeTo(abs: string, root: string): string | null {
  if (abs === root) return '';
  const r = root.endsWith('/') ? root : `${root}/`;
  return abs.startsWith(r) ? abs.slice(r.length) : null;
}

/** posix normalize of an absolute path; the common already-normal case costs one regex test. */
function normalizePath(p: string): string {
  return isNormal(p) ? p : posix.resolve(p);
}

/** No `//`, no `.`/`..` segments, no trailing slash: one pass over the characters. */
function isNormal(p: string): boolean {
  const n = p.length;
  let segStart = 0;
  for (let i = 0; i <= n; i++) {
    if (i < n && p.charCodeAt(i) !== 47) continue;
    const len = i - segStart;
    if (len === 0 ? i !== 0 : len <= 2 && p.charCodeAt(segStart) === 46 && (len === 1 || p.charCodeAt(segStart + 1) === 46)) return n === 1 && i === 0;
    segStart = i + 1;
  }
  return true;
}

function walk(v: unknown, at: (string | number)[], field: ContentField, out: ContentSlot[], depth: number): void {
  if (out.length >= MAX_SLOTS || depth > MAX_WALK_DEPTH) return;
  if (typeof v === 'string') {
    if (v !== '') out.push({ field, path: at, text: v });
    return;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) walk(v[i], [...at, i], field, out, depth + 1);
    return;
  }
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) walk(o[k], [...at, k], field, out, depth + 1);
  }
}
