// The recent output of an interactive session's PTY, kept in memory and bounded. Terminal
// output is not an event: a TUI redraws constantly, and storing every byte in the append-only log
// would grow it without bound for no reader's benefit. A client that attaches gets these bytes
// replayed into its terminal emulator, which rebuilds the screen, then follows the live stream.
// Lost on a daemon restart, like the PTY itself.

/** Default bound: enough for a full-screen TUI's recent redraws plus some scrollback. */
const DEFAULT_PTY_BUFFER_BYTES = 1024 * 1024;

export class PtyBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Bytes ever written; lets a client tell how much it missed. */
  private total = 0;

  constructor(private readonly limit = DEFAULT_PTY_BUFFER_BYTES) {}

  append(data: Buffer): void {
    if (data.length === 0) return;
    this.chunks.push(data);
    this.size += data.length;
    this.total += data.length;
    while (this.size > this.limit && this.chunks.length > 0) {
      const first = this.chunks[0]!;
      const excess = this.size - this.limit;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
      }
    }
  }

  /**
   * The kept bytes. When the start was cut off it begins after the first line feed (or, failing
   * that, at the first escape), so replay does not open in the middle of an escape sequence or
   * UTF-8 character.
   */
  snapshot(): Buffer {
    const all = Buffer.concat(this.chunks, this.size);
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
}
