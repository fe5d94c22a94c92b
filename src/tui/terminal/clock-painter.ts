// Draws the session list's elapsed times straight to the terminal, once a second. The list itself
// is drawn by Ink, but an Ink render lays out and styles the whole screen — about 25 ms of the one
// thread here for a 200x60 terminal — and re-rendering every second only to advance the clocks
// held keys and their echoes behind it once a second. The elapsed field has a fixed place in each
// row (`ELAPSED_X`, `ELAPSED_WIDTH`), so only those cells are rewritten; Ink renders again only
// when something else changes, and after each of its frames the clocks are drawn again (`paint`),
// so a frame built a moment earlier never shows an older time.
import { formatElapsed } from '../format.js';
import { SYNC_BEGIN, SYNC_END } from './painter.js';

/** Column of the elapsed field in a session-list row (after the two-cell focus marker). */
export const ELAPSED_X = 2;
/** Cells of the elapsed field: the widest `formatElapsed` value below 100 hours is 6. */
export const ELAPSED_WIDTH = 6;

export interface ClockRow {
  /** Screen row, 0-based. */
  y: number;
  /** Epoch ms the clock counts from. */
  since: number;
  /** The row is drawn inverse (the focused pane's session). */
  inverse: boolean;
}

export class ClockPainter {
  private rows: readonly ClockRow[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly write: (bytes: string) => void,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The live sessions' rows on screen now (none under an overlay). */
  setRows(rows: readonly ClockRow[]): void {
    this.rows = rows;
    if (rows.length > 0 && this.timer === null) this.schedule();
  }

  /** The elapsed fields of every row, as of now. */
  paint(): string {
    const now = this.clock();
    let out = '';
    for (const r of this.rows) {
      const text = formatElapsed(now - r.since).padEnd(ELAPSED_WIDTH).slice(0, ELAPSED_WIDTH);
      out += `\x1b[${r.y + 1};${ELAPSED_X + 1}H\x1b[0${r.inverse ? ';7' : ''}m${text}\x1b[0m`;
    }
    return out;
  }

  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.rows = [];
  }

  /** Next tick just after the next whole second, so the clocks change together. */
  private schedule(): void {
    const wait = 1000 - (this.clock() % 1000) + 5;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.rows.length === 0) return;
      this.write(`${SYNC_BEGIN}${this.paint()}${SYNC_END}`);
      this.schedule();
    }, wait);
    this.timer.unref?.();
  }
}
