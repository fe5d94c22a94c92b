// Composition: which rules see an action, in what order, and how their verdicts combine.
//
//   levels      session (added at run time by a human) → agent (its spec) → server (config packs)
//   verdicts    allow < warn < redact < ask < deny; the strictest wins whatever the declaration
//               order; a deny ends evaluation at once
//   failures    a rule that throws, or runs past the rule timeout, is a deny with the error as reason
//   defaults    an action no rule decides gets its phase default (allow unless configured); a
//               stricter default still applies unless an allow rule matched
//   asks        the engine returns `ask` with a prompt and holds the action; only a HumanAuthority
//               answers, and "for session" answers become session rules; no answer by the deadline
//               is a deny
//
// Nothing here lets the governed side change the rules: the engine is built from rules the daemon
// loaded from files, exposes no way to add or loosen one, and hands the only capability that can
// (HumanAuthority) to the caller of openSession, which gives it to human-facing clients only.
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MAYBE, NO, YES, type Condition, type EngineEnv, type EvalContext, type StateView, type Tri } from './condition.js';
import { ActionContext } from './context.js';
import { compileDocument, mergeDefaults, parsePolicyText, type PhaseDefaults, type PolicySet } from './loader.js';
import { ALL_PHASES, phaseBit, phasesOf, uniformRule, type CompiledRule, type Observer } from './rules.js';
import { ShellParseCache, type ShellCacheEntry, type ShellParse } from './shell/index.js';
import { anyKey, combine } from './prefilter.js';
import { Diags, Src } from './source.js';
import { SessionState, type StateSnapshot } from './state.js';
import {
  ASK_ANSWERS,
  isPhase,
  PHASES,
  RANK,
  VERDICTS,
  type AskAnswer,
  type Decision,
  type FiredRule,
  type Level,
  type NormalizedAction,
  type Phase,
  type Verdict,
} from './types.js';
import type { Diagnostic } from '../util/diagnostic.js';

export const DEFAULT_ASK_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_RULE_TIMEOUT_MS = 250;

export interface EngineOptions {
  /** Rules from the agent's spec. */
  agent?: PolicySet | readonly CompiledRule[];
  /** Rules from the server's config (user config dir + named packs). */
  server?: PolicySet | readonly CompiledRule[];
  /** Per-phase defaults; merged strictest-wins with `defaults:` from the files. */
  defaults?: PhaseDefaults;
  /** How long an ask waits for a human before it becomes a deny. */
  askTimeoutMs?: number;
  /** A rule running longer than this (regexes over agent text, code rules) counts as failed: deny. */
  ruleTimeoutMs?: number;
  home?: string;
  workspace?: string;
  /** Wall clock for actions without `ts` (epoch ms). */
  now?: () => number;
  /** Monotonic clock for rule timing (ms); injectable for tests. */
  clock?: () => number;
  /** Parsed shell commands kept (per generation of a two-generation LRU). */
  shellCacheSize?: number;
  /**
   * Called when a `write` tool_call proceeds, to learn whether it creates the file (for
   * `path: {created_by: agent}`). Without it, only tool_results with `tool.created: true` count.
   */
  fileExists?: (path: string) => boolean;
}

export interface SessionOptions {
  id?: string;
  state?: StateSnapshot;
  /** Workspace root for this session (relative globs resolve against it). */
  workspace?: string;
}

/** Code-defined rules (built-ins the daemon derives from config). Never reachable by a harness. */
export interface CodeRule {
  name: string;
  level: Level;
  action: Verdict;
  on?: Phase | readonly Phase[];
  message?: string;
  test(action: NormalizedAction, state: StateView): boolean | 'maybe';
}

export function defineRule(r: CodeRule): CompiledRule {
  const on = r.on === undefined ? undefined : typeof r.on === 'string' ? [r.on] : r.on;
  let phases = ALL_PHASES;
  if (on) phases = on.reduce((m, p) => m | phaseBit(p), 0);
  const cond: Condition = {
    kind: 'code',
    slow: true,
    test(c) {
      const v = r.test(c.action, c.state);
      return v === 'maybe' ? MAYBE : v ? YES : NO;
    },
    explain: () => `code rule \`${r.name}\``,
  };
  return {
    name: r.name,
    level: r.level,
    action: r.action,
    phases,
    conds: [cond],
    gates: [],
    tools: [],
    quantifier: r.action === 'allow' ? 'all' : 'any',
    conservative: r.action === 'deny' || r.action === 'ask',
    slow: true,
    ...(r.message !== undefined ? { message: r.message } : {}),
  };
}

// ---- internals ----

/** Engine-side data of each decision, kept off the Decision object so it stays plain JSON. */
const INTERNALS = new WeakMap<Decision, Internal>();
const R_NO = 0;
const R_YES = 1;
const R_MAYBE = 2;
/** The rule's conditions and `when` held but a gate (rate, every) did not: state may still change. */
const R_BASE = 3;

interface Fired {
  rule: CompiledRule;
  verdict: Verdict;
  maybe: boolean;
  error?: string;
  resolvedBy?: string;
}

interface Internal {
  session: PolicySession;
  cx: ActionContext<ShellExtra>;
  fired: Fired[] | null;
  gates: { rule: CompiledRule; fired: boolean }[] | null;
  committed: boolean;
}

interface ShellExtra {
  /** Per (level, phase): the bash candidates left after the command-name index. */
  lists: (CompiledRule[] | undefined)[];
}

