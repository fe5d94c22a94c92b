// Globs compiled once, at load time, into the cheapest test that implements them: string
// equality, a prefix check, or an anchored regex. Two dialects:
//   text: `*` matches anything (spaces, slashes, dots) — commands, tool/agent/model names, hosts
//   path: `*` stays within one path segment, `**` crosses segments — file paths, URL paths
// Both support `?`, `[abc]`/`[!abc]`, `{a,b}` and `\` escapes. In the path dialect a trailing
// `/**` also matches the directory itself.

export type GlobDialect = 'text' | 'path';

export interface Glob {
  readonly source: string;
  test(s: string): boolean;
  /** The literal text every match starts with ('' when the pattern starts with a wildcard). */
  readonly prefix: string;
  /** True when the pattern has no wildcard at all. */
  readonly literal: boolean;
}

export class GlobError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'GlobError';
  }
}

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/g;
function escapeRegex(s: string): string {
  return s.replace(REGEX_SPECIAL, '\\$&');
}

interface Translation {
  regex: string;
  prefix: string;
  literal: boolean;
}

function translate(pattern: string, dialect: GlobDialect): Translation {
  let out = '';
  let prefix = '';
  let literal = true;
  let braceDepth = 0;
  const star = dialect === 'path' ? '[^/]*' : '.*';
  const one = dialect === 'path' ? '[^/]' : '.';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) throw new GlobError('pattern ends with a lone `\\`', i);
      out += escapeRegex(next);
      if (literal) prefix += next;
      i++;
      continue;
    }
    if (c === '*') {
      literal = false;
      if (dialect === 'path' && pattern[i + 1] === '*') {
        // `**/` also matches zero segments so `src/**/x` matches `src/x`.
        if (pattern[i + 2] === '/') {
          out += '(?:.*/)?';
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else {
        while (pattern[i + 1] === '*') i++; // collapse runs: fewer quantifiers, less backtracking
        out += star;
      }
      continue;
    }
    if (c === '?') {
      literal = false;
      out += one;
      continue;
    }
    if (c === '[') {
      const end = findClassEnd(pattern, i);
      if (end < 0) throw new GlobError('unterminated `[` character class', i);
      literal = false;
      let body = pattern.slice(i + 1, end);
      let negate = false;
      if (body.startsWith('!') || body.startsWith('^')) {
        negate = true;
        body = body.slice(1);
      }
      body = body.replace(/\\/g, '\\\\').replace(/\]/g, '\\]').replace(/\[/g, '\\[');
      out += negate ? `[^${dialect === 'path' ? '/' : ''}${body}]` : `[${body}]`;
      i = end;
      continue;
    }
    if (c === '{') {
      literal = false;
      braceDepth++;
      out += '(?:';
      continue;
    }
    if (c === '}' && braceDepth > 0) {
      braceDepth--;
      out += ')';
      continue;
    }
    if (c === ',' && braceDepth > 0) {
      out += '|';
      continue;
    }
    // path dialect: a trailing `/**` also matches the directory itself (`a/**` matches `a`)
    if (c === '/' && dialect === 'path' && braceDepth === 0 && i === pattern.length - 3 && pattern.endsWith('**')) {
      out += '(?:/.*)?';
      literal = false;
      break;
    }
    out += escapeRegex(c);
    if (literal) prefix += c;
  }
  if (braceDepth > 0) throw new GlobError('unterminated `{` alternation', pattern.lastIndexOf('{'));
  return { regex: out, prefix, literal };
}

function findClassEnd(p: string, start: number): number {
  let j = start + 1;
  if (p[j] === '!' || p[j] === '^') j++;
  if (p[j] === ']') j++; // a leading `]` is a member, as in POSIX
  for (; j < p.length; j++) {
    if (p[j] === '\\') j++;
    else if (p[j] === ']') return j;
  }
  return -1;
}

export interface GlobOptions {
  dialect?: GlobDialect;
  ignoreCase?: boolean;
}

