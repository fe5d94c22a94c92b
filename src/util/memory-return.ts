// Gives memory back to the OS after a burst of terminal output.
//
// Streaming output churns through short-lived buffers: socket and PTY reads, decoded strings,
// parser scratch. V8 frees them, glibc's malloc puts them on its free lists, and it returns pages
// to the OS only from the top of its heap: after four panes had streamed 50 MB each, the
// dashboard kept ~60 MB of freed heap resident for good. The native addon can ask the allocator
// to hand free pages back (malloc_trim). That walks the whole heap, a few milliseconds, so it
// runs only once output has gone quiet, never while a pane streams or a key waits for its echo.
//
// Most of those buffers are not yet free at that point: they are dead JavaScript objects whose
// memory V8 releases only when it next collects, and an idle process may not collect for a long
// time. So the dashboard runs one full collection first (~30 ms, once per burst, while quiet):
// measured with four panes that had streamed, the collection and the release together took the
// dashboard from 168 MB to 116 MB resident.
import v8 from 'node:v8';
import vm from 'node:vm';

export interface MemoryReturnOptions {
  /** Returns free memory to the OS; false when there was nothing to return or it is unsupported. */
  release: () => boolean;
  /** Collects garbage first, so the memory of dead buffers is free to return (see collectGarbage). */
  collect?: () => void;
  /** Output bytes since the last release that make another one worth its cost. */
  afterBytes?: number;
  /** How long output must have been quiet first. */
  quietMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

const DEFAULT_AFTER_BYTES = 4 * 1024 * 1024;
const DEFAULT_QUIET_MS = 1000;
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
  private churned = 0;
  private lastChurn = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly afterBytes: number;
  private readonly quietMs: number;
  private readonly now: () => number;
  /** Times a release ran (for the bench and tests). */
  releases = 0;

  constructor(private readonly opts: MemoryReturnOptions) {
    this.afterBytes = opts.afterBytes ?? DEFAULT_AFTER_BYTES;
    this.quietMs = opts.quietMs ?? DEFAULT_QUIET_MS;
    this.now = opts.now ?? Date.now;
  }

  /** Output passed through: `bytes` of it. Cheap; called for every chunk. */
  noteChurn(bytes: number): void {
    this.churned += bytes;
    this.lastChurn = this.now();
    if (this.churned >= this.afterBytes && !this.timer) this.schedule(this.quietMs);
  }

  /** Releases now if output has been quiet long enough; otherwise checks again later. */
  check(): void {
    this.timer = undefined;
    const quietFor = this.now() - this.lastChurn;
    if (quietFor < this.quietMs) {
      this.schedule(this.quietMs - quietFor);
      return;
    }
    this.churned = 0;
    this.releases++;
    if (!this.opts.collect) return this.release();
    bestEffort(this.opts.collect);
    // V8 frees the memory of the buffers it just found dead in a later task, not inside the
    // collection: released at once, it would still be in use.
    this.timer = setTimeout(() => this.release(), AFTER_COLLECT_MS);
    this.timer.unref?.();
  }

  private release(): void {
    this.timer = undefined;
    bestEffort(this.opts.release);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => this.check(), ms);
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