interface Acc {
  fired: Fired[] | null;
  gates: { rule: CompiledRule; fired: boolean }[] | null;
  best: number;
  allow: boolean;
  stop: boolean;
}

function sortRules(rules: readonly CompiledRule[]): CompiledRule[] {
  // deny first so a deny short-circuits as early as possible; stable within a verdict
  return rules
    .map((r, i) => [r, i] as const)
    .sort((a, b) => RANK[b[0].action] - RANK[a[0].action] || a[1] - b[1])
    .map(([r]) => r);
}

/** Tool-name restrictions only mean something where there is a tool. */
const TOOL_PHASES = phaseBit('tool_call') | phaseBit('tool_result');

/**
 * The rules of one (level, phase, tool), in evaluation order, plus an inverted index of the rules
 * whose path or host condition has literal anchors: those are looked up by the action's keys
 * instead of being visited one by one. The index holds positions in `all`, so the rules it finds
 * and the unanchored ones are run together in evaluation (rank) order: a deny found through the
 * index still comes before, and short-circuits, a warn that is not indexed.
 */
class RuleList {
  /** Every rule, in evaluation order (bash uses this, filtered per parse: its paths come from the command). */
  readonly all: CompiledRule[];
  /** Rules without anchors: always visited. */
  readonly always: CompiledRule[];
  /** Positions in `all` of the rules filed under each anchor key, ascending. */
  readonly byPath: Map<string, number[]> | null;
  readonly byHost: Map<string, number[]> | null;
  private readonly alwaysAt: number[];
  constructor(rules: CompiledRule[]) {
    this.all = rules;
    this.alwaysAt = [];
    rules.forEach((r, i) => {
      if (r.pathAnchors === undefined && r.hostAnchors === undefined) this.alwaysAt.push(i);
    });
    this.always = this.alwaysAt.map((i) => rules[i]!);
    this.byPath = invert(rules, (r) => r.pathAnchors);
    this.byHost = invert(rules, (r) => (r.pathAnchors === undefined ? r.hostAnchors : undefined));
  }

  /**
   * The rules that can hold for an action with these anchor keys, in evaluation order: the
   * unanchored ones and those the index finds. A rule filed by path anchors that also has host
   * anchors is dropped here when no host key matches, so every rule returned has passed its
   * anchor prefilters (the caller does not check them again).
   */
  candidates(pathKeys: () => ReadonlySet<string>, hostKeys: () => ReadonlySet<string>): readonly CompiledRule[] {
    let hits: number[] | null = null;
    if (this.byPath !== null) {
      for (const k of pathKeys()) {
        const at = this.byPath.get(k);
        if (at === undefined) continue;
        for (const i of at) {
          const host = this.all[i]!.hostAnchors;
          if (host !== undefined && !anyKey(hostKeys(), host)) continue;
          (hits ??= []).push(i);
        }
      }
    }
    if (this.byHost !== null) {
      for (const k of hostKeys()) {
        const at = this.byHost.get(k);
        if (at !== undefined) (hits ??= []).push(...at);
      }
    }
    if (hits === null) return this.always;
    // Few hits as a rule: sort them, then merge with the (already ordered) unanchored positions.
    hits.sort((a, b) => a - b);
    const out: CompiledRule[] = [];
    const al = this.alwaysAt;
    let i = 0;
    let last = -1;
    for (const h of hits) {
      if (h === last) continue; // filed under several of the action's keys
      last = h;
      while (i < al.length && al[i]! < h) out.push(this.all[al[i++]!]!);
      out.push(this.all[h]!);
    }
    while (i < al.length) out.push(this.all[al[i++]!]!);
    return out;
  }
}

/** Anchor key → positions (ascending) of the rules `keys` files under it; null when none is. */
function invert(rules: readonly CompiledRule[], keys: (r: CompiledRule) => readonly string[] | undefined): Map<string, number[]> | null {
  let m: Map<string, number[]> | null = null;
  rules.forEach((r, i) => {
    const ks = keys(r);
    if (ks === undefined) return;
    m ??= new Map();
    for (const k of new Set(ks)) {
      let l = m.get(k);
      if (!l) m.set(k, (l = []));
      l.push(i);
    }
  });
  return m;
}

class PhaseBucket {
  private readonly noTool: RuleList;
  private readonly byTool = new Map<string, RuleList>();
  constructor(
    readonly rules: CompiledRule[],
    private readonly toolPhase: boolean,
  ) {
    this.noTool = new RuleList(toolPhase ? rules.filter((r) => r.tools.length === 0) : rules);
  }
  forTool(tool: string): RuleList {
    if (tool === '' || !this.toolPhase) return this.noTool;
    let l = this.byTool.get(tool);
    if (l === undefined) {
      l = new RuleList(this.rules.filter((r) => r.tools.every((g) => g.test(tool))));
      if (this.byTool.size < 1024) this.byTool.set(tool, l);
    }
    return l;
  }
}

function bucketsFor(rules: readonly CompiledRule[]): PhaseBucket[] {
  const sorted = sortRules(rules);
  return PHASES.map((p) => new PhaseBucket(sorted.filter((r) => (r.phases & phaseBit(p)) !== 0), (phaseBit(p) & TOOL_PHASES) !== 0));
}

