// One rule, from YAML (or a plain object) to its compiled form. All validation happens here, with
// positions, so `bridle validate` and the engine can never disagree about what a rule means.
import path from 'node:path';
import { closest, suggestion } from '../util/diagnostic.js';
import type { Condition, ConditionKind, ContentField, ParseContext, Quantifier, Scalar } from './condition.js';
import { describe, duration, stringList, globList } from './conditions/common.js';
import { KIND_NAMES, KINDS } from './conditions/index.js';
import type { GlobSet } from './glob.js';
import type { Diags, Src } from './source.js';
import { combinable } from './prefilter.js';
import { PHASES, VERDICTS, type Level, type Phase, type Verdict } from './types.js';

export const ALL_PHASES = (1 << PHASES.length) - 1;
export function phaseBit(p: Phase): number {
  return 1 << PHASES.indexOf(p);
}
export function phasesOf(mask: number): Phase[] {
  return PHASES.filter((p) => (mask & phaseBit(p)) !== 0);
}

/** A `when.after` / `when.not_after` matcher: watches actions that proceed. */
export interface Observer {
  readonly id: string;
  readonly phases: number;
  readonly conds: readonly Condition[];
  readonly text: string;
}

export interface WhenClause {
  readonly after: readonly Observer[];
  readonly notAfter: readonly Observer[];
  /** Flag name → expected value; `false` also matches an unset flag. */
  readonly flags: readonly (readonly [string, Scalar])[];
}

export interface Effects {
  readonly set: readonly (readonly [string, Scalar])[];
  readonly clear: readonly string[];
}

export interface CompiledRule {
  /** Rule name; also the key of any state the rule owns. */
  readonly name: string;
  readonly level: Level;
  readonly action: Verdict;
  readonly message?: string;
  /** `file:line` where the rule is written. */
  readonly source?: string;
  readonly phases: number;
  /** Plain conditions, then gates (stateful: rate, every), evaluated after `when`. */
  readonly conds: readonly Condition[];
  /** Every non-gate condition, for explanations (`conds` omits those the tool index enforces). */
  readonly explained?: readonly Condition[];
  readonly gates: readonly Condition[];
  readonly when?: WhenClause;
  readonly effects?: Effects;
  /** Tool-name restrictions from the conditions (all must accept the tool). */
  readonly tools: readonly GlobSet[];
  /** From the rule's first `command` condition: an index hint. */
  readonly commandNames?: ReadonlySet<string> | null;
  readonly quantifier: Quantifier;
  readonly askTimeoutMs?: number;
  readonly redact?: { patterns: readonly RegExp[]; fields?: ReadonlySet<ContentField>; replacement: string };
  /** Session rules only: names (globs) of rules whose asks this rule settles. */
  readonly resolves?: GlobSet;
  /** Prefilters (see prefilter.ts), from the rule's top-level conditions. */
  readonly pathAnchors?: readonly string[];
  readonly hostAnchors?: readonly string[];
  /** Regexes of a top-level `content` condition the engine may OR together to skip the rule. */
  readonly contentPre?: readonly RegExp[];
  /** deny/ask rules treat a MAYBE (unparseable input) as a match. */
  readonly conservative: boolean;
  /** Runs regexes over agent-controlled text (or is code): timed against the rule timeout. */
  readonly slow: boolean;
}

/**
 * The same rule as an object with every field present, in one order: all rules then share one
 * hidden class, and the engine's loop over them reads fields at monomorphic speed.
 */
export function uniformRule(r: CompiledRule): CompiledRule {
  return {
    name: r.name,
    level: r.level,
    action: r.action,
    message: r.message,
    source: r.source,
    phases: r.phases,
    conds: r.conds,
    explained: r.explained,
    gates: r.gates,
    when: r.when,
    effects: r.effects,
    tools: r.tools,
    commandNames: r.commandNames,
    quantifier: r.quantifier,
    askTimeoutMs: r.askTimeoutMs,
    redact: r.redact,
    resolves: r.resolves,
    pathAnchors: r.pathAnchors,
    hostAnchors: r.hostAnchors,
    contentPre: r.contentPre,
    conservative: r.conservative,
    slow: r.slow,
  };
}

const RULE_KEYS = [
  'name', 'description', 'on', 'type', 'match', 'when', 'effects', 'action', 'message', 'timeout', 'replacement',
];
const SESSION_KEYS = ['resolves'];
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:@/-]*$/;

