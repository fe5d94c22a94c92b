// Copy mode's search (tmux's `/` and `?`): the next occurrence of a piece of text in a pane's
// whole buffer, history and screen, searching down or up from the copy cursor and wrapping around
// at either end as tmux does. Plain text, not a pattern: what a person types after `/` is what
// they saw on the screen. Smart case: a query without capital letters matches either case.
//
// Each buffer line is searched on its own, so text that the program's output wrapped at the
// pane's edge is found only within one screen line.
import type { CopyView } from './motions.js';
import type { CopyBuffer, Point, TextLine } from './selection.js';

/** An occurrence: where it starts and how many columns it covers. */
export interface Match {
  line: number;
  col: number;
  /** Width in columns (a wide character counts two). */
  width: number;
}

export interface SearchQuery {
  text: string;
  /** `?`: toward older lines (up); `/` searches down, toward newer lines. */
  backward: boolean;
}

/**
 * The occurrence of `query` nearest to `from` in its direction, not counting one that starts at
 * `from` itself (so repeating a search moves on); null when the text is nowhere in the buffer.
 */
export function findMatch(buf: CopyBuffer, query: SearchQuery, from: Point): Match | null {
  if (query.text === '' || buf.length === 0) return null;
  const fold = query.text === query.text.toLowerCase();
  const needle = fold ? query.text.toLowerCase() : query.text;
  const n = buf.length;
  const start = Math.min(Math.max(0, from.line), n - 1);
  // Every line once, starting and ending on the cursor's line: there, first the part past the
  // cursor in the search's direction, and after the wrap-around the part before it.
  for (let i = 0; i <= n; i++) {
    const y = query.backward ? (start - i + n) % n : (start + i) % n;
    const line = buf.line(y);
    if (!line) continue;
    const text = lineText(line, fold);
    const first = i === 0;
    const wrapped = i === n;
    const found = query.backward
      ? lastBefore(text, needle, first ? from.col : Infinity, wrapped ? from.col : -Infinity)
      : firstAfter(text, needle, first ? from.col : -Infinity, wrapped ? from.col : Infinity);
    if (found !== null) return { line: y, col: found.col, width: found.width };
  }
  return null;
}

/** The top of a view that shows `line`: the view as it is when the line is in it, else centered on it. */
export function topShowing(line: number, view: CopyView, length: number): number {
  const rows = Math.max(1, view.rows);
  if (line >= view.top && line < view.top + rows) return view.top;
  return Math.min(Math.max(0, line - Math.floor(rows / 2)), Math.max(0, length - rows));
}

/** A line as searchable text, with the column each character starts at. */
interface LineText {
  text: string;
  /** `cols[i]`: the column of the character starting at string index i (UTF-16 units). */
  cols: number[];
  /** `ends[i]`: the column after the character at string index i. */
  ends: number[];
}

function lineText(line: TextLine, fold: boolean): LineText {
  let text = '';
  const cols: number[] = [];
  const ends: number[] = [];
  line.cells.forEach((cell, x) => {
    // The cell a wide character covers has no text of its own.
    if (cell.width === 0) return;
    const ch = cell.ch === '' ? ' ' : fold ? cell.ch.toLowerCase() : cell.ch;
    for (let k = 0; k < ch.length; k++) {
      cols.push(x);
      ends.push(x + Math.max(1, cell.width));
    }
    text += ch;
  });
  return { text, cols, ends };
}

type Found = { col: number; width: number } | null;

function at(t: LineText, i: number, needle: string): { col: number; width: number } {
  const col = t.cols[i]!;
  return { col, width: t.ends[i + needle.length - 1]! - col };
}

/** The first occurrence starting after column `after` and at or before column `atMost`. */
function firstAfter(t: LineText, needle: string, after: number, atMost: number): Found {
  for (let i = t.text.indexOf(needle); i !== -1; i = t.text.indexOf(needle, i + 1)) {
    const col = t.cols[i]!;
    if (col > atMost) return null;
    if (col > after) return at(t, i, needle);
  }
  return null;
}

/** The last occurrence starting before column `before` and at or after column `atLeast`. */
function lastBefore(t: LineText, needle: string, before: number, atLeast: number): Found {
  for (let i = t.text.lastIndexOf(needle); i !== -1; i = i === 0 ? -1 : t.text.lastIndexOf(needle, i - 1)) {
    const col = t.cols[i]!;
    if (col < atLeast) return null;
    if (col < before) return at(t, i, needle);
  }
  return null;
}
