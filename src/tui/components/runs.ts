// Rows of cells → runs of equally styled text, the unit the terminal pane renders as one <Text>.
// Pure, so run-splitting and color mapping are tested without rendering.
import { inSpan } from '../copy/selection.js';
import type { Row } from '../terminal/snapshot.js';
import { PLAIN, type CellStyle, type Color } from '../terminal/style.js';

export interface Run {
  text: string;
  style: CellStyle;
}

/** Styles with inverse toggled, one object per style, so selected cells still merge into runs. */
const flippedStyles = new WeakMap<CellStyle, CellStyle>();

function flipped(style: CellStyle): CellStyle {
  let f = flippedStyles.get(style);
  if (!f) {
    f = Object.freeze({ ...style, inverse: !style.inverse });
    flippedStyles.set(style, f);
  }
  return f;
}

/**
 * Splits a row into runs. `cursorX` (when given) becomes its own run with inverse toggled, the
 * way a terminal draws a block cursor. `selection` (copy mode's columns `[from, to)`) is drawn
 * with inverse toggled too, blanks included. Trailing blank plain cells are dropped: the pane's
 * box already clears them, and they would only cost bytes on every frame.
 */
export function rowRuns(row: Row, cursorX?: number, selection?: readonly [number, number] | null): Run[] {
  const runs: Run[] = [];
  let end = row.cells.length;
  while (end > 0) {
    const c = row.cells[end - 1]!;
    if ((c.ch === '' || c.ch === ' ') && c.style.bg === null && !c.style.inverse && !c.style.underline && !c.style.strikethrough && end - 1 !== cursorX && !inSpan(selection, end - 1, 1)) end--;
    else break;
  }
  for (let x = 0; x < end; x++) {
    const c = row.cells[x]!;
    if (c.width === 0) continue;
    const ch = c.ch === '' ? ' ' : c.ch;
    const selected = inSpan(selection, x, c.width);
    const style = x === cursorX ? { ...c.style, inverse: selected ? c.style.inverse : !c.style.inverse } : selected ? flipped(c.style) : c.style;
    const last = runs[runs.length - 1];
    if (last && last.style === style && x !== cursorX) last.text += ch;
    else runs.push({ text: ch, style });
  }
  if (cursorX !== undefined && cursorX >= end && cursorX < row.cells.length) {
    if (cursorX > end) runs.push({ text: ' '.repeat(cursorX - end), style: PLAIN });
    runs.push({ text: ' ', style: { ...PLAIN, inverse: true } });
  }
  return runs;
}

const ANSI = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'] as const;

/**
 * A cell color as Ink understands it. The 16 base colors map to names so the user's own theme
 * applies (as in tmux); the rest of the palette and truecolor pass through exactly.
 */
export function inkColor(c: Color): string | undefined {
  if (c === null) return undefined;
  if (typeof c === 'string') return c;
  if (c < 8) return ANSI[c];
  if (c < 16) return c === 8 ? 'gray' : `${ANSI[c - 8]}Bright`;
  return `ansi256(${c})`;
}
