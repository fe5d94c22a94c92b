// Copy mode's search (tmux's `/` and `?`): the next occurrence of a piece of text in a pane's
// whole buffer, history and screen, searching down or up from the copy cursor and wrapping around
// at either end as tmux does. Plain text, not a pattern: what a person types after `/` is what
// they saw on the screen. Smart case: a query without capital letters matches either case.
//
// Text the program wrapped at the pane's edge is searched as the one line it was written as, so
// a match may start on one screen line and end on the next, as in tmux.
import type { CopyView } from './motions.js';
import { comparePoints, type CopyBuffer, type Point } from './selection.js';

/** An occurrence: its first cell and its last (inclusive; a wide character's right half). */
export interface Match {
  line: number;
  col: number;
  end: Point;
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
  const origin = { line: Math.min(Math.max(0, from.line), n - 1), col: from.col };
  const home = logicalLine(buf, origin.line);
  // Every logical line once, starting and ending on the cursor's: there, first the part past the
  // cursor in the search's direction, and after the wrap-around the part before it.
  let [a, b] = home;
  for (let i = 0; ; i++) {
    const text = logicalText(buf, a, b, fold);
    const first = i === 0;
    const last = i > 0 && a === home[0];
    const found = query.backward
      ? lastBefore(text, needle, first ? origin : null, last ? origin : null)
      : firstAfter(text, needle, first ? origin : null, last ? origin : null);
    if (found !== null || last) return found;
    [a, b] = query.backward ? logicalLine(buf, a === 0 ? n - 1 : a - 1) : logicalLine(buf, b + 1 >= n ? 0 : b + 1);
  }
}

/** The top of a view that shows `line`: the view as it is when the line is in it, else centered on it. */
export function topShowing(line: number, view: CopyView, length: number): number {
  const rows = Math.max(1, view.rows);
  if (line >= view.top && line < view.top + rows) return view.top;
  return Math.min(Math.max(0, line - Math.floor(rows / 2)), Math.max(0, length - rows));
}

/** The buffer lines `[first, last]` of the logical line that buffer line `y` is part of. */
function logicalLine(buf: CopyBuffer, y: number): [number, number] {
  let first = y;
  while (first > 0 && buf.line(first)?.wrapped === true) first--;
  let last = y;
  while (last + 1 < buf.length && buf.line(last + 1)?.wrapped === true) last++;
  return [first, last];
}

/** A logical line as searchable text, with the cells each character covers. */
interface LineText {
  text: string;
  /** `starts[i]`: the cell where the character starting at string index i (UTF-16 units) begins. */
  starts: Point[];
  /** `ends[i]`: the last cell of the character at string index i. */
  ends: Point[];
}

function logicalText(buf: CopyBuffer, first: number, last: number, fold: boolean): LineText {
  let text = '';
  const starts: Point[] = [];
  const ends: Point[] = [];
  for (let y = first; y <= last; y++) {
    const cells = buf.line(y)?.cells ?? [];
    // A row that continues below ends where its text does: a wide character that did not fit
    // at the edge left a never-written cell there, which is no space in what was written.
    let width = cells.length;
    if (y < last) while (width > 0 && cells[width - 1]!.ch === '') width--;
    for (let x = 0; x < width; x++) {
      const cell = cells[x]!;
      // The cell a wide character covers has no text of its own.
      if (cell.width === 0) continue;
      const ch = cell.ch === '' ? ' ' : fold ? cell.ch.toLowerCase() : cell.ch;
      const end = { line: y, col: x + Math.max(1, cell.width) - 1 };
      for (let k = 0; k < ch.length; k++) {
        starts.push({ line: y, col: x });
        ends.push(end);
      }
      text += ch;
    }
  }
  return { text, starts, ends };
}

function at(t: LineText, i: number, needle: string): Match {
  const start = t.starts[i]!;
  return { line: start.line, col: start.col, end: t.ends[i + needle.length - 1]! };
}

/** The first occurrence starting after `after` and at or before `atMost` (null: no bound). */
function firstAfter(t: LineText, needle: string, after: Point | null, atMost: Point | null): Match | null {
  for (let i = t.text.indexOf(needle); i !== -1; i = t.text.indexOf(needle, i + 1)) {
    const start = t.starts[i]!;
    if (atMost && comparePoints(start, atMost) > 0) return null;
    if (!after || comparePoints(start, after) > 0) return at(t, i, needle);
  }
  return null;
}

/** The last occurrence starting before `before` and at or after `atLeast` (null: no bound). */
function lastBefore(t: LineText, needle: string, before: Point | null, atLeast: Point | null): Match | null {
  for (let i = t.text.lastIndexOf(needle); i !== -1; i = i === 0 ? -1 : t.text.lastIndexOf(needle, i - 1)) {
    const start = t.starts[i]!;
    if (atLeast && comparePoints(start, atLeast) < 0) return null;
    if (!before || comparePoints(start, before) < 0) return at(t, i, needle);
  }
  return null;
}
