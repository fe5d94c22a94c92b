// The text of a copy-mode selection, as a person means it rather than as the screen stores it:
// lines in buffer order; a line the program's output wrapped at the pane's edge is joined to the
// next without a newline (copying a long command gives it back in one piece); trailing blanks of
// each line are dropped; a wide character is copied once. No newline is added after the last
// line, so pasting a copied line into a shell does not run it.
import type { CopyBuffer, SelectionRange, TextLine } from './selection.js';

export function selectedText(buf: CopyBuffer, r: SelectionRange): string {
  if (r.rect) return blockText(buf, r);
  const out: string[] = [];
  let current = '';
  const last = Math.min(r.end.line, buf.length - 1);
  for (let y = Math.max(0, r.start.line); y <= last; y++) {
    const line = buf.line(y);
    if (!line) break;
    const from = r.lines || y > r.start.line ? 0 : r.start.col;
    const to = r.lines || y < r.end.line ? buf.cols - 1 : r.end.col;
    // The next line continues this one: no newline, and this line's end is not trimmed (a space
    // at the edge is part of the text), except cells never written (a wide character that did
    // not fit in the last column wraps, leaving its cell empty).
    const joins = y < last && buf.line(y + 1)?.wrapped === true;
    current += segment(line, from, to, joins);
    if (!joins) {
      out.push(current.replace(/ +$/, ''));
      current = '';
    }
  }
  if (current !== '') out.push(current.replace(/ +$/, ''));
  return out.join('\n');
}

/**
 * A block: the same columns of each line, one line of text per buffer line (a block cuts across
 * wrapped lines, so they are not joined), trailing blanks dropped as in vi.
 */
function blockText(buf: CopyBuffer, r: SelectionRange): string {
  const out: string[] = [];
  const last = Math.min(r.end.line, buf.length - 1);
  for (let y = Math.max(0, r.start.line); y <= last; y++) {
    const line = buf.line(y);
    if (!line) break;
    out.push(segment(line, r.start.col, r.end.col, false).replace(/ +$/, ''));
  }
  return out.join('\n');
}

/** Columns `from..to` (inclusive) of a line as text; empty cells read as spaces. */
function segment(line: TextLine, from: number, to: number, joins: boolean): string {
  const cells = line.cells;
  let end = Math.min(to, cells.length - 1);
  if (joins) while (end >= from && cells[end]!.ch === '' && cells[end]!.width === 1) end--;
  let s = '';
  for (let x = Math.max(0, from); x <= end; x++) {
    const c = cells[x]!;
    if (c.width === 0) {
      // The selection starts on the right half of a wide character: take the character.
      if (x === from && x > 0 && cells[x - 1]!.width === 2) s += cells[x - 1]!.ch;
      continue;
    }
    s += c.ch === '' ? ' ' : c.ch;
  }
  return s;
}