export interface RuleOptions {
  level: Level;
  diags: Diags;
  /** Position in the file, for generated names. */
  index: number;
  /** Session rules (added by a human at run time) may use `resolves`. */
  session?: boolean;
}

interface Collected {
  conds: Condition[];
  kinds: ConditionKind[];
}

/** Parse a match map's entries into `out`. Returns false when anything was wrong. */
function parseMatchInto(src: Src, cx: ParseContext, out: Collected): boolean {
  let ok = true;
  for (const [key, value] of src.entries()) {
    const kind = KINDS.get(key);
    if (!kind) {
      cx.diags.error(value, `unknown condition kind \`${key}\`; ${suggestion(key, KIND_NAMES)}`, 'key');
      ok = false;
      continue;
    }
    const cond = parseCondition(kind, value, cx);
    if (!cond) {
      ok = false;
      continue;
    }
    if (cond.gate && isNested(cx)) {
      cx.diags.error(value, `\`${key}\` keeps state and cannot be nested under \`not\` or \`any\``, 'key');
      ok = false;
      continue;
    }
    out.conds.push(cond);
    out.kinds.push(kind);
  }
  return ok;
}

const nestedContexts = new WeakSet<ParseContext>();
function isNested(cx: ParseContext): boolean {
  return nestedContexts.has(cx);
}

function parseCondition(kind: ConditionKind, value: Src, cx: ParseContext): Condition | undefined {
  const before = cx.diags.count;
  const c = kind.parse(value, cx);
  if (!c && cx.diags.count === before) cx.diags.error(value, `invalid \`${kind.kind}\` condition`);
  return c;
}

function nestedContext(diags: Diags, ruleKey: string, q: Quantifier): ParseContext {
  const cx: ParseContext = {
    diags,
    ruleKey,
    quantifier: q,
    parseMatch(src, q2) {
      const out: Collected = { conds: [], kinds: [] };
      if (!parseMatchInto(src, nestedContext(diags, ruleKey, q2), out)) return undefined;
      return out.conds;
    },
  };
  nestedContexts.add(cx);
  return cx;
}

function topContext(diags: Diags, ruleKey: string, q: Quantifier): ParseContext {
  return {
    diags,
    ruleKey,
    quantifier: q,
    parseMatch(src, q2) {
      const out: Collected = { conds: [], kinds: [] };
      if (!parseMatchInto(src, nestedContext(diags, ruleKey, q2), out)) return undefined;
      return out.conds;
    },
  };
}

function parsePhases(src: Src, diags: Diags): number | undefined {
  const list = src.list();
  if (list.length === 0) {
    diags.error(src, '`on`: expected a phase or a list of phases');
    return undefined;
  }
  let mask = 0;
  for (const item of list) {
    const v = item.value;
    if (typeof v !== 'string' || !(PHASES as readonly string[]).includes(v)) {
      diags.error(item, `unknown phase \`${String(v)}\`; ${suggestion(String(v), PHASES)}`);
      return undefined;
    }
    mask |= phaseBit(v as Phase);
  }
  return mask;
}

function defaultPhases(kinds: readonly ConditionKind[]): number {
  let mask = ALL_PHASES;
  for (const k of kinds) {
    if (!k.defaultOn) continue;
    let m = 0;
    for (const p of k.defaultOn) m |= phaseBit(p);
    mask &= m;
  }
  return mask;
}

