// Cheap necessary conditions that let the engine skip rules without running their globs and
// regexes. Each is exact in one direction only: when a prefilter says "cannot match", the rule's
// condition would have answered NO; when it says "may match", the rule is evaluated as usual.
//
//   path    a glob's literal first segment (per category) or a base name / extension
//   host    a literal host, or the last labels of a `*.suffix` pattern
//   content one combined regex per flag set over every content rule of the engine
import type { PathInfo } from './condition.js';

const WILD = /[*?[\]{}\\]/;

/**
 * The glob's leading literal segments — two when it has two complete ones (`secrets/prod/**`),
 * else one (`src/**`) — as `depth:text`, or null when a wildcard comes first.
 */
function leading(glob: string): string | null {
  const parts = glob.split('/');
  const complete = (i: number) => parts[i] !== undefined && !WILD.test(parts[i]!) && (i < parts.length - 1 || parts.length === i + 1);
  if (!complete(0)) return null;
  if (parts.length >= 3 && complete(1)) return `2${parts[0]}/${parts[1]}`;
  if (parts.length === 2 && complete(1)) return `2${parts[0]}/${parts[1]}`;
  return `1${parts[0]}`;
}

/**
 * Anchor keys for a path glob already split by category (see conditions/path.ts): a path can only
 * match when one of its keys (pathKeys) equals the glob's key. Null: no anchor, always evaluate.
 */
export function pathAnchor(category: 'abs' | 'home' | 'ws' | 'base', glob: string): string | null {
  if (category === 'base') {
    if (!WILD.test(glob)) return `b:${glob}`;
    const dot = glob.lastIndexOf('.');
    if (dot < 0) return null;
    const ext = glob.slice(dot + 1);
    return ext !== '' && !WILD.test(ext) ? `e:${ext}` : null;
  }
  const lead = leading(category === 'abs' ? glob.slice(1) : glob);
  return lead === null ? null : `${category === 'abs' ? 'a' : category === 'home' ? 'h' : 'w'}${lead}`;
}

/** `X1first` and, when the path has a second segment, `X2first/second`. */
function addLeading(tag: string, rel: string, out: Set<string>): void {
  const a = rel.indexOf('/');
  if (a < 0) {
    out.add(`${tag}1${rel}`);
    return;
  }
  out.add(`${tag}1${rel.slice(0, a)}`);
  const b = rel.indexOf('/', a + 1);
  out.add(`${tag}2${b < 0 ? rel : rel.slice(0, b)}`);
}

/** Every anchor key a path could match. */
export function addPathKeys(p: PathInfo, out: Set<string>): void {
  addLeading('a', p.abs.slice(1), out);
  if (p.home !== null) addLeading('h', p.home, out);
  if (p.ws !== null) addLeading('w', p.ws, out);
  out.add(`b:${p.base}`);
  const dot = p.base.lastIndexOf('.');
  if (dot >= 0) out.add(`e:${p.base.slice(dot + 1)}`);
}

/** Anchor for a lower-cased host glob (port already removed), or null. */
export function hostAnchor(glob: string): string | null {
  if (!WILD.test(glob)) return `x:${glob}`;
  const m = /^\*\.([^*?[\]{}\\]+)$/.exec(glob);
  if (!m) return null;
  const labels = m[1]!.split('.').filter(Boolean);
  if (labels.length === 0) return null;
  return labels.length >= 2 ? `d2:${labels.slice(-2).join('.')}` : `d1:${labels[0]}`;
}

export function addHostKeys(host: string, out: Set<string>): void {
  out.add(`x:${host}`);
  const last = host.lastIndexOf('.');
  if (last >= 0) {
    const prev = host.lastIndexOf('.', last - 1);
    out.add(`d2:${host.slice(prev + 1)}`);
  }
  out.add(`d1:${host.slice(last + 1)}`);
}

export function anyKey(keys: ReadonlySet<string>, anchors: readonly string[]): boolean {
  for (let i = 0; i < anchors.length; i++) if (keys.has(anchors[i]!)) return true;
  return false;
}

/** Can these regexes be OR-ed into one? (Backreferences and named groups would change meaning.) */
export function combinable(re: RegExp): boolean {
  return !/\\[1-9]|\\k<|\(\?<[^=!]/.test(re.source);
}

/** One regex per flag set, matching wherever any of `regexes` would. */
export function combine(regexes: readonly RegExp[]): RegExp[] {
  const byFlags = new Map<string, string[]>();
  for (const re of regexes) {
    const flags = re.flags.replace(/[gy]/g, '');
    let l = byFlags.get(flags);
    if (!l) byFlags.set(flags, (l = []));
    if (!l.includes(re.source)) l.push(re.source);
  }
  return [...byFlags].map(([flags, sources]) => new RegExp(sources.map((s) => `(?:${s})`).join('|'), flags));
}
