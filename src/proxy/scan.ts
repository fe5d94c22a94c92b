// Streaming byte-pattern search and replacement that work across chunk boundaries. Used to catch
// placeholders in request bodies (exfiltration) and to redact secrets from responses on their way
// back to the agent, without buffering whole bodies.
import { Transform, type TransformCallback } from 'node:stream';

/** Finds the first pattern in `buf` at or after `from`: [index, pattern index] or null. */
function firstMatch(buf: Buffer, patterns: readonly Buffer[], from: number): [number, number] | null {
  let best: [number, number] | null = null;
  for (let i = 0; i < patterns.length; i++) {
    const at = buf.indexOf(patterns[i]!, from);
    if (at >= 0 && (best === null || at < best[0])) best = [at, i];
  }
  return best;
}

export class PatternFound extends Error {
  constructor(readonly pattern: Buffer) {
    super('pattern found in stream');
  }
}

/**
 * Passes bytes through unchanged and fails with PatternFound the moment any pattern is complete.
 * The chunk that completes a pattern is never passed on, so the full pattern never leaves.
 */
export class PatternDetector extends Transform {
  private tail = Buffer.alloc(0);
  private readonly maxLen: number;

  constructor(private readonly patterns: readonly Buffer[]) {
    super();
    this.maxLen = patterns.reduce((m, p) => Math.max(m, p.length), 0);
  }

  /** Checks a buffer that is not part of the stream (e.g. a prefix read ahead). */
  static find(buf: Buffer, patterns: readonly Buffer[]): Buffer | null {
    const m = firstMatch(buf, patterns, 0);
    return m ? patterns[m[1]]! : null;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.maxLen === 0) return cb(null, chunk);
    // A pattern either lies inside this chunk or straddles the boundary, in which case it starts in
    // the tail and ends within this chunk's first maxLen-1 bytes: only that small seam is copied.
    const seam = this.tail.length ? Buffer.concat([this.tail, chunk.subarray(0, this.maxLen - 1)]) : null;
    const m = (seam && firstMatch(seam, this.patterns, 0)) || firstMatch(chunk, this.patterns, 0);
    if (m) return cb(new PatternFound(this.patterns[m[1]]!));
    const keep = this.maxLen - 1;
    if (chunk.length >= keep) this.tail = Buffer.from(chunk.subarray(chunk.length - keep));
    else {
      const joined = Buffer.concat([this.tail, chunk]);
      this.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - keep)));
    }
    cb(null, chunk);
  }
}

/**
 * The prepared, immutable side of a Redactor: distinct patterns, their replacements and the table
 * of first bytes. Built once and shared by every response with the same secrets and echoes, so a
 * request pays no set-up per response.
 */
export class RedactionSet {
  readonly from: Buffer[] = [];
  readonly to: Buffer[] = [];
  readonly maxLen: number;
  /** firstByte[b] = 1 when some pattern starts with byte b: suffix holding checks only those. */
  readonly firstByte = new Uint8Array(256);

  constructor(from: readonly Buffer[], to: readonly Buffer[]) {
    const seen = new Set<string>();
    from.forEach((f, i) => {
      const key = f.toString('latin1');
      if (f.length === 0 || seen.has(key)) return;
      seen.add(key);
      this.from.push(f);
      this.to.push(to[i]!);
      this.firstByte[f[0]!] = 1;
    });
    this.maxLen = this.from.reduce((m, p) => Math.max(m, p.length), 0);
  }
}

/**
 * Replaces each `from[i]` with `to[i]` across chunk boundaries, as a plain object rather than a
 * stream so the response relay can call it inline (no Transform layer, no per-chunk callbacks).
 * Only bytes that could still be the start of a pattern are held back, so a stream of SSE events
 * (which end in "\n\n") flows through with no added delay. Duplicate patterns are dropped (a
 * swapped `x-api-key` echo is the secret itself), so each chunk is searched once per distinct value.
 */
export class Redactor {
  private held: Buffer | null = null;
  private readonly from: Buffer[];
  private readonly to: Buffer[];
  private readonly maxLen: number;
  private readonly firstByte: Uint8Array;
  /** Scratch: each pattern's next match position in the current chunk (-1 = none). */
  private readonly next: Float64Array;

  constructor(from: readonly Buffer[] | RedactionSet, to: readonly Buffer[] = []) {
    const set = from instanceof RedactionSet ? from : new RedactionSet(from, to);
    this.from = set.from;
    this.to = set.to;
    this.maxLen = set.maxLen;
    this.firstByte = set.firstByte;
    this.next = new Float64Array(set.from.length);
  }

  /** The bytes that may go on now (possibly empty); the rest waits for the next chunk or end(). */
  push(chunk: Buffer): Buffer {
    if (this.maxLen === 0) return chunk;
    const held = this.held;
    const buf = held ? Buffer.concat([held, chunk]) : chunk;
    this.held = null;
    const { from, to, next } = this;
    const n = from.length;
    // Each pattern's next occurrence is searched once and reused until the cursor passes it, so a
    // chunk is scanned once per pattern however many matches it has.
    for (let i = 0; i < n; i++) next[i] = buf.indexOf(from[i]!);
    let parts: Buffer[] | null = null;
    let pos = 0;
    for (;;) {
      let at = -1;
      let which = -1;
      for (let i = 0; i < n; i++) {
        const a = next[i]!;
        if (a >= 0 && (at < 0 || a < at)) {
          at = a;
          which = i;
        }
      }
      if (at < 0) break;
      parts ??= [];
      parts.push(buf.subarray(pos, at), to[which]!);
      pos = at + from[which]!.length;
      for (let i = 0; i < n; i++) if (next[i]! >= 0 && next[i]! < pos) next[i] = buf.indexOf(from[i]!, pos);
    }
    const hold = this.suffixToHold(buf, pos);
    if (hold > 0) this.held = Buffer.from(buf.subarray(buf.length - hold));
    const rest = pos === 0 && hold === 0 ? buf : buf.subarray(pos, buf.length - hold);
    if (!parts) return rest;
    parts.push(rest);
    return Buffer.concat(parts);
  }

  /** Whatever was held back, at the end of the stream. */
  end(): Buffer {
    const h = this.held;
    this.held = null;
    return h ?? Buffer.alloc(0);
  }

  /** Length of the longest suffix of buf[from..] that is a proper prefix of some pattern. */
  private suffixToHold(buf: Buffer, from: number): number {
    const limit = Math.min(this.maxLen - 1, buf.length - from);
    for (let k = limit; k > 0; k--) {
      const start = buf.length - k;
      if (this.firstByte[buf[start]!] === 0) continue;
      for (const p of this.from) {
        if (p.length > k && buf.compare(p, 0, k, start, buf.length) === 0) return k;
      }
    }
    return 0;
  }
}