/** Can this rule's command condition possibly hold for the parse? Mirrors conditions/command.ts. */
function commandCandidate(rule: CompiledRule, parse: ShellParse): boolean {
  const names = rule.commandNames;
  if (names === undefined || names === null) return true;
  if (parse.error !== undefined || parse.notes.length > 0) return true;
  if (rule.quantifier === 'any') {
    for (const c of parse.commands) if (c.argv.length !== 0 && names.has(c.name)) return true;
    return false;
  }
  let seen = false;
  for (const c of parse.commands) {
    if (c.argv.length === 0 || c.wrapper === 'transparent') continue;
    if (!names.has(c.name)) return false;
    seen = true;
  }
  return seen;
}

/** The unindexed equivalent of PhaseBucket.forTool, for session rules. */
function toolsAccept(rule: CompiledRule, bit: number, tool: string): boolean {
  if ((bit & TOOL_PHASES) === 0) return true;
  for (let t = 0; t < rule.tools.length; t++) if (!rule.tools[t]!.test(tool)) return false;
  return true;
}

function whenHolds(rule: CompiledRule, st: StateView): boolean {
  const w = rule.when!;
  for (let i = 0; i < w.after.length; i++) if (st.seen(w.after[i]!.id) === 0) return false;
  for (let i = 0; i < w.notAfter.length; i++) if (st.seen(w.notAfter[i]!.id) > 0) return false;
  for (let i = 0; i < w.flags.length; i++) {
    const [k, v] = w.flags[i]!;
    const cur = st.flag(k);
    if (v === false ? cur !== undefined && cur !== false : cur !== v) return false;
  }
  return true;
}

function evalRule(rule: CompiledRule, cx: EvalContext): number {
  let r: number = R_YES;
  const conds = rule.conds;
  for (let i = 0; i < conds.length; i++) {
    const t: Tri = conds[i]!.test(cx);
    if (t === NO) return R_NO;
    if (t === MAYBE) r = R_MAYBE;
  }
  if (rule.when !== undefined && !whenHolds(rule, cx.state)) return R_NO;
  const gates = rule.gates;
  for (let i = 0; i < gates.length; i++) if (gates[i]!.test(cx) === NO) return r === R_YES ? R_BASE : R_NO;
  return r;
}

function observe(o: Observer, cx: EvalContext): boolean {
  for (let i = 0; i < o.conds.length; i++) if (o.conds[i]!.test(cx) === NO) return false;
  return true;
}

