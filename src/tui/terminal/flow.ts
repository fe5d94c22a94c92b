// Per-pane flow control: counts bytes handed to the terminal parser and not yet parsed. Above the
// high-water mark the source is paused (the PTY stops being read, so the agent's writes block in
// the kernel instead of piling up in our memory); once the backlog drops below the low-water
// mark it is resumed. Hysteresis keeps it from flapping on every chunk.

export interface FlowOptions {
  high: number;
  low: number;
  pause: () => void;
  resume: () => void;
}

export class FlowController {
  private pendingBytes = 0;
  private paused = false;

  constructor(private readonly options: FlowOptions) {
    if (!(options.low < options.high)) throw new Error('flow control: low water mark must be below the high one');
  }

  get pending(): number {
    return this.pendingBytes;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Bytes were queued for parsing. */
  queued(bytes: number): void {
    this.pendingBytes += bytes;
    if (!this.paused && this.pendingBytes > this.options.high) {
      this.paused = true;
      this.options.pause();
    }
  }

  /** Bytes finished parsing. */
  parsed(bytes: number): void {
    this.pendingBytes = Math.max(0, this.pendingBytes - bytes);
    if (this.paused && this.pendingBytes < this.options.low) {
      this.paused = false;
      this.options.resume();
    }
  }
}
