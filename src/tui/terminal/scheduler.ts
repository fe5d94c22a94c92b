// Caps how often a frame is produced: any number of change notifications within one interval
// become one frame, rendered at the interval's end; the first change after a quiet spell renders
// at once (on the next tick) so typing echoes without waiting a whole interval. Clock and timers
// are injected so tests drive time by hand.

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export const DEFAULT_FPS = 30;

export class FrameScheduler {
  private readonly interval: number;
  private last = -Infinity;
  private timer: unknown = null;

  constructor(
    private readonly render: () => void,
    fps = DEFAULT_FPS,
    private readonly clock: Clock = systemClock,
  ) {
    this.interval = 1000 / fps;
  }

  /** Something changed; a frame will follow, no sooner than one interval after the last. */
  request(): void {
    if (this.timer !== null) return;
    const wait = Math.max(0, this.last + this.interval - this.clock.now());
    this.timer = this.clock.setTimeout(() => this.fire(), wait);
  }

  get pending(): boolean {
    return this.timer !== null;
  }

  dispose(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private fire(): void {
    this.timer = null;
    this.last = this.clock.now();
    this.render();
  }
}
