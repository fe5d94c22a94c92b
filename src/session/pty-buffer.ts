// The recent output of an interactive session's PTY, kept in memory and bounded. Terminal
// output is not an event: a TUI redraws constantly, and storing every byte in the append-only log
// would grow it without bound for no reader's benefit. A client that attaches gets these bytes
// replayed into its terminal emulator, which rebuilds the screen, then follows the live stream.
// Lost on a daemon restart, like the PTY itself.
//
// The bytes are copied into one ring buffer per session rather than kept as the PTY's read
// buffers: each kept read pinned its whole allocation, and a streaming session churned thousands
// of them through the allocator, which did not give the memory back (the daemon's RSS grew by
// about 25 MB after four sessions had streamed, and stayed there).

/** Default bound: enough for a full-screen TUI's recent redraws plus some scrollback. */
const DEFAULT_PTY_BUFFER_BYTES = 1024 * 1024;
/** First ring size: a quiet session never needs the whole bound. */
const INITIAL_BYTES = 16 * 1024;

export class PtyBuffer {
  private ring: Buffer;
  /** Index of the oldest kept byte. */
  private start = 0;
  private size = 0;
  /** Bytes ever written; lets a client tell how much it missed. */
  private total = 0;

  constructor(private readonly limit = DEFAULT_PTY_BUFFER_BYTES) {
    this.ring = Buffer.allocUnsafe(Math.min(limit, INITIAL_BYTES));
  }

  append(data: Buffer): void {
    if (data.length === 0) return;
    this.total += data.length;
    if (data.length >= this.limit) {
      // Only the newest `limit` bytes of it can stay.
      this.grow(this.limit);
      data.copy(this.ring, 0, data.length - this.limit);
      this.start = 0;
      this.size = this.limit;
      return;
    }
    if (this.size + data.length > this.ring.length && this.ring.length < this.limit) this.grow(Math.min(this.limit, Math.max(this.ring.length * 2, this.size + data.length)));
    const cap = this.ring.length;
    // Drop the oldest bytes that no longer fit.
    const overflow = Math.max(0, this.size + data.length - cap);
    this.start = (this.start + overflow) % cap;
    this.size -= overflow;
    const end = (this.start + this.size) % cap;
    const first = Math.min(data.length, cap - end);
    data.copy(this.ring, end, 0, first);
    if (first < data.length) data.copy(this.ring, 0, first);
    this.size += data.length;
  }

  /**
   * The kept bytes. When the start was cut off it begins after the first line feed (or, failing
   * that, at the first escape), so replay does not open in the middle of an escape sequence or
   * UTF-8 character.
   */
  snapshot(): Buffer {
    const all = this.contents();
    if (this.total === this.size) return all;
    const lf = all.indexOf(0x0a);
    if (lf >= 0 && lf < all.length - 1) return all.subarray(lf + 1);
    const esc = all.indexOf(0x1b);
    return esc >= 0 ? all.subarray(esc) : all;
  }

  /** Bytes written since the PTY started. */
  get written(): number {
    return this.total;
  }

  /** The kept bytes in order, as a new buffer. */
  private contents(): Buffer {
    const out = Buffer.allocUnsafe(this.size);
    const first = Math.min(this.size, this.ring.length - this.start);
    this.ring.copy(out, 0, this.start, this.start + first);
    if (first < this.size) this.ring.copy(out, first, 0, this.size - first);
    return out;
  }

  /** A larger ring holding the same bytes, oldest first. */
  private grow(capacity: number): void {
    if (capacity <= this.ring.length) return;
    const kept = this.contents();
    this.ring = Buffer.allocUnsafe(capacity);
    kept.copy(this.ring, 0);
    this.start = 0;
  }
}
