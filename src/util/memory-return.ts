// Gives memory back to the OS after a burst of terminal output.
//
// Streaming output churns through short-lived buffers: socket and PTY reads, decoded strings,
// parser scratch. V8 frees them, glibc's malloc puts them on its free lists, and it returns pages
// to the OS only from the top of its heap: after four panes had streamed 50 MB each, the
// dashboard kept ~60 MB of freed heap resident for good. The native addon can ask the allocator
// to hand free pages back (malloc_trim). That walks the whole heap, a few milliseconds, so it
// runs only once output has gone quiet, never while a pane streams or a key waits for its echo.
// "Quiet" is a rate, not silence: an agent's TUI redraws a spinner all the time it works.
//
// Two stages, because what is free depends on V8:
//   1. one second after a burst: return what is free now (cheap, no effect on V8);
//   2. after 30 s of quiet: one full garbage collection first, then return again. Most burst
//      buffers are dead JavaScript objects whose memory V8 frees only when it next collects, and
//      an idle process may not collect for minutes. Measured with four panes that had streamed,
//      the collection and the release took the dashboard from 168 MB to 116 MB resident. Not
//      sooner: a forced collection also resets V8's heap limits, and the next seconds of
//      streaming then collected more often — keystroke echo p99 went from ~15 ms to ~40 ms when
//      it ran one second after each burst.
import v8 from 'node:v8';
import vm from 'node:vm';

export interface MemoryReturnOptions {
  /** Returns free memory to the OS; false when there was nothing to return or it is unsupported. */
  release: () => boolean;
  /** A full garbage collection, run before the second stage's release (see collectGarbage). */
  collect?: () => void;
  /** Output bytes that make a burst, worth a release. */
  afterBytes?: number;
  /** The window in which output is measured. */
  windowMs?: number;
  /** Fewer bytes than this in a window is quiet. */
  quietBytes?: number;
  /** Quiet time before the second stage (collection and release). */
  collectAfterMs?: number;
}

const DEFAULT_AFTER_BYTES = 4 * 1024 * 1024;
const DEFAULT_WINDOW_MS = 1000;
const DEFAULT_QUIET_BYTES = 64 * 1024;
const DEFAULT_COLLECT_AFTER_MS = 30_000;
/** V8 frees the memory of buffers it found dead in a later task, not inside the collection. */
const AFTER_COLLECT_MS = 50;

/** Memory returning is best effort: a failure keeps the memory in the process and affects nothing else. */
function bestEffort(step: () => unknown): void {
  try {
    step();
  } catch {
    // see above
  }
}

export class MemoryReturn {
  /** Bytes since the last release. */
  private churned = 0;
  /** Bytes in the current window. */
  private recent = 0;
  private quietWindows = 0;
  /** A burst was released in stage 1 and stage 2 has not run since. */
  private collectPending = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly afterBytes: number;
  private readonly windowMs: number;
  private readonly quietBytes: number;
  private readonly collectAfterWindows: number;

  constructor(private readonly opts: MemoryReturnOptions) {
    this.afterBytes = opts.afterBytes ?? DEFAULT_AFTER_BYTES;
    this.windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
    this.quietBytes = opts.quietBytes ?? DEFAULT_QUIET_BYTES;
    this.collectAfterWindows = Math.max(1, Math.ceil((opts.collectAfterMs ?? DEFAULT_COLLECT_AFTER_MS) / this.windowMs));
  }

  /** Output passed through: `bytes` of it. Cheap; called for every chunk. */
  noteChurn(bytes: number): void {
    this.churned += bytes;
    this.recent += bytes;
    if (this.churned >= this.afterBytes && !this.timer) this.schedule();
  }

  /** Ends a window: releases when a burst has gone quiet, collects and releases after long quiet. */
  check(): void {
    this.timer = undefined;
    const quiet = this.recent < this.quietBytes;
    this.recent = 0;
    this.quietWindows = quiet ? this.quietWindows + 1 : 0;
    if (this.churned >= this.afterBytes) {
      if (!quiet) return this.schedule();
      this.churned = 0;
      bestEffort(this.opts.release);
      this.collectPending = this.opts.collect !== undefined;
    }
    if (!this.collectPending) return;
    if (this.quietWindows < this.collectAfterWindows) return this.schedule();
    this.collectPending = false;
    bestEffort(this.opts.collect!);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      bestEffort(this.opts.release);
    }, AFTER_COLLECT_MS);
    this.timer.unref?.();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.check(), this.windowMs);
    // Never keeps the process alive on its own.
    this.timer.unref?.();
  }
}

/** V8's collector once fetched; null until the first call, undefined when it cannot be had. */
let gc: (() => unknown) | undefined | null = null;

/**
 * Runs a full V8 garbage collection (a no-op where none can be had). Node offers no API for it;
 * the `--expose-gc` flag set at run time gives every context created afterwards a `gc` global, so
 * one small context is made, on first use, to fetch it; it stays for the life of the process.
 */
export function collectGarbage(): void {
  if (gc === null) {
    try {
      v8.setFlagsFromString('--expose-gc');
      const found: unknown = vm.runInNewContext('gc');
      gc = typeof found === 'function' ? (found as () => unknown) : undefined;
    } catch {
      gc = undefined;
    }
  }
  gc?.();
}

let installed: MemoryReturn | undefined;

/** Makes `noteOutputChurn` effective in this process (the daemon and the dashboard install one). */
export function installMemoryReturn(opts: MemoryReturnOptions): MemoryReturn {
  installed?.dispose();
  installed = new MemoryReturn(opts);
  return installed;
}

/** Output bytes went through this process; a no-op until a MemoryReturn is installed. */
export function noteOutputChurn(bytes: number): void {
  installed?.noteChurn(bytes);
}
