// Typed reads of YAML nodes that report what is wrong and where, instead of throwing: the
// validator keeps going so a user sees every problem in a file in one run.
import { isMap, isNode, isScalar, isSeq, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { suggestion, type Diagnostic } from '../util/diagnostic.js';
import type { Locatable, YamlSource } from '../util/yaml-source.js';

/** Where problems go. Shared by every file a load touches (a spec and its sub-agent files). */
export interface Sink {
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

/** One file being read: its source plus the shared sink. */
export class Reader {
  constructor(
    readonly source: YamlSource,
    readonly sink: Sink,
  ) {}

  error(at: Locatable, message: string): void {
    this.sink.errors.push(this.source.diagnostic(at, message));
  }

  /** A problem that does not make the file invalid; printers prefix it with `warning:`. */
  warn(at: Locatable, message: string): void {
    this.sink.warnings.push(this.source.diagnostic(at, message));
  }
}

/** A key of a mapping with its value; `path` is the dotted location used in messages. */
export interface Field {
  key: string;
  /** Where the key is (for a list item: the item itself); used when the value is missing. */
  keyAt: Locatable;
  /** The value with aliases resolved; null when the key has no value at all. */
  value: Node | null;
  path: string;
}

/** Where to point for a field's value: the value itself, or the key when the value is empty. */
export function valueAt(field: Field): Locatable {
  const v = field.value;
  if (!v || (isScalar(v) && v.value === null && !v.source)) return field.keyAt;
  return v;
}

export function describe(node: Node | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'null';
    if (typeof v === 'string') return 'a string';
    if (typeof v === 'number' || typeof v === 'bigint') return 'a number';
    if (typeof v === 'boolean') return 'a boolean';
  }
  return 'an unsupported value';
}

function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/**
 * Reads a mapping's keys, reporting non-string and unknown keys (with a did-you-mean).
 * Returns the known fields by name; unknown ones are reported and dropped.
 */
export function readFields(r: Reader, map: YAMLMap, parentPath: string, allowed: readonly string[]): Map<string, Field> {
  const fields = new Map<string, Field>();
  for (const pair of map.items) {
    const keyNode = r.source.resolve(pair.key);
    if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
      r.error(pair, `keys must be plain names${parentPath ? ` in \`${parentPath}\`` : ''}, got ${describe(keyNode)}`);
      continue;
    }
    const key = keyNode.value;
    if (!allowed.includes(key)) {
      const where = parentPath ? ` in \`${parentPath}\`` : '';
      r.error(pair, `unknown key \`${key}\`${where}; ${suggestion(key, allowed)}`);
      continue;
    }
    // Duplicate keys are already a YAML error; keep the first so later checks see one value.
    if (!fields.has(key)) {
      fields.set(key, { key, keyAt: pair, value: r.source.resolve(pair.value), path: joinPath(parentPath, key) });
    }
  }
  return fields;
}

export function asMap(r: Reader, field: Field): YAMLMap | undefined {
  if (isMap(field.value)) return field.value;
  r.error(valueAt(field), `\`${field.path}\` must be a mapping, got ${describe(field.value)}`);
  return undefined;
}

export function asSeq(r: Reader, field: Field): YAMLSeq | undefined {
  if (isSeq(field.value)) return field.value;
  r.error(valueAt(field), `\`${field.path}\` must be a list, got ${describe(field.value)}`);
  return undefined;
}

/** A non-empty string, or undefined after reporting why not. */
export function asString(r: Reader, field: Field): string | undefined {
  const v = field.value;
  if (isScalar(v) && typeof v.value === 'string') {
    if (v.value.trim() === '') {
      r.error(valueAt(field), `\`${field.path}\` must not be empty`);
      return undefined;
    }
    return v.value;
  }
  if (v === null || (isScalar(v) && v.value === null)) {
    r.error(valueAt(field), `\`${field.path}\` must not be empty`);
    return undefined;
  }
  r.error(valueAt(field), `\`${field.path}\` must be a string, got ${describe(v)}`);
  return undefined;
}

export function asBoolean(r: Reader, field: Field): boolean | undefined {
  const v = field.value;
  if (isScalar(v) && typeof v.value === 'boolean') return v.value;
  r.error(valueAt(field), `\`${field.path}\` must be true or false, got ${describe(v)}`);
  return undefined;
}

/** Each item of a list as a field named `path[i]`, aliases resolved. */
export function items(r: Reader, seq: YAMLSeq, path: string): Field[] {
  return seq.items.map((item, i) => {
    const keyAt = isNode(item) ? item : seq;
    return { key: String(i), keyAt, value: r.source.resolve(item), path: joinPath(path, i) };
  });
}

/** A list of non-empty strings; bad items are reported and skipped. */
export function asStringList(r: Reader, field: Field): Array<{ value: string; field: Field }> | undefined {
  const seq = asSeq(r, field);
  if (!seq) return undefined;
  const out: Array<{ value: string; field: Field }> = [];
  for (const item of items(r, seq, field.path)) {
    const value = asString(r, item);
    if (value !== undefined) out.push({ value, field: item });
  }
  return out;
}

/** One of a fixed set of words; reports a did-you-mean (or the valid list) otherwise. */
export function asEnum<T extends string>(r: Reader, field: Field, values: readonly T[], what: string): T | undefined {
  const s = asString(r, field);
  if (s === undefined) return undefined;
  if ((values as readonly string[]).includes(s)) return s as T;
  r.error(valueAt(field), `invalid ${what} \`${s}\`; ${suggestion(s, values)}`);
  return undefined;
}
