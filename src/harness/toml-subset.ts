// A strict reader for the small part of TOML Bridle needs from a user's config: top-level
// `key = value` pairs whose value is a string, number or boolean. Everything else — tables,
// arrays, inline tables, dates, dotted keys, anything malformed — is skipped and reported, never
// guessed at: the result only feeds an allow-list of preferences, so dropping a value is always
// safe while misreading one (e.g. taking a line inside a multi-line string for a key) is not.
// No dependency: the project has no TOML parser and this needs only a fraction of one.

export type TomlScalar = string | number | boolean;

export interface TomlSkip {
  /** 1-based line of the construct skipped. */
  line: number;
  /** The top-level key it belonged to, when one could be read. */
  key?: string;
  reason: string;
}

export interface TomlSubset {
  /** Top-level scalar pairs, in file order. */
  values: Map<string, TomlScalar>;
  /** Everything the reader did not take, with why (keys inside tables are not listed). */
  skipped: TomlSkip[];
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;
const DECIMAL_INT = /^[+-]?(?:0|[1-9](?:_?[0-9])*)$/;
const DECIMAL_FLOAT = /^[+-]?(?:0|[1-9](?:_?[0-9])*)(?:\.[0-9](?:_?[0-9])*)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?$/;

class Skip extends Error {}

/** Reads the top-level scalar pairs of TOML `text`. Never throws. */
export function readTomlSubset(text: string): TomlSubset {
  const values = new Map<string, TomlScalar>();
  const skipped: TomlSkip[] = [];
  const duplicated = new Set<string>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let inTable = false;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (trimmed.startsWith('[')) {
      // A table header: every later pair belongs to a table, which this reader does not import.
      inTable = true;
      continue;
    }
    let key: string | undefined;
    try {
      const eq = findEquals(raw);
      if (eq < 0) throw new Skip('not a key = value line');
      key = readKey(raw.slice(0, eq).trim());
      const rest = raw.slice(eq + 1).trim();
      // Multi-line values must be stepped over as a whole, or their inner lines would be read
      // as pairs of their own.
      const end = multiLineEnd(lines, i, rest);
      if (end !== i) {
        i = end;
        throw new Skip('multi-line value');
      }
      if (inTable) continue;
      if (key.includes('.')) throw new Skip('dotted key (a table)');
      const value = readScalar(rest);
      if (values.has(key) || duplicated.has(key)) {
        // TOML forbids redefinition; trust neither definition.
        values.delete(key);
        duplicated.add(key);
        throw new Skip('key defined more than once');
      }
      values.set(key, value);
    } catch (err) {
      if (inTable && err instanceof Skip && err.message === 'multi-line value') continue;
      if (inTable && key !== undefined) continue;
      const reason = err instanceof Skip ? err.message : `unreadable (${err instanceof Error ? err.message : String(err)})`;
      skipped.push({ line: lineNo, ...(key !== undefined && !key.includes('.') ? { key } : {}), reason });
    }
  }
  return { values, skipped };
}

/** Index of the `=` separating key and value (outside any quoted key), or -1. */
function findEquals(line: string): number {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '=') return i;
    else if (c === '#') return -1;
  }
  return -1;
}

/** A bare, quoted or dotted key; dotted keys come back joined with `.` so callers can reject them. */
function readKey(text: string): string {
  if (text === '') throw new Skip('empty key');
  const parts: string[] = [];
  let rest = text;
  for (;;) {
    let part: string;
    if (rest.startsWith('"') || rest.startsWith("'")) {
      const { value, end } = readString(rest);
      part = value;
      rest = rest.slice(end).trimStart();
    } else {
      const m = /^[^.\s]+/.exec(rest);
      if (!m || !BARE_KEY.test(m[0])) throw new Skip('malformed key');
      part = m[0];
      rest = rest.slice(m[0].length).trimStart();
    }
    parts.push(part);
    if (rest === '') break;
    if (!rest.startsWith('.')) throw new Skip('malformed key');
    rest = rest.slice(1).trimStart();
  }
  return parts.length === 1 ? parts[0]! : parts.join('.');
}

/**
 * The last line of a value that starts on line `at`: itself unless the value opens a multi-line
 * string or an array / inline table whose brackets close on a later line.
 */
function multiLineEnd(lines: string[], at: number, value: string): number {
  for (const delim of ['"""', "'''"]) {
    if (!value.startsWith(delim)) continue;
    if (value.indexOf(delim, 3) >= 0) return at;
    for (let j = at + 1; j < lines.length; j++) if (lines[j]!.includes(delim)) return j;
    return lines.length - 1;
  }
  if (!value.startsWith('[') && !value.startsWith('{')) return at;
  let depth = 0;
  let quote: string | undefined;
  for (let j = at; j < lines.length; j++) {
    const text = j === at ? value : lines[j]!;
    for (let k = 0; k < text.length; k++) {
      const c = text[k]!;
      if (quote) {
        if (c === '\\' && quote === '"') k++;
        else if (c === quote) quote = undefined;
        continue;
      }
      if (c === '#') break;
      if (c === '"' || c === "'") quote = c;
      else if (c === '[' || c === '{') depth++;
      else if (c === ']' || c === '}') depth--;
    }
    quote = undefined; // single-line strings cannot span lines
    if (depth <= 0) return j;
  }
  return lines.length - 1;
}

function readScalar(text: string): TomlScalar {
  if (text === '') throw new Skip('missing value');
  if (text.startsWith('"""') || text.startsWith("'''")) throw new Skip('multi-line string');
  if (text.startsWith('"') || text.startsWith("'")) {
    const { value, end } = readString(text);
    expectEnd(text.slice(end));
    return value;
  }
  if (text.startsWith('[') || text.startsWith('{')) throw new Skip('array or inline table');
  const hash = text.indexOf('#');
  const token = (hash >= 0 ? text.slice(0, hash) : text).trim();
  if (token === 'true') return true;
  if (token === 'false') return false;
  if (DECIMAL_INT.test(token)) {
    const n = Number(token.replace(/_/g, ''));
    if (!Number.isSafeInteger(n)) throw new Skip('integer out of range');
    return n;
  }
  if (DECIMAL_FLOAT.test(token)) return Number(token.replace(/_/g, ''));
  throw new Skip('unsupported value (only strings, decimal numbers and booleans are read)');
}

/** Only whitespace and a comment may follow a value. */
function expectEnd(rest: string): void {
  const r = rest.trim();
  if (r !== '' && !r.startsWith('#')) throw new Skip('text after the value');
}

const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };

/** A one-line basic ("…") or literal ('…') string at the start of `text`. */
function readString(text: string): { value: string; end: number } {
  const quote = text[0]!;
  let out = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === quote) return { value: out, end: i + 1 };
    const code = c.charCodeAt(0);
    if ((code < 0x20 && c !== '\t') || code === 0x7f) throw new Skip('control character in string');
    if (c !== '\\' || quote === "'") {
      out += c;
      continue;
    }
    const e = text[++i];
    if (e === undefined) break;
    if (ESCAPES[e] !== undefined) {
      out += ESCAPES[e];
      continue;
    }
    const width = e === 'u' ? 4 : e === 'U' ? 8 : 0;
    const hex = text.slice(i + 1, i + 1 + width);
    if (width === 0 || !/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== width) throw new Skip('invalid escape in string');
    const point = parseInt(hex, 16);
    if (point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) throw new Skip('invalid escape in string');
    out += String.fromCodePoint(point);
    i += width;
  }
  throw new Skip('unterminated string');
}

/** A TOML basic string for `value` (escaping everything TOML requires, unlike JSON.stringify). */
export function tomlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