/** Literal text every match must end with ('' when the pattern ends in a wildcard or group). */
function literalSuffix(pattern: string): string {
  let out = '';
  for (let i = pattern.length - 1; i >= 0; i--) {
    const c = pattern[i]!;
    if ('*?]}'.includes(c)) break;
    // an escaped char, or a char that is itself escaped or inside a group, ends the literal run
    if (i > 0 && pattern[i - 1] === '\\') break;
    if (c === '\\' || c === ',' || c === '{' || c === '[') break;
    out = c + out;
  }
  // `**/` and friends in the path dialect never leave a literal that a match could skip
  return out;
}

/** Compile one glob. Throws GlobError on malformed input. */
export function compileGlob(pattern: string, opts: GlobOptions = {}): Glob {
  const dialect = opts.dialect ?? 'text';
  const ignoreCase = opts.ignoreCase ?? false;
  const t = translate(pattern, dialect);
  if (t.literal) {
    const want = ignoreCase ? t.prefix.toLowerCase() : t.prefix;
    return {
      source: pattern,
      prefix: t.prefix,
      literal: true,
      test: ignoreCase ? (s) => s.toLowerCase() === want : (s) => s === want,
    };
  }
  // `prefix*` in the text dialect is a startsWith: the most common command glob by far.
  if (dialect === 'text' && !ignoreCase && t.regex === `${escapeRegex(t.prefix)}.*`) {
    const pre = t.prefix;
    return { source: pattern, prefix: pre, literal: false, test: (s) => s.startsWith(pre) };
  }
  const re = new RegExp(`^(?:${t.regex})$`, ignoreCase ? 'is' : 's');
  // Most candidates fail on their literal ends: check those before running the regex.
  const pre = t.prefix;
  const suf = ignoreCase ? '' : literalSuffix(pattern);
  let test: (s: string) => boolean;
  if (ignoreCase || (pre === '' && suf === '')) test = (s) => re.test(s);
  else if (suf === '') test = (s) => s.startsWith(pre) && re.test(s);
  else if (pre === '') test = (s) => s.endsWith(suf) && re.test(s);
  else test = (s) => s.startsWith(pre) && s.endsWith(suf) && re.test(s);
  return { source: pattern, prefix: t.prefix, literal: false, test };
}

/** A set of globs: matches when any member matches. */
export interface GlobSet {
  readonly sources: readonly string[];
  test(s: string): boolean;
  /** Literal first words of every pattern, or null when some pattern starts with a wildcard. */
  readonly literals: ReadonlySet<string> | null;
  /** The first pattern that matches (for explanations; not on the hot path). */
  which?(s: string): string | undefined;
}

export function compileGlobSet(patterns: readonly string[], opts: GlobOptions = {}): GlobSet {
  const globs = patterns.map((p) => compileGlob(p, opts));
  const exact = new Set<string>();
  const rest: Glob[] = [];
  for (const g of globs) {
    if (g.literal && !opts.ignoreCase) exact.add(g.prefix);
    else rest.push(g);
  }
  let literals: Set<string> | null = new Set();
  for (const g of globs) {
    if (g.prefix === '') {
      literals = null;
      break;
    }
  }
  const test =
    rest.length === 0
      ? (s: string) => exact.has(s)
      : rest.length === 1 && exact.size === 0
        ? rest[0]!.test
        : (s: string) => {
            if (exact.has(s)) return true;
            for (let i = 0; i < rest.length; i++) if (rest[i]!.test(s)) return true;
            return false;
          };
  return {
    sources: patterns,
    test,
    literals: literals === null ? null : prefixesOf(globs),
    which: (s: string) => globs.find((g) => g.test(s))?.source,
  };
}

/** First space-delimited word of each pattern's literal prefix (used to index command globs). */
function prefixesOf(globs: readonly Glob[]): ReadonlySet<string> | null {
  const words = new Set<string>();
  for (const g of globs) {
    const sp = g.prefix.indexOf(' ');
    // Without a space the first word itself may continue into the wildcard (`gi*`).
    if (sp < 0 && !g.literal) return null;
    words.add(sp < 0 ? g.prefix : g.prefix.slice(0, sp));
  }
  return words;
}