function checkApplies(kinds: readonly ConditionKind[], phases: number, at: Src, diags: Diags): boolean {
  for (const k of kinds) {
    if (!k.applies) continue;
    let m = 0;
    for (const p of k.applies) m |= phaseBit(p);
    const bad = phasesOf(phases & ~m);
    if (bad.length > 0) {
      diags.error(at, `\`${k.kind}\` never matches in phase ${bad.map((p) => `\`${p}\``).join(', ')} (it applies to ${k.applies.join(', ')})`);
      return false;
    }
  }
  return true;
}

function scalar(src: Src, diags: Diags, what: string): Scalar | undefined {
  const v = src.value;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  diags.error(src, `${what}: expected a string, number or boolean, got ${describe(v)}`);
  return undefined;
}

function parseObserver(src: Src, id: string, diags: Diags): Observer | undefined {
  if (!src.isMap()) {
    diags.error(src, `expected \`{on: PHASE, match: {…}}\`, got ${describe(src.value)}`);
    return undefined;
  }
  const keys = src.entries().map(([k]) => k);
  // Either `{on, match}` or a bare match map.
  const structured = keys.includes('match') || keys.includes('on');
  const cx = topContext(diags, id, 'any');
  const out: Collected = { conds: [], kinds: [] };
  let phases: number | undefined;
  if (structured) {
    for (const [k, v] of src.entries()) {
      if (k !== 'on' && k !== 'match') {
        diags.error(v, `unknown key \`${k}\` in \`after\`; ${suggestion(k, ['on', 'match'])}`, 'key');
        return undefined;
      }
    }
    const on = src.get('on');
    if (on && (phases = parsePhases(on, diags)) === undefined) return undefined;
    const m = src.get('match');
    if (m) {
      if (!m.isMap()) {
        diags.error(m, `\`match\`: expected a map of conditions, got ${describe(m.value)}`);
        return undefined;
      }
      if (!parseMatchInto(m, cx, out)) return undefined;
    }
  } else if (!parseMatchInto(src, cx, out)) return undefined;
  if (out.conds.some((c) => c.gate)) {
    diags.error(src, '`after` matchers cannot use `rate` or `every`');
    return undefined;
  }
  phases ??= defaultPhases(out.kinds);
  if (!checkApplies(out.kinds, phases, src.get('on') ?? src, diags)) return undefined;
  const text = [
    structured && src.get('on') ? `on ${phasesOf(phases).join('/')}` : '',
    out.kinds.length ? `matching ${out.kinds.map((k) => k.kind).join('+')}` : 'any action',
  ]
    .filter(Boolean)
    .join(' ');
  return { id, phases, conds: out.conds, text };
}

function parseWhen(src: Src, name: string, diags: Diags): WhenClause | undefined {
  if (!src.isMap()) {
    diags.error(src, `\`when\`: expected a map (after, not_after, or flags), got ${describe(src.value)}`);
    return undefined;
  }
  const after: Observer[] = [];
  const notAfter: Observer[] = [];
  const flags: [string, Scalar][] = [];
  let ok = true;
  for (const [k, v] of src.entries()) {
    if (k === 'after' || k === 'not_after') {
      const items = v.isSeq() ? v.items() : [v];
      items.forEach((item, i) => {
        const id = `${name}:${k}${items.length > 1 ? `#${i + 1}` : ''}`;
        const o = parseObserver(item, id, diags);
        if (!o) ok = false;
        else (k === 'after' ? after : notAfter).push(o);
      });
      continue;
    }
    // Anything else is a state flag; catch near-misses of the two keywords.
    const near = closest(k, ['after', 'not_after']);
    if (near) {
      diags.error(v, `\`when\`: \`${k}\` looks like a typo; did you mean \`${near}\`? (other keys are state flags)`, 'key');
      ok = false;
      continue;
    }
    const value = scalar(v, diags, `\`when\` flag \`${k}\``);
    if (value === undefined) ok = false;
    else flags.push([k, value]);
  }
  return ok ? { after, notAfter, flags } : undefined;
}

function parseEffects(src: Src, diags: Diags): Effects | undefined {
  if (!src.isMap()) {
    diags.error(src, `\`effects\`: expected \`{set: {…}, clear: […]}\`, got ${describe(src.value)}`);
    return undefined;
  }
  const set: [string, Scalar][] = [];
  const clear: string[] = [];
  for (const [k, v] of src.entries()) {
    if (k === 'set') {
      if (!v.isMap()) {
        diags.error(v, `\`effects.set\`: expected a map of flag: value, got ${describe(v.value)}`);
        return undefined;
      }
      for (const [fk, fv] of v.entries()) {
        const value = scalar(fv, diags, `\`effects.set.${fk}\``);
        if (value === undefined) return undefined;
        set.push([fk, value]);
      }
    } else if (k === 'clear') {
      const cx = topContext(diags, '', 'any');
      const list = stringList(v, cx, '`effects.clear`');
      if (!list) return undefined;
      clear.push(...list);
    } else {
      diags.error(v, `unknown key \`${k}\` in \`effects\`; ${suggestion(k, ['set', 'clear'])}`, 'key');
      return undefined;
    }
  }
  return { set, clear };
}

