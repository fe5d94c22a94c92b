// Streaming byte-pattern search and replacement that work across chunk boundaries. Used to catch
// placeholders in request bodies (exfiltration) and to redact secrets from responses on their way
// back to the agent, without buffering whole bodies.
import { Transform, type TransformCallback } from 'node:stream';

/** Longest suffix of `buf` that is a proper prefix of some pattern (bytes that must wait for more). */
export function partialSuffixLength(buf: Buffer, patterns: readonly Buffer[], maxLen: number): number {
  const limit = Math.min(maxLen - 1, buf.length);
  for (let k = limit; k > 0; k--) {
    const start = buf.length - k;
    const first = buf[start];
    for (const p of patterns) {
      if (p.length > k && p[0] === first && buf.compare(p, 0, k, start, buf.length) === 0) return k;
    }
  }
  return 0;
}

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
    const window = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    const m = firstMatch(window, this.patterns, 0);
    if (m) return cb(new PatternFound(this.patterns[m[1]]!));
    const keep = Math.min(this.maxLen - 1, window.length);
    this.tail = Buffer.from(window.subarray(window.length - keep));
    cb(null, chunk);
  }
}

/**
 * Replaces each `from[i]` with `to[i]` across chunk boundaries. Only bytes that could still be the
 * start of a pattern are held back, so a stream of SSE events (which end in "\n\n") flows through
 * with no added delay.
 */
export class StreamReplacer extends Transform {
  private held = Buffer.alloc(0);
  private readonly maxLen: number;

  constructor(
    private readonly from: readonly Buffer[],
    private readonly to: readonly Buffer[],
  ) {
    super();
    this.maxLen = from.reduce((m, p) => Math.max(m, p.length), 0);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.maxLen === 0) return cb(null, chunk);
    let buf = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    const parts: Buffer[] = [];
    let pos = 0;
    for (let m = firstMatch(buf, this.from, 0); m; m = firstMatch(buf, this.from, pos)) {
      parts.push(buf.subarray(pos, m[0]), this.to[m[1]]!);
      pos = m[0] + this.from[m[1]]!.length;
    }
    buf = buf.subarray(pos);
    const hold = partialSuffixLength(buf, this.from, this.maxLen);
    parts.push(buf.subarray(0, buf.length - hold));
    this.held = Buffer.from(buf.subarray(buf.length - hold));
    const out = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    cb(null, out.length ? out : undefined);
  }

  override _flush(cb: TransformCallback): void {
    cb(null, this.held.length ? this.held : undefined);
  }
}

/**
 * Joins the chunks that arrive within one tick into one. A TLS read yields one small chunk per
 * record, and every later stage pays per chunk; batching per tick cuts that without holding any
 * byte past the current tick (so streaming stays unbuffered).
 */
export class TickBatcher extends Transform {
  private pending: Buffer[] = [];
  private scheduled = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.pending.push(chunk);
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(() => this.release());
    }
    cb();
  }

  override _flush(cb: TransformCallback): void {
    this.release();
    cb();
  }

  private release(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const out = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.push(out);
  }
}
