// Parsing helpers shared by condition kinds: string lists, globs, numeric comparisons, durations.
import { suggestion } from '../../util/diagnostic.js';
import { compileGlobSet, GlobError, type GlobDialect, type GlobSet } from '../glob.js';
import type { Src } from '../source.js';
import type { ParseContext } from '../condition.js';

/** Reject keys outside `allowed`, with a did-you-mean. Returns false when something was wrong. */
export function checkKeys(src: Src, cx: ParseContext, what: string, allowed: readonly string[]): boolean {
  let ok = true;
  for (const [k, v] of src.entries()) {
    if (!allowed.includes(k)) {
      cx.diags.error(v, `unknown key \`${k}\` in ${what}; ${suggestion(k, allowed)}`, 'key');
      ok = false;
    }
  }
  return ok;
}

/** A non-empty string, or a non-empty list of non-empty strings. */
export function stringList(src: Src, cx: ParseContext, what: string): string[] | undefined {
  const items = src.list();
  if (items.length === 0) {
    cx.diags.error(src, `${what}: expected a string or a list of strings, got an empty list`);
    return undefined;
  }
  const out: string[] = [];
  for (const item of items) {
    const v = item.value;
    if (typeof v === 'number' || typeof v === 'boolean') out.push(String(v));
    else if (typeof v !== 'string' || v === '') {
      cx.diags.error(item, `${what}: expected a non-empty string, got ${describe(v)}`);
      return undefined;
    } else out.push(v);
  }
  return out;
}

export function globList(
  src: Src,
  cx: ParseContext,
  what: string,
  opts: { dialect?: GlobDialect; ignoreCase?: boolean; normalize?: (s: string) => string } = {},
): GlobSet | undefined {
  const items = src.list();
  const raw = stringList(src, cx, what);
  if (!raw) return undefined;
  let ok = true;
  const patterns = raw.map((p, i) => {
    const q = opts.normalize ? opts.normalize(p) : p;
    try {
      compileGlobSet([q], opts);
    } catch (err) {
      if (!(err instanceof GlobError)) throw err;
      cx.diags.error(items[i] ?? src, `${what}: bad glob \`${p}\`: ${err.message}`);
      ok = false;
    }
    return q;
  });
  return ok ? compileGlobSet(patterns, opts) : undefined;
}

export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  return `${typeof v} \`${String(v)}\``;
}

export const OPS = ['lt', 'le', 'gt', 'ge', 'eq'] as const;
export type Op = (typeof OPS)[number];
/** Spellings people reach for; the canonical names are lt, le, gt, ge, eq. */
const OP_ALIASES: Record<string, Op> = { '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', '==': 'eq', '=': 'eq', lte: 'le', gte: 'ge' };
const OP_TEXT: Record<Op, string> = { lt: '<', le: '≤', gt: '>', ge: '≥', eq: '=' };

export interface Compare {
  op: Op;
  value: number;
  test(n: number): boolean;
  text: string;
}

export function makeCompare(op: Op, value: number): Compare {
  const test =
    op === 'lt' ? (n: number) => n < value
    : op === 'le' ? (n: number) => n <= value
    : op === 'gt' ? (n: number) => n > value
    : op === 'ge' ? (n: number) => n >= value
    : (n: number) => n === value;
  return { op, value, test, text: `${OP_TEXT[op]} ${value}` };
}

function number(src: Src, cx: ParseContext, what: string): number | undefined {
  const v = src.value;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v.replace(/^\$/, '')))) return Number(v.replace(/^\$/, ''));
  cx.diags.error(src, `${what}: expected a number, got ${describe(v)}`);
  return undefined;
}

export function positive(src: Src, cx: ParseContext, what: string, integer = false): number | undefined {
  const n = number(src, cx, what);
  if (n === undefined) return undefined;
  if (n <= 0 || (integer && !Number.isInteger(n))) {
    cx.diags.error(src, `${what}: expected a positive ${integer ? 'integer' : 'number'}, got ${n}`);
    return undefined;
  }
  return n;
}

/**
 * A comparison written `{op: ge, value: 50}` or `{ge: 50}`, from a map whose other keys the caller
 * handles. Returns null when the map holds no comparison at all.
 */
export function parseCompare(src: Src, cx: ParseContext, what: string): Compare | undefined | null {
  const opSrc = src.get('op');
  const valueSrc = src.get('value');
  const short = src.entries().filter(([k]) => (OPS as readonly string[]).includes(k));
  if (opSrc || valueSrc) {
    if (short.length > 0) {
      cx.diags.error(short[0]![1], `${what}: use either \`op:\`/\`value:\` or \`${short[0]![0]}:\`, not both`, 'key');
      return undefined;
    }
    if (!opSrc) {
      cx.diags.error(valueSrc!, `${what}: \`value\` needs an \`op\` (${OPS.join(', ')})`, 'key');
      return undefined;
    }
    const op = typeof opSrc.value === 'string' ? (OP_ALIASES[opSrc.value] ?? opSrc.value) : opSrc.value;
    if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op)) {
      cx.diags.error(opSrc, `${what}: bad op \`${String(op)}\`; ${suggestion(String(op), OPS)}`);
      return undefined;
    }
    if (!valueSrc) {
      cx.diags.error(opSrc, `${what}: \`op\` needs a \`value\``, 'key');
      return undefined;
    }
    const value = number(valueSrc, cx, what);
    return value === undefined ? undefined : makeCompare(op as Op, value);
  }
  if (short.length > 1) {
    cx.diags.error(short[1]![1], `${what}: one comparison per condition (got \`${short[0]![0]}\` and \`${short[1]![0]}\`)`, 'key');
    return undefined;
  }
  if (short.length === 1) {
    const [op, v] = short[0]!;
    const value = number(v, cx, what);
    return value === undefined ? undefined : makeCompare(op as Op, value);
  }
  return null;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, hr: 3_600_000, d: 86_400_000 };

/** `500ms`, `30s`, `10m`, `1h`, `1d`, or a number of seconds. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h|hr|d)?\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]) * UNITS[m[2] ?? 's']!;
  return n > 0 ? n : undefined;
}

export function duration(src: Src, cx: ParseContext, what: string): number | undefined {
  const v = src.value;
  const ms = typeof v === 'number' ? (v > 0 ? v * 1000 : undefined) : typeof v === 'string' ? parseDuration(v) : undefined;
  if (ms === undefined) cx.diags.error(src, `${what}: expected a duration like \`30s\`, \`10m\`, \`1h\`, got ${describe(v)}`);
  return ms;
}

/** `pattern` (the one that matched `value`, when known) or the whole list. */
export function formatMatch(g: GlobSet, value: string): string {
  const hit = g.which?.(value);
  return hit !== undefined ? `\`${hit}\`` : formatGlobs(g);
}

export function formatGlobs(g: GlobSet): string {
  return g.sources.length === 1 ? `\`${g.sources[0]}\`` : `one of ${g.sources.map((s) => `\`${s}\``).join(', ')}`;
}

/** Object-form keys accepted by a kind, plus `value` as an alias of its main key. */
export function primary(src: Src, main: string): Src | undefined {
  return src.get(main) ?? src.get('value');
}