/**
 * Compile one rule. Returns undefined (with diagnostics) when the rule is invalid. Accepts the
 * general form (`match:` …), the seed form (`type: cost, op: ge, value: 50`), and condition keys
 * written directly on the rule (`command: "git push*"`).
 */
export function compileRule(src: Src, opts: RuleOptions): CompiledRule | undefined {
  const { diags, level } = opts;
  if (!src.isMap()) {
    diags.error(src, `expected a rule (a map with \`action:\`), got ${describe(src.value)}`);
    return undefined;
  }
  const errorsBefore = diags.count;
  const get = (k: string) => src.get(k);
  const allowedKeys = opts.session ? [...RULE_KEYS, ...SESSION_KEYS] : RULE_KEYS;

  // name
  let name = `${path.basename(src.file)}#${opts.index + 1}`;
  const nameSrc = get('name');
  if (nameSrc) {
    const v = nameSrc.value;
    if (typeof v !== 'string' || !NAME.test(v)) {
      diags.error(nameSrc, `\`name\`: expected letters, digits and \`-_.:@/\`, got ${describe(v)}`);
    } else name = v;
  }

  // action
  let action: Verdict | undefined;
  const actionSrc = get('action');
  if (!actionSrc) diags.error(src, `rule \`${name}\` has no \`action\` (one of ${VERDICTS.join(', ')})`);
  else {
    const v = actionSrc.value;
    if (typeof v !== 'string' || !(VERDICTS as readonly string[]).includes(v)) {
      diags.error(actionSrc, `unknown action \`${String(v)}\`; ${suggestion(String(v), VERDICTS)}`);
    } else action = v as Verdict;
  }
  const quantifier: Quantifier = action === 'allow' ? 'all' : 'any';
  const cx = topContext(diags, name, quantifier);
  const collected: Collected = { conds: [], kinds: [] };

  // seed form: `type:` with its parameters at top level
  const typeSrc = get('type');
  const leftovers = src
    .entries()
    .map(([k]) => k)
    .filter((k) => !allowedKeys.includes(k) && !KINDS.has(k));
  if (typeSrc) {
    const t = typeSrc.value;
    const kind = typeof t === 'string' ? KINDS.get(t) : undefined;
    if (!kind) diags.error(typeSrc, `unknown condition kind \`${String(t)}\`; ${suggestion(String(t), KIND_NAMES)}`);
    else if (leftovers.length === 0) diags.error(typeSrc, `\`type: ${kind.kind}\` needs its parameters next to it (e.g. \`value:\`)`);
    else {
      const params = src.pick(leftovers);
      const only = params.entries();
      const arg = only.length === 1 && only[0]![0] === 'value' ? only[0]![1] : params;
      const c = parseCondition(kind, arg, cx);
      if (c) {
        collected.conds.push(c);
        collected.kinds.push(kind);
      }
    }
  } else {
    for (const k of leftovers) {
      const v = src.get(k)!;
      if (SESSION_KEYS.includes(k)) diags.error(v, `\`${k}\` is only for session rules, which a human adds at run time`, 'key');
      else diags.error(v, `unknown key \`${k}\` in rule \`${name}\`; ${suggestion(k, [...allowedKeys, ...KIND_NAMES])}`, 'key');
    }
  }
  // condition kinds written directly on the rule
  const flat = src.entries().filter(([k]) => KINDS.has(k));
  if (flat.length > 0) parseMatchInto(src.pick(flat.map(([k]) => k)), cx, collected);
  // match
  const matchSrc = get('match');
  if (matchSrc) {
    if (!matchSrc.isMap()) diags.error(matchSrc, `\`match\`: expected a map of conditions, got ${describe(matchSrc.value)}`);
    else parseMatchInto(matchSrc, cx, collected);
  }

  // phases
  let phases: number | undefined;
  const onSrc = get('on');
  if (onSrc) phases = parsePhases(onSrc, diags);
  else {
    phases = defaultPhases(collected.kinds);
    if (phases === 0) {
      diags.error(src, `the conditions of \`${name}\` share no phase by default (${collected.kinds.map((k) => `${k.kind}: ${(k.defaultOn ?? ['any']).join('/')}`).join('; ')}); set \`on:\``);
    }
  }
  if (phases !== undefined && phases !== 0) checkApplies(collected.kinds, phases, onSrc ?? src, diags);

  // when / effects
  const whenSrc = get('when');
  const when = whenSrc ? parseWhen(whenSrc, name, diags) : undefined;
  const effectsSrc = get('effects');
  const effects = effectsSrc ? parseEffects(effectsSrc, diags) : undefined;
  if (effectsSrc && action === 'deny') diags.error(effectsSrc, '`effects` apply when an action proceeds; a `deny` rule\'s effects would never run');

  // message
  let message: string | undefined;
  const msgSrc = get('message');
  if (msgSrc) {
    if (typeof msgSrc.value !== 'string') diags.error(msgSrc, `\`message\`: expected a string, got ${describe(msgSrc.value)}`);
    else message = msgSrc.value;
  }
  const descSrc = get('description');
  if (descSrc && typeof descSrc.value !== 'string') diags.error(descSrc, '`description`: expected a string');

  // ask timeout
  let askTimeoutMs: number | undefined;
  const toSrc = get('timeout');
  if (toSrc) {
    if (action !== undefined && action !== 'ask') diags.error(toSrc, '`timeout` applies only to `ask` rules', 'key');
    else askTimeoutMs = duration(toSrc, cx, '`timeout`');
  }

  // model allow-lists only make sense as restrictions
  if (action === 'allow' && collected.kinds.some((k) => k.kind === 'model')) {
    diags.error(actionSrc ?? src, '`model` is an allow-list that matches models outside it; use `deny` (or `ask`/`warn`), not `allow`');
  }

  // redact
  let redact: CompiledRule['redact'];
  const replSrc = get('replacement');
  if (replSrc && action !== 'redact') diags.error(replSrc, '`replacement` applies only to `redact` rules', 'key');
  if (action === 'redact') {
    const contents = collected.conds.filter((c) => c.patterns);
    if (contents.length === 0) diags.error(actionSrc ?? src, '`redact` needs a `content` condition: its regexes say what to rewrite');
    let replacement = '[REDACTED]';
    if (replSrc) {
      if (typeof replSrc.value !== 'string') diags.error(replSrc, '`replacement`: expected a string');
      else replacement = replSrc.value;
    }
    const fields = contents.find((c) => c.contentFields)?.contentFields;
    redact = { patterns: contents.flatMap((c) => c.patterns ?? []), replacement, ...(fields ? { fields } : {}) };
  }

  // resolves (session rules only)
  let resolves: GlobSet | undefined;
  const resSrc = get('resolves');
  if (resSrc) {
    if (action !== 'allow') diags.error(resSrc, '`resolves` settles asks, so it needs `action: allow`', 'key');
    else resolves = globList(resSrc, cx, '`resolves`');
  }

  if (diags.count > errorsBefore || action === undefined || phases === undefined || phases === 0) return undefined;
  // Top-level `tool` conditions are enforced by the engine's tool index (and by the session-level
  // loop), so they are not evaluated again; they stay in `explained` for the decision's reason.
  const conds = collected.conds.filter((c) => !c.gate && c.kind !== 'tool');
  const explained = collected.conds.filter((c) => !c.gate);
  const gates = collected.conds.filter((c) => c.gate);
  const tools = collected.conds.map((c) => c.tools).filter((t): t is GlobSet => t !== undefined);
  const cmd = collected.conds.find((c) => c.kind === 'command');
  const pathAnchors = collected.conds.find((c) => c.anchors?.kind === 'path')?.anchors?.keys;
  const hostAnchors = collected.conds.find((c) => c.anchors?.kind === 'host')?.anchors?.keys;
  const content = collected.conds.find((c) => c.kind === 'content' && c.patterns?.every(combinable));
  const pos = src.at();
  return {
    name,
    level,
    action,
    phases,
    conds,
    explained,
    gates,
    tools,
    quantifier,
    conservative: action === 'deny' || action === 'ask',
    slow: collected.conds.some((c) => c.slow === true),
    source: `${src.file}:${pos.line}`,
    ...(message !== undefined ? { message } : {}),
    ...(when ? { when } : {}),
    ...(effects ? { effects } : {}),
    ...(cmd ? { commandNames: cmd.commandNames ?? null } : {}),
    ...(askTimeoutMs !== undefined ? { askTimeoutMs } : {}),
    ...(redact ? { redact } : {}),
    ...(resolves ? { resolves } : {}),
    ...(pathAnchors ? { pathAnchors } : {}),
    ...(hostAnchors ? { hostAnchors } : {}),
    ...(content ? { contentPre: content.patterns! } : {}),
  };
}