function tsOf(a: NormalizedAction): number | undefined {
  const t = a.ts;
  if (typeof t === 'number' && Number.isFinite(t)) return t;
  if (typeof t === 'string') {
    const n = Date.parse(t);
    if (!Number.isNaN(n)) return n;
  }
  return undefined;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A one-line summary of an action for ask prompts. */
export function describeAction(a: NormalizedAction): string {
  const t = a.tool;
  if (t && typeof t.name === 'string') {
    const input = t.input ?? {};
    const detail = typeof input.command === 'string' ? input.command : typeof input.path === 'string' ? input.path : typeof input.url === 'string' ? input.url : '';
    return `${t.name}${detail ? `: ${detail.length > 200 ? `${detail.slice(0, 200)}…` : detail}` : ''}`;
  }
  if (a.phase === 'egress' && a.egress) return `${a.egress.method ?? ''} ${a.egress.host ?? ''}${a.egress.path ?? ''}`.trim();
  if (a.phase === 'spawn' && a.spawn) return `spawn ${a.spawn.agent ?? 'sub-agent'}${a.spawn.harness ? ` (${a.spawn.harness})` : ''}`;
  if (a.model) return `${a.phase} (${a.model})`;
  return a.phase;
}

export class PolicyEngine {
  readonly files: readonly string[];
  readonly askTimeoutMs: number;
  readonly ruleTimeoutMs: number;
  private readonly levels: readonly PhaseBucket[][];
  private readonly observers: readonly Observer[][];
  private readonly defaults: Readonly<Record<Phase, Verdict>>;
  private readonly cache: ShellParseCache<ShellExtra>;
  private readonly home: string;
  private readonly workspace: string;
  private readonly now: () => number;
  private readonly clock: () => number;
  private readonly fileExists: ((p: string) => boolean) | undefined;
  /** Every prefilterable content regex of the engine, OR-ed per flag set. */
  private readonly contentAny: readonly RegExp[];
  private sessionCounter = 0;

  constructor(opts: EngineOptions = {}) {
    const unpack = (x: EngineOptions['agent']): PolicySet =>
      x === undefined ? { rules: [], defaults: {}, files: [] } : Array.isArray(x) ? { rules: [...(x as CompiledRule[])], defaults: {}, files: [] } : (x as PolicySet);
    const agent = uniformSet(unpack(opts.agent));
    const server = uniformSet(unpack(opts.server));
    for (const r of [...agent.rules, ...server.rules]) {
      if (r.resolves) throw new Error(`rule \`${r.name}\`: \`resolves\` is only for session rules added by a human`);
    }
    this.levels = Object.freeze([bucketsFor(agent.rules), bucketsFor(server.rules)]);
    this.observers = observersByPhase([...agent.rules, ...server.rules]);
    this.contentAny = combine([...agent.rules, ...server.rules].flatMap((r) => r.contentPre ?? []));
    const merged = mergeDefaults(mergeDefaults(agent.defaults, server.defaults), opts.defaults ?? {});
    this.defaults = Object.freeze(Object.fromEntries(PHASES.map((p) => [p, merged[p] ?? 'allow'])) as Record<Phase, Verdict>);
    this.files = Object.freeze([...agent.files, ...server.files]);
    this.askTimeoutMs = opts.askTimeoutMs ?? DEFAULT_ASK_TIMEOUT_MS;
    this.ruleTimeoutMs = opts.ruleTimeoutMs ?? DEFAULT_RULE_TIMEOUT_MS;
    this.home = path.resolve(opts.home ?? os.homedir());
    this.workspace = path.resolve(opts.workspace ?? process.cwd());
    this.now = opts.now ?? Date.now;
    this.clock = opts.clock ?? (() => performance.now());
    this.fileExists = opts.fileExists;
    this.cache = new ShellParseCache<ShellExtra>(opts.shellCacheSize ?? 512, () => ({ lists: [] }));
  }

  /** The phase default in effect. */
  phaseDefault(phase: Phase): Verdict {
    return this.defaults[phase];
  }

  /**
   * Start a session. The `session` goes to the runtime that feeds actions; `human` is the only way
   * to answer asks or add session rules, and must go only to human-facing clients.
   */
  openSession(opts: SessionOptions = {}): { session: PolicySession; human: HumanAuthority } {
    const id = opts.id ?? `s${++this.sessionCounter}`;
    const env: EngineEnv = { home: this.home, workspace: opts.workspace ? path.resolve(opts.workspace) : this.workspace };
    const session = new PolicySession(SECRET, this, id, SessionState.from(opts.state), env);
    return { session, human: new HumanAuthority(SECRET, session) };
  }

  // ---- used by PolicySession (module-internal) ----

  /** @internal */
  _decide(sx: SessionInternals, action: NormalizedAction): Decision {
    const phase = action !== null && typeof action === 'object' ? action.phase : undefined;
    if (!isPhase(phase)) {
      const ts = this.now();
      return {
        action: 'deny',
        phase: typeof phase === 'string' ? phase : '',
        rules: [],
        message: `unknown phase \`${String(phase)}\`: refused (fail closed)`,
        ts,
      };
    }
    const now = tsOf(action) ?? this.now();
    const cx = new ActionContext<ShellExtra>(action, phase, now, sx.state, sx.env, this.cache);
    const pi = PHASES.indexOf(phase);
    const acc: Acc = { fired: null, gates: null, best: -1, allow: false, stop: false };

    // session rules first
    const srules = sx.rules;
    if (srules.length > 0) this.run(srules, pi, cx, acc, sx, true);
    // then the agent's, then the server's
    for (let li = 0; li < 2 && !acc.stop; li++) {
      const rl = this.levels[li]![pi]!.forTool(cx.tool);
      if (rl.all.length === 0) continue;
      if (cx.tool === 'bash') {
        // commands index the list (per cached parse); paths come from the command: prefiltered per rule
        const entry = cx.shellEntry() as ShellCacheEntry<ShellExtra>;
        const slot = li * 8 + pi;
        let filtered = entry.extra.lists[slot];
        if (filtered === undefined) {
          filtered = rl.all.filter((r) => commandCandidate(r, entry.parse));
          entry.extra.lists[slot] = filtered;
        }
        if (filtered.length > 0) this.run(filtered, pi, cx, acc, sx, false);
        continue;
      }
      // One list in rank order: the unanchored rules and those the anchor index finds, whose
      // anchors are then not checked a second time.
      const list = rl.candidates(() => cx.pathKeys(), () => cx.hostKeys());
      if (list.length > 0) this.run(list, pi, cx, acc, sx, false, true);
    }
    return this.finish(sx, action, phase, now, cx, acc);
  }

  /**
   * Runs `list` in order. `anchored`: the list came from RuleList.candidates, so every rule in it
   * already passed its path and host anchor prefilters.
   */
  private run(list: readonly CompiledRule[], pi: number, cx: ActionContext<ShellExtra>, acc: Acc, sx: SessionInternals, sessionLevel: boolean, anchored = false): void {
    const bit = 1 << pi;
    const tool = cx.tool;
    // Slow rules are timed with one clock read each: the previous read starts the next interval
    // (what runs between them is fast rules, microseconds against a limit in milliseconds).
    let t0 = -1;
    for (let i = 0; i < list.length; i++) {
      const rule = list[i]!;
      if (sessionLevel) {
        // session lists are small and unindexed: check phase and tool here
        if ((rule.phases & bit) === 0 || rule.resolves !== undefined) continue;
        if (!toolsAccept(rule, bit, tool)) continue;
      } else {
        // prefilters: skip rules whose anchored condition cannot hold (exactly as if it said NO)
        if (!anchored) {
          if (rule.pathAnchors !== undefined && !cx.shellUncertain() && !anyKey(cx.pathKeys(), rule.pathAnchors)) continue;
          if (rule.hostAnchors !== undefined && !anyKey(cx.hostKeys(), rule.hostAnchors)) continue;
        }
        if (rule.contentPre !== undefined && !this.contentMaybe(cx) && cx.contentTook <= this.ruleTimeoutMs) continue;
      }
      let res: number;
      let error: string | undefined;
      if (!sessionLevel && rule.contentPre !== undefined && cx.contentTook > this.ruleTimeoutMs) {
        error = `content scan timed out (took ${Math.round(cx.contentTook)} ms, limit ${this.ruleTimeoutMs} ms)`;
        res = R_YES;
      } else try {
        if (rule.slow) {
          if (t0 < 0) t0 = this.clock();
          res = evalRule(rule, cx);
          const t1 = this.clock();
          const took = t1 - t0;
          t0 = t1;
          if (took > this.ruleTimeoutMs) error = `rule timed out (took ${Math.round(took)} ms, limit ${this.ruleTimeoutMs} ms)`;
        } else res = evalRule(rule, cx);
      } catch (err) {
        res = R_YES;
        error = `rule failed: ${errorText(err)}`;
      }
      if (error !== undefined) {
        (acc.fired ??= []).push({ rule, verdict: 'deny', maybe: false, error });
        acc.best = RANK.deny;
        acc.stop = true;
        return;
      }
      if (res === R_NO) continue;
      if (res === R_BASE) {
        (acc.gates ??= []).push({ rule, fired: false });
        continue;
      }
      if (res === R_MAYBE && !rule.conservative) continue;
      if (rule.gates.length > 0) (acc.gates ??= []).push({ rule, fired: true });
      let verdict = rule.action;
      let resolvedBy: string | undefined;
      if (verdict === 'ask') {
        resolvedBy = this.resolver(rule, cx, sx, bit);
        if (resolvedBy !== undefined) verdict = 'allow';
      }
      const f: Fired = { rule, verdict, maybe: res === R_MAYBE };
      if (resolvedBy !== undefined) f.resolvedBy = resolvedBy;
      (acc.fired ??= []).push(f);
      if (verdict === 'allow') acc.allow = true;
      const rank = RANK[verdict];
      if (rank > acc.best) acc.best = rank;
      if (verdict === 'deny') {
        acc.stop = true;
        return;
      }
    }
  }

  private contentMaybe(cx: ActionContext<ShellExtra>): boolean {
    if (cx.contentHit === undefined) {
      const t0 = this.clock();
      let hit = false;
      const slots = cx.content();
      outer: for (const re of this.contentAny) {
        for (let i = 0; i < slots.length; i++) {
          if (re.test(slots[i]!.text)) {
            hit = true;
            break outer;
          }
        }
      }
      cx.contentHit = hit;
      cx.contentTook = this.clock() - t0;
    }
    return cx.contentHit;
  }

  /** The session rule (if any) whose `resolves` settles this ask. */
  private resolver(rule: CompiledRule, cx: EvalContext, sx: SessionInternals, bit: number): string | undefined {
    const rs = sx.resolvers;
    for (let i = 0; i < rs.length; i++) {
      const r = rs[i]!;
      if ((r.phases & bit) === 0 || !r.resolves!.test(rule.name)) continue;
      if (!toolsAccept(r, bit, cx.tool)) continue;
      try {
        if (evalRule(r, cx) === R_YES) return r.name;
      } catch {
        // a failing resolver settles nothing: the ask stands
      }
    }
    return undefined;
  }

  private finish(
    sx: SessionInternals,
    action: NormalizedAction,
    phase: Phase,
    now: number,
    cx: ActionContext<ShellExtra>,
    acc: Acc,
  ): Decision {
    const fired = acc.fired;
    const dflt = this.defaults[phase];
    let verdict: Verdict;
    let isDefault = false;
    if (fired === null) {
      verdict = dflt;
      isDefault = true;
    } else {
      verdict = VERDICTS[acc.best]!;
      if (!acc.allow && RANK[dflt] > acc.best) verdict = dflt;
    }
    const d: Decision = { action: verdict, phase, rules: [], ts: now };
    if (isDefault) d.default = true;
    // the hot path (evaluate → commit) reads these straight back; only dry runs and asks keep a copy
    sx.lastCx = cx;
    sx.lastFired = fired;
    sx.lastGates = acc.gates;
    if (fired === null) {
      // the common case (nothing matched, default allow) stays small: no message
      if (verdict !== 'allow') d.message = `no rule matched; the \`${phase}\` default is \`${verdict}\``;
      return d;
    }
    this.describe(d, fired, cx, verdict);
    if (verdict !== 'deny') this.redact(d, fired, cx, action);
    if (verdict === 'ask') {
      const askers = fired.filter((f) => f.verdict === 'ask');
      const timeout = Math.min(this.askTimeoutMs, ...askers.map((f) => f.rule.askTimeoutMs ?? Infinity));
      d.ask = {
        id: sx.nextAskId(),
        prompt: `${describeAction(action)}\n${d.message ?? ''}`.trim(),
        deadline: now + timeout,
        rules: askers.map((f) => f.rule.name),
      };
    }
    return d;
  }

  private describe(d: Decision, fired: Fired[], cx: ActionContext<ShellExtra>, verdict: Verdict): void {
    const rules: FiredRule[] = [];
    const state: Record<string, unknown> = {};
    const notes: string[] = [];
    const messages: string[] = [];
    for (const f of fired) {
      const r = f.rule;
      let reason: string;
      if (f.error !== undefined) reason = f.error;
      else {
        const parts: string[] = [];
        for (const c of r.explained ?? r.conds) parts.push(c.explain(cx));
        if (r.when) {
          for (const o of r.when.after) parts.push(`after ${o.text}`);
          for (const o of r.when.notAfter) parts.push(`not after ${o.text}`);
          for (const [k, v] of r.when.flags) parts.push(`${k} is ${String(v)}`);
        }
        for (const g of r.gates) parts.push(g.explain(cx));
        reason = parts.length ? parts.join('; ') : `applies to every ${cx.phase}`;
        for (const c of r.explained ?? r.conds) c.read?.(cx, state);
        for (const g of r.gates) g.read?.(cx, state);
        if (r.when) {
          for (const o of [...r.when.after, ...r.when.notAfter]) state[`after:${o.id}`] = cx.state.seen(o.id);
          for (const [k] of r.when.flags) state[`flag:${k}`] = cx.state.flag(k) ?? null;
        }
      }
      if (f.maybe) {
        const sh = cx.shell();
        const why = sh?.error !== undefined ? `command could not be parsed (${sh.error})` : (sh?.notes.join('; ') ?? 'input could not be fully understood');
        const note = `${why}: matched \`${r.name}\` conservatively`;
        if (!notes.includes(note)) notes.push(note);
      }
      const fr: FiredRule = { name: r.name, level: r.level, action: f.error !== undefined ? 'deny' : r.action, reason };
      if (r.source !== undefined) fr.source = r.source;
      if (f.resolvedBy !== undefined) fr.resolved_by = f.resolvedBy;
      rules.push(fr);
      if (f.verdict === verdict) messages.push(r.message ?? (f.error !== undefined ? `\`${r.name}\`: ${f.error}` : `\`${r.name}\`: ${reason}`));
    }
    d.rules = rules;
    if (messages.length) d.message = [...new Set(messages)].join('; ');
    else if (verdict !== 'allow' && !fired.some((f) => f.verdict === verdict)) d.message = `the \`${cx.phase}\` default is \`${verdict}\``;
    if (Object.keys(state).length) d.state = state;
    if (notes.length) d.notes = notes;
  }

  private redact(d: Decision, fired: Fired[], cx: ActionContext<ShellExtra>, action: NormalizedAction): void {
    const redactors = fired.filter((f) => f.rule.redact !== undefined && f.verdict === 'redact');
    if (redactors.length === 0) return;
    const slots = cx.content();
    let rewritten: NormalizedAction | undefined;
    const counts: { rule: string; count: number }[] = [];
    const texts = new Map<(typeof slots)[number], string>();
    for (const f of redactors) {
      const rd = f.rule.redact!;
      let count = 0;
      for (const slot of slots) {
        if (rd.fields && !rd.fields.has(slot.field)) continue;
        let text = texts.get(slot) ?? slot.text;
        for (const re of rd.patterns) {
          re.lastIndex = 0;
          text = text.replace(re, () => {
            count++;
            return rd.replacement;
          });
        }
        texts.set(slot, text);
      }
      counts.push({ rule: f.rule.name, count });
    }
    for (const [slot, text] of texts) {
      if (text === slot.text) continue;
      rewritten = setPath(rewritten ?? action, slot.path, text);
    }
    d.redactions = counts;
    if (rewritten) d.rewritten = rewritten;
  }

  /** @internal The engine-side data of the decision just made, kept for a later commit or answer. */
  _keep(sx: SessionInternals, d: Decision): Internal {
    const int: Internal = { session: sx.owner, cx: sx.lastCx!, fired: sx.lastFired, gates: sx.lastGates, committed: false };
    INTERNALS.set(d, int);
    return int;
  }

  /** @internal Commit the decision just made (the evaluate fast path). */
  _commitLast(sx: SessionInternals): void {
    this.apply(sx, sx.lastCx!, sx.lastFired, sx.lastGates);
  }

  /** @internal Apply a decision's state changes: effects, gates, observers, counters. */
  _commit(sx: SessionInternals, d: Decision): void {
    const int = INTERNALS.get(d);
    if (!int || int.committed || int.session !== sx.owner) return;
    int.committed = true;
    this.apply(sx, int.cx, int.fired, int.gates);
  }

  private apply(sx: SessionInternals, cx: ActionContext<ShellExtra>, fired: Fired[] | null, gates: Acc['gates']): void {
    const st = sx.state;
    if (fired) {
      for (const f of fired) {
        const e = f.rule.effects;
        if (!e) continue;
        for (const k of e.clear) st.clearFlag(k);
        for (const [k, v] of e.set) st.setFlag(k, v);
      }
    }
    if (gates) for (const g of gates) for (const c of g.rule.gates) c.commit?.(cx, st, g.fired);
    const pi = PHASES.indexOf(cx.phase);
    const obs = this.observers[pi]!;
    for (let i = 0; i < obs.length; i++) if (observe(obs[i]!, cx)) st.markSeen(obs[i]!.id);
    for (const o of sx.observers) if ((o.phases & (1 << pi)) !== 0 && observe(o, cx)) st.markSeen(o.id);
    if (cx.phase === 'spawn') st.addSpawn();
    const t = cx.action.tool;
    if (t && t.name === 'write') {
      const target = cx.paths()[0];
      if (target) {
        if (cx.phase === 'tool_result' && t.created === true) st.addCreated(target.abs);
        else if (cx.phase === 'tool_call' && this.fileExists && !this.fileExists(target.abs)) st.addCreated(target.abs);
      }
    }
  }

  /** @internal The state-free parts of a decision for an answer. */
  _firedOf(d: Decision): Fired[] {
    return INTERNALS.get(d)?.fired ?? [];
  }
}

function uniformSet(s: PolicySet): PolicySet {
  return { ...s, rules: s.rules.map(uniformRule) };
}

function observersByPhase(rules: readonly CompiledRule[]): Observer[][] {
  const out: Observer[][] = PHASES.map(() => []);
  for (const r of rules) {
    if (!r.when) continue;
    for (const o of [...r.when.after, ...r.when.notAfter]) {
      PHASES.forEach((p, i) => {
        if ((o.phases & phaseBit(p)) !== 0) out[i]!.push(o);
      });
    }
  }
  return out;
}

/** Copy-on-write set of a nested path. */
function setPath<T>(root: T, at: readonly (string | number)[], value: unknown): T {
  if (at.length === 0) return value as T;
  const [head, ...rest] = at;
  const copy = (Array.isArray(root) ? [...(root as unknown[])] : { ...(root as object) }) as Record<string | number, unknown>;
  copy[head!] = setPath(copy[head!], rest, value);
  return copy as T;
}

// ---- sessions and the human capability ----

const SECRET = Symbol('bridle.policy.capability');

/** What PolicySession shares with the engine and its HumanAuthority; never exported. */
interface SessionInternals {
  readonly owner: PolicySession;
  /** The latest decision's engine-side data (see PolicyEngine._keep). */
  lastCx: ActionContext<ShellExtra> | undefined;
  lastFired: Fired[] | null;
  lastGates: Acc['gates'];
  readonly state: SessionState;
  readonly env: EngineEnv;
  rules: CompiledRule[];
  resolvers: CompiledRule[];
  observers: Observer[];
  nextAskId(): string;
}

interface PendingAsk {
  decision: Decision;
  action: NormalizedAction;
  waiters: ((d: Decision) => void)[];
  timer?: NodeJS.Timeout;
}

const internalsOf = new WeakMap<PolicySession, SessionInternals>();

/**
 * One session's view of the engine: feeds actions in, gets decisions out. It cannot add, change or
 * loosen rules; that is HumanAuthority's job.
 */
export class PolicySession {
  readonly id: string;
  readonly #engine: PolicyEngine;
  readonly #sx: SessionInternals;
  readonly #pending = new Map<string, PendingAsk>();
  #asks = 0;

  constructor(token: symbol, engine: PolicyEngine, id: string, state: SessionState, env: EngineEnv) {
    if (token !== SECRET) throw new Error('PolicySession is created by PolicyEngine.openSession');
    this.id = id;
    this.#engine = engine;
    const sx: SessionInternals = {
      owner: this,
      lastCx: undefined,
      lastFired: null,
      lastGates: null,
      state,
      env,
      rules: [],
      resolvers: [],
      observers: [],
      nextAskId: () => `${id}/ask-${++this.#asks}`,
    };
    this.#sx = sx;
    internalsOf.set(this, sx);
  }

  /** Decide without changing any state (dry run; `commit` it if the action then runs). */
  decide(action: NormalizedAction): Decision {
    this.#sx.lastCx = undefined;
    const d = this.#engine._decide(this.#sx, action);
    if (this.#sx.lastCx) this.#engine._keep(this.#sx, d);
    return d;
  }

  /**
   * Decide, and when the action proceeds (allow / warn / redact) record its effects in the
   * session state. An ask is held until a human answers or it times out.
   */
  evaluate(action: NormalizedAction): Decision {
    const sx = this.#sx;
    sx.lastCx = undefined;
    const d = this.#engine._decide(sx, action);
    if (sx.lastCx === undefined) return d; // refused before evaluation (unknown phase)
    if (d.action === 'ask' && d.ask) {
      this.#engine._keep(sx, d);
      this.#pending.set(d.ask.id, { decision: d, action, waiters: [] });
    } else if (d.action !== 'deny') this.#engine._commitLast(sx);
    return d;
  }

  /** Record a decision's effects once its action actually ran (for callers that used `decide`). */
  commit(d: Decision): void {
    if (d.action === 'deny' || d.action === 'ask') return;
    this.#engine._commit(this.#sx, d);
  }

  /** Asks waiting for a human. */
  pending(): { id: string; prompt: string; deadline: number; rules: string[] }[] {
    return [...this.#pending.values()].map((p) => ({ ...p.decision.ask! }));
  }

  /** Resolves with the final decision: the human's answer, or a deny at the deadline. */
  waitForAnswer(askId: string): Promise<Decision> {
    const p = this.#pending.get(askId);
    if (!p) return Promise.reject(new Error(`no pending ask \`${askId}\``));
    return new Promise((resolve) => {
      p.waiters.push(resolve);
      if (!p.timer) {
        const delay = Math.max(0, p.decision.ask!.deadline - Date.now());
        // not unref'd: whoever awaits the answer keeps the process alive until the deadline
        p.timer = setTimeout(() => this.expire(Math.max(Date.now(), p.decision.ask!.deadline)), delay);
      }
    });
  }

  /** Turn every ask whose deadline has passed into a deny; returns those denies. */
  expire(now: number = Date.now()): Decision[] {
    const out: Decision[] = [];
    for (const [id, p] of this.#pending) {
      if (p.decision.ask!.deadline > now) continue;
      out.push(this.#settle(id, p, 'timeout'));
    }
    return out;
  }

  snapshot(): StateSnapshot {
    return this.#sx.state.snapshot();
  }

  get state(): StateView {
    return this.#sx.state;
  }

  /** Session-level rules currently in force (names and actions), for display. */
  sessionRules(): { name: string; action: Verdict; resolves?: string[] }[] {
    return [...this.#sx.rules, ...this.#sx.resolvers].map((r) => ({
      name: r.name,
      action: r.action,
      ...(r.resolves ? { resolves: [...r.resolves.sources] } : {}),
    }));
  }

  /** @internal called by HumanAuthority */
  _answer(token: symbol, askId: string, answer: AskAnswer, now: number): Decision {
    if (token !== SECRET) throw new Error('only a HumanAuthority can answer asks');
    const p = this.#pending.get(askId);
    if (!p) throw new Error(`no pending ask \`${askId}\` (already answered or expired)`);
    if (p.decision.ask!.deadline <= now) return this.#settle(askId, p, 'timeout');
    return this.#settle(askId, p, answer);
  }

  #settle(askId: string, p: PendingAsk, answer: AskAnswer | 'timeout'): Decision {
    this.#pending.delete(askId);
    if (p.timer) clearTimeout(p.timer);
    const base = p.decision;
    const fired = this.#engine._firedOf(base);
    const allow = answer === 'allow_once' || answer === 'allow_session';
    let final: Decision;
    if (allow) {
      // what the other rules said still holds (a warn is still recorded, a redact still applies)
      let best = 0;
      for (const f of fired) if (f.verdict !== 'ask' && RANK[f.verdict] > best) best = RANK[f.verdict];
      final = { ...base, action: VERDICTS[best]!, answer };
    } else {
      const message = answer === 'timeout' ? `no answer before the deadline: denied (${base.message ?? ''})` : `denied by a human (${base.message ?? ''})`;
      final = { ...base, action: 'deny', answer, message };
      delete final.rewritten;
    }
    // the answer keeps the ask's identity for the record, not its pending state
    if (answer === 'allow_session' || answer === 'deny_session') this.#remember(fired, answer);
    if (allow) this.#engine._commit(this.#sx, base);
    for (const w of p.waiters) w(final);
    return final;
  }

  /** "For session" answers become session rules scoped to the rules that asked. */
  #remember(fired: Fired[], answer: 'allow_session' | 'deny_session'): void {
    const sx = this.#sx;
    for (const f of fired) {
      if (f.verdict !== 'ask') continue;
      const r = f.rule;
      if (answer === 'allow_session') {
        const name = `session:allow:${r.name}`;
        sx.resolvers = sx.resolvers.filter((x) => x.name !== name);
        sx.resolvers.push(uniformRule({
          name,
          level: 'session',
          action: 'allow',
          phases: r.phases,
          conds: r.conds,
          gates: [],
          ...(r.when ? { when: r.when } : {}),
          tools: r.tools,
          quantifier: r.quantifier,
          conservative: false,
          slow: r.slow,
          resolves: { sources: [r.name], test: (n: string) => n === r.name, literals: new Set([r.name]) },
          message: `allowed for this session by a human (answering \`${r.name}\`)`,
        }));
      } else {
        const name = `session:deny:${r.name}`;
        sx.rules = sx.rules.filter((x) => x.name !== name);
        sx.rules.unshift(
          uniformRule({
            ...r,
            name,
            level: 'session',
            action: 'deny',
            conservative: true,
            message: `denied for this session by a human (answering \`${r.name}\`)`,
          }),
        );
      }
    }
  }
}

