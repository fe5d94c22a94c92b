// A read-only view over a parsed YAML node that remembers where each value came from, so every
// problem the policy loader finds is reported as `file:line:col`. The same view wraps plain JS
// values (rules built in code, JSON state) with the position of their nearest YAML ancestor.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';
import type { Diagnostic } from '../util/diagnostic.js';

export interface Origin {
  file: string;
  lineCounter?: LineCounter;
  doc?: Document;
}

export interface Pos {
  line: number;
  col: number;
}

type YamlNode = Node | null | undefined;

export class Src {
  private cached: unknown;
  private resolved = false;

  private constructor(
    private readonly node: YamlNode,
    private readonly plain: unknown,
    readonly origin: Origin,
    private readonly fallback: Pos,
    private readonly keyNode: YamlNode,
    /** When set, this view of a map shows only these keys (seed-form rule parameters). */
    private readonly only?: ReadonlySet<string>,
  ) {}

  /** The same map, showing only `keys`. */
  pick(keys: readonly string[]): Src {
    return new Src(this.node, this.plain, this.origin, this.fallback, this.keyNode, new Set(keys));
  }

  static fromNode(node: unknown, origin: Origin): Src {
    const n = node as YamlNode;
    const pos = posOf(n, origin) ?? { line: 1, col: 1 };
    return new Src(n, undefined, origin, pos, undefined);
  }

  static fromValue(value: unknown, origin: Origin, pos: Pos = { line: 1, col: 1 }): Src {
    return new Src(undefined, value, origin, pos, undefined);
  }

  private get yaml(): Node | undefined {
    let n = this.node ?? undefined;
    if (n && isAlias(n) && this.origin.doc) n = n.resolve(this.origin.doc) ?? undefined;
    return n ?? undefined;
  }

  /** The plain JS value (scalars, arrays, objects). */
  get value(): unknown {
    if (!this.resolved) {
      const n = this.yaml;
      this.cached = n ? (isScalar(n) ? n.value : this.origin.doc ? n.toJS(this.origin.doc) : n.toJSON()) : this.plain;
      if (this.only && this.cached && typeof this.cached === 'object' && !Array.isArray(this.cached)) {
        this.cached = Object.fromEntries(Object.entries(this.cached).filter(([k]) => this.only!.has(k)));
      }
      this.resolved = true;
    }
    return this.cached;
  }

  get file(): string {
    return this.origin.file;
  }

  at(): Pos {
    return posOf(this.yaml, this.origin) ?? this.fallback;
  }

  /** Position of the key this value sits under (for "unknown key" errors). */
  keyAt(): Pos {
    return posOf(this.keyNode ?? undefined, this.origin) ?? this.at();
  }

  isMap(): boolean {
    const n = this.yaml;
    if (n) return isMap(n);
    const v = this.plain;
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  }

  isSeq(): boolean {
    const n = this.yaml;
    if (n) return isSeq(n);
    return Array.isArray(this.plain);
  }

  isScalar(): boolean {
    return !this.isMap() && !this.isSeq();
  }

  /** Map entries in source order. Non-string keys are stringified. */
  entries(): [string, Src][] {
    const all = this.allEntries();
    return this.only ? all.filter(([k]) => this.only!.has(k)) : all;
  }

  private allEntries(): [string, Src][] {
    const n = this.yaml;
    const here = this.at();
    if (n && isMap(n)) {
      const out: [string, Src][] = [];
      for (const pair of n.items) {
        if (!isPair(pair)) continue;
        const k = pair.key as YamlNode;
        const key = k && isScalar(k) ? String(k.value) : String(k);
        const v = pair.value as YamlNode;
        const keyPos = posOf(k, this.origin) ?? here;
        out.push([key, new Src(v ?? null, null, this.origin, v ? (posOf(v, this.origin) ?? keyPos) : keyPos, k)]);
      }
      return out;
    }
    const v = this.plain;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      return Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, new Src(undefined, x, this.origin, here, undefined)]);
    }
    return [];
  }

  get(key: string): Src | undefined {
    for (const [k, v] of this.entries()) if (k === key) return v;
    return undefined;
  }

  items(): Src[] {
    const n = this.yaml;
    if (n && isSeq(n)) {
      return n.items.map((item) => {
        const node = item as YamlNode;
        return new Src(node ?? null, null, this.origin, posOf(node, this.origin) ?? this.at(), undefined);
      });
    }
    const v = this.plain;
    if (Array.isArray(v)) return v.map((x) => new Src(undefined, x, this.origin, this.at(), undefined));
    return [];
  }

  /** A scalar or a list of scalars, as a list. */
  list(): Src[] {
    return this.isSeq() ? this.items() : [this];
  }
}

function posOf(n: YamlNode, origin: Origin): Pos | undefined {
  if (!n || !n.range || !origin.lineCounter) return undefined;
  return origin.lineCounter.linePos(n.range[0]);
}

/** Collects diagnostics for one load. */
export class Diags {
  readonly list: Diagnostic[] = [];
  error(src: Src, message: string, where: 'value' | 'key' = 'value'): void {
    const p = where === 'key' ? src.keyAt() : src.at();
    this.list.push({ file: src.file, line: p.line, col: p.col, message });
  }
  get count(): number {
    return this.list.length;
  }
}
