// Copy mode's state and what it looks like on a pane. Everything is in buffer coordinates —
// `line` 0 is the oldest line of history, the live screen is the last `rows` lines — so the
// cursor and the selection stay on the same text while the view scrolls over it. Renderers (the
// painter, TerminalPane) turn that into view rows with `copyOverlay`.
import type { Match, SearchQuery } from './search.js';

/** A cell of the buffer: `line` counts from the oldest history line, `col` from the left. */
export interface Point {
  line: number;
  col: number;
}

/** One pane's copy mode: where its cursor is, and where the selection began, if it has one. */
export interface CopyState {
  cursor: Point;
  /** Where the selection began (the other end is the cursor); null while nothing is selected. */
  anchor: Point | null;
  /** `V`: whole lines from the anchor's line to the cursor's. */
  lines: boolean;
  /** `C-v`: a block, the columns between anchor and cursor on each line between them. */
  rect?: boolean;
  /** The text a search just found, drawn like a selection while there is none; gone on the next move. */
  match?: Match;
  /** The search prompt, open after `/` or `?` until Enter or Escape: the text typed so far. */
  prompt?: SearchQuery;
}

/** One cell as copy mode reads it: the grapheme ('' for a never-written cell) and its width. */
export interface TextCell {
  readonly ch: string;
  /** 1, 2 for a wide character, 0 for the cell a wide character covers. */
  readonly width: number;
}

export interface TextLine {
  readonly cells: readonly TextCell[];
  /** The line continues the one above it (the program's text wrapped at the edge). */
  readonly wrapped: boolean;
}

/** The lines copy mode moves over: a pane's whole buffer, history and screen. */
export interface CopyBuffer {
  /** Lines in the buffer (history, then the screen). */
  readonly length: number;
  readonly cols: number;
  line(y: number): TextLine | undefined;
}

/**
 * A selection in buffer order, both ends inclusive (a tmux / vi selection includes the cursor).
 * A block (`rect`) is given by its top-left and bottom-right cells.
 */
export interface SelectionRange {
  start: Point;
  end: Point;
  lines: boolean;
  rect?: boolean;
}

export function comparePoints(a: Point, b: Point): number {
  return a.line !== b.line ? a.line - b.line : a.col - b.col;
}

export function selectionRange(s: CopyState): SelectionRange | null {
  if (s.anchor === null) return null;
  if (s.rect === true && !s.lines) {
    const a = s.anchor;
    const c = s.cursor;
    return { start: { line: Math.min(a.line, c.line), col: Math.min(a.col, c.col) }, end: { line: Math.max(a.line, c.line), col: Math.max(a.col, c.col) }, lines: false, rect: true };
  }
  const [start, end] = comparePoints(s.anchor, s.cursor) <= 0 ? [s.anchor, s.cursor] : [s.cursor, s.anchor];
  return { start, end, lines: s.lines };
}

export function sameCopy(a: CopyState | null | undefined, b: CopyState | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  const samePoint = (x: Point | null, y: Point | null): boolean => (x === null || y === null ? x === y : x.line === y.line && x.col === y.col);
  const sameMatch = (x: Match | undefined, y: Match | undefined): boolean => (!x || !y ? x === y : samePoint(x, y) && samePoint(x.end, y.end));
  return samePoint(a.cursor, b.cursor) && samePoint(a.anchor, b.anchor) && a.lines === b.lines && (a.rect === true) === (b.rect === true) && sameMatch(a.match, b.match);
}

/** Copy mode drawn over a view: the cursor cell and, per view row, the selected columns. */
export interface CopyOverlay {
  /** The copy cursor in view coordinates; null when it is outside the view. */
  cursor: { x: number; y: number } | null;
  /** Per view row: selected columns `[from, to)`, or null. */
  spans: Array<readonly [number, number] | null>;
}

/**
 * The overlay of `s` on the `rows` view rows whose first row shows buffer line `top`. The first
 * and middle lines of a selection are highlighted to the right edge (as tmux does), so a
 * selection that runs on to the next line reads as one.
 */
export function copyOverlay(s: CopyState, top: number, rows: number, cols: number): CopyOverlay {
  const selection = selectionRange(s);
  const r = selection ?? matchRange(s.match);
  const spans: Array<readonly [number, number] | null> = [];
  for (let y = 0; y < rows; y++) {
    const line = top + y;
    if (r === null || line < r.start.line || line > r.end.line) {
      spans.push(null);
      continue;
    }
    // A block takes the same columns on every line; a stream selection runs to the edge.
    const from = r.rect ? Math.min(r.start.col, cols) : r.lines || line > r.start.line ? 0 : Math.min(r.start.col, cols);
    const to = r.rect ? Math.min(r.end.col + 1, cols) : r.lines || line < r.end.line ? cols : Math.min(r.end.col + 1, cols);
    spans.push(from < to ? [from, to] : null);
  }
  const cy = s.cursor.line - top;
  // On a match the cursor is its first cell; drawn there (the inverse of the highlight), it would
  // cut the first character off the match.
  const onMatch = selection === null && s.match !== undefined && s.match.line === s.cursor.line && s.match.col === s.cursor.col;
  return { cursor: !onMatch && cy >= 0 && cy < rows && cols > 0 ? { x: Math.min(Math.max(0, s.cursor.col), cols - 1), y: cy } : null, spans };
}

/** A search match as a range to highlight (both ends inclusive, like a selection). */
function matchRange(m: Match | undefined): SelectionRange | null {
  if (!m) return null;
  return { start: { line: m.line, col: m.col }, end: m.end, lines: false };
}

/** Whether column `x` of a row is drawn selected; a wide character counts as selected by either half. */
export function inSpan(span: readonly [number, number] | null | undefined, x: number, width: number): boolean {
  if (!span) return false;
  return (x >= span[0] && x < span[1]) || (width === 2 && x + 1 >= span[0] && x + 1 < span[1]);
}