/**
 * The human's capability over one session: answer asks and add or remove session rules. The
 * daemon hands it only to human-facing clients (dashboard, phone); harness adapters get the
 * PolicySession alone, which has no way to reach this object.
 */
export class HumanAuthority {
  readonly #session: PolicySession;

  constructor(token: symbol, session: PolicySession) {
    if (token !== SECRET) throw new Error('HumanAuthority is created by PolicyEngine.openSession');
    this.#session = session;
  }

  get sessionId(): string {
    return this.#session.id;
  }

  /** Answer an ask. Returns the final decision (an answer after the deadline is a deny). */
  answer(askId: string, answer: AskAnswer, now: number = Date.now()): Decision {
    if (!(ASK_ANSWERS as readonly string[]).includes(answer)) throw new Error(`unknown answer \`${String(answer)}\` (${ASK_ANSWERS.join(', ')})`);
    return this.#session._answer(SECRET, askId, answer, now);
  }

  /** The same as `answer`, under the name the design uses for it. */
  resolveAsk(askId: string, answer: AskAnswer, now: number = Date.now()): Decision {
    return this.answer(askId, answer, now);
  }

  /**
   * Add session-level rules written like a policy file (YAML text, or the equivalent object).
   * Session rules may use `resolves: [rule names]` to settle those rules' asks. A rule with the
   * same name as an existing session rule replaces it. Returns diagnostics; nothing is added when
   * there are any.
   */
  addRules(source: string | object, file = '<session>'): Diagnostic[] {
    let rules: CompiledRule[];
    if (typeof source === 'string') {
      const r = parsePolicyText(source, file, 'session', { session: true });
      if (r.diagnostics.length) return r.diagnostics;
      rules = r.rules;
    } else {
      const diags = new Diags();
      const set = compileDocument(Src.fromValue(source, { file }), 'session', diags, true);
      if (diags.count) return diags.list;
      rules = set.rules;
    }
    const sx = internalsOf.get(this.#session)!;
    rules = rules.map(uniformRule);
    const names = new Set(rules.map((r) => r.name));
    sx.rules = sortRules([...sx.rules.filter((r) => !names.has(r.name)), ...rules.filter((r) => !r.resolves)]);
    sx.resolvers = [...sx.resolvers.filter((r) => !names.has(r.name)), ...rules.filter((r) => r.resolves)];
    sx.observers = [...sx.rules, ...sx.resolvers].flatMap((r) => (r.when ? [...r.when.after, ...r.when.notAfter] : []));
    return [];
  }

  /** Remove a session rule by name. Returns whether one was removed. */
  removeRule(name: string): boolean {
    const sx = internalsOf.get(this.#session)!;
    const before = sx.rules.length + sx.resolvers.length;
    sx.rules = sx.rules.filter((r) => r.name !== name);
    sx.resolvers = sx.resolvers.filter((r) => r.name !== name);
    return sx.rules.length + sx.resolvers.length < before;
  }
}

export { phasesOf };
export type { Decision, NormalizedAction, Verdict, Level, Phase, StateSnapshot };
