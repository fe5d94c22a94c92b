// Per-session policy state: flags set by `effects`, which `when.after` observers have fired,
// `every:` buckets, rate windows, spawn count and files the agent created. It changes only when an
// action proceeds (allowed, warned, redacted, or an ask approved), never on a decision alone, and
// round-trips through JSON so the daemon can persist it with the session.
import type { Scalar, StateWriter } from './condition.js';

export interface StateSnapshot {
  flags?: Record<string, Scalar>;
  /** Observer id → times seen. Observer ids are `<rule name>:after` / `<rule name>:not_after` (`#N` for lists). */
  after?: Record<string, number>;
  every?: Record<string, number>;
  rate?: Record<string, number[]>;
  spawns?: number;
  created?: string[];
}

const SNAPSHOT_KEYS = ['flags', 'after', 'every', 'rate', 'spawns', 'created'];

/** Bound on remembered rate timestamps per key: windows longer than this just saturate. */
const MAX_RATE_ENTRIES = 10_000;

export class SessionState implements StateWriter {
  private readonly flags = new Map<string, Scalar>();
  private readonly seenCounts = new Map<string, number>();
  private readonly buckets = new Map<string, number>();
  private readonly rates = new Map<string, number[]>();
  private readonly createdPaths = new Set<string>();
  spawns = 0;

  flag(name: string): Scalar | undefined {
    return this.flags.get(name);
  }
  seen(id: string): number {
    return this.seenCounts.get(id) ?? 0;
  }
  bucket(key: string): number {
    return this.buckets.get(key) ?? 0;
  }
  rateCount(key: string, since: number): number {
    const list = this.rates.get(key);
    if (!list) return 0;
    // timestamps are appended in order: count from the end
    let n = 0;
    for (let i = list.length - 1; i >= 0 && list[i]! >= since; i--) n++;
    return n;
  }
  isCreated(path: string): boolean {
    return this.createdPaths.has(path);
  }

  setFlag(name: string, value: Scalar): void {
    this.flags.set(name, value);
  }
  clearFlag(name: string): void {
    this.flags.delete(name);
  }
  markSeen(id: string): void {
    this.seenCounts.set(id, this.seen(id) + 1);
  }
  setBucket(key: string, bucket: number): void {
    if (bucket > this.bucket(key)) this.buckets.set(key, bucket);
  }
  pushRate(key: string, ts: number, window: number): void {
    let list = this.rates.get(key);
    if (!list) this.rates.set(key, (list = []));
    // keep order even if a caller's clock steps back
    const last = list[list.length - 1];
    list.push(last !== undefined && ts < last ? last : ts);
    let drop = 0;
    while (drop < list.length && list[drop]! < ts - window) drop++;
    if (list.length - drop > MAX_RATE_ENTRIES) drop = list.length - MAX_RATE_ENTRIES;
    if (drop > 0) list.splice(0, drop);
  }
  addSpawn(): void {
    this.spawns++;
  }
  addCreated(path: string): void {
    this.createdPaths.add(path);
  }

  snapshot(): StateSnapshot {
    const out: StateSnapshot = {};
    if (this.flags.size) out.flags = Object.fromEntries(this.flags);
    if (this.seenCounts.size) out.after = Object.fromEntries(this.seenCounts);
    if (this.buckets.size) out.every = Object.fromEntries(this.buckets);
    if (this.rates.size) out.rate = Object.fromEntries([...this.rates].map(([k, v]) => [k, [...v]]));
    if (this.spawns) out.spawns = this.spawns;
    if (this.createdPaths.size) out.created = [...this.createdPaths];
    return out;
  }

  /** Restore from a snapshot; throws with a message naming the bad field. */
  static from(snapshot: unknown): SessionState {
    const st = new SessionState();
    if (snapshot === undefined || snapshot === null) return st;
    if (typeof snapshot !== 'object' || Array.isArray(snapshot)) throw new Error('state: expected an object');
    const s = snapshot as Record<string, unknown>;
    for (const k of Object.keys(s)) if (!SNAPSHOT_KEYS.includes(k)) throw new Error(`state: unknown key \`${k}\` (expected ${SNAPSHOT_KEYS.join(', ')})`);
    const record = (k: string): Record<string, unknown> => {
      const v = s[k];
      if (v === undefined) return {};
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`state.${k}: expected an object`);
      return v as Record<string, unknown>;
    };
    for (const [k, v] of Object.entries(record('flags'))) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new Error(`state.flags.${k}: expected a string, number or boolean`);
      st.flags.set(k, v);
    }
    for (const [k, v] of Object.entries(record('after'))) {
      const n = v === true ? 1 : v === false ? 0 : v;
      if (typeof n !== 'number' || n < 0) throw new Error(`state.after.${k}: expected a count or true`);
      if (n > 0) st.seenCounts.set(k, n);
    }
    for (const [k, v] of Object.entries(record('every'))) {
      if (typeof v !== 'number') throw new Error(`state.every.${k}: expected a number`);
      st.buckets.set(k, v);
    }
    for (const [k, v] of Object.entries(record('rate'))) {
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) throw new Error(`state.rate.${k}: expected a list of timestamps`);
      st.rates.set(k, [...(v as number[])].sort((a, b) => a - b));
    }
    if (s.spawns !== undefined) {
      if (typeof s.spawns !== 'number' || s.spawns < 0) throw new Error('state.spawns: expected a non-negative number');
      st.spawns = s.spawns;
    }
    if (s.created !== undefined) {
      if (!Array.isArray(s.created) || s.created.some((x) => typeof x !== 'string')) throw new Error('state.created: expected a list of paths');
      for (const p of s.created as string[]) st.createdPaths.add(p);
    }
    return st;
  }
}
