// Turns Ink's full-screen frames into writes of the lines that changed. Ink, once its output
// fills the terminal, clears the screen and writes every line again on every render, even when
// nothing changed — for a dashboard whose chrome changes once a second (elapsed times) that was a
// whole-screen write plus a repaint of every pane, a few milliseconds of one thread that keys and
// echoes wait behind. Here a frame is compared with the previous one line by line: only changed
// lines are written (each from column 1, the rest of the row erased), and the caller repaints the
// panes on exactly those screen rows.

/** What Ink writes before a full-screen frame (ansi-escapes' clearTerminal). */
const CLEAR_TERMINAL = '\x1b[2J\x1b[3J\x1b[H';

export interface InkFrameUpdate {
  /** Bytes to write for this frame. */
  bytes: string;
  /** Screen rows (0-based) the bytes drew over, or `all` when the whole screen was redrawn. */
  rows: ReadonlySet<number> | 'all';
}

export class InkFrameDiff {
  private previous: string[] | null = null;

  /** One batch of Ink's writes (synchronized-update markers already removed). */
  apply(frame: string): InkFrameUpdate {
    if (!frame.startsWith(CLEAR_TERMINAL)) {
      // Not a full-screen frame (the first render goes through Ink's line log): pass it through
      // and start comparing again from the next full frame.
      this.previous = null;
      return { bytes: frame, rows: 'all' };
    }
    const lines = frame.slice(CLEAR_TERMINAL.length).split('\n');
    const before = this.previous;
    this.previous = lines;
    if (before === null) return { bytes: frame, rows: 'all' };
    const rows = new Set<number>();
    let bytes = '';
    const count = Math.max(lines.length, before.length);
    for (let y = 0; y < count; y++) {
      const line = lines[y] ?? '';
      if (line === (before[y] ?? '')) continue;
      rows.add(y);
      bytes += `\x1b[${y + 1};1H\x1b[0m${line}\x1b[0m\x1b[K`;
    }
    return { bytes, rows };
  }

  /** Forget the last frame: the next one is written whole (after a resize or a restore). */
  reset(): void {
    this.previous = null;
  }
}
