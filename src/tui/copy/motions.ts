// Copy mode's cursor motions, vi style as in tmux's copy mode: pure functions of the state, the
// pane's buffer and its view. A motion returns the new state and the buffer line the view should
// start at, scrolled just enough to keep the cursor in sight (moving past the top or bottom edge
// scrolls the history), or by a page for the page motions.
import type { CopyBuffer, CopyState, Point, TextLine } from './selection.js';

export type CopyMotion =
  | 'cursor-left'
  | 'cursor-right'
  | 'cursor-up'
  | 'cursor-down'
  | 'next-word'
  | 'previous-word'
  | 'next-word-end'
  | 'start-of-line'
  | 'back-to-indentation'
  | 'end-of-line'
  | 'top-line'
  | 'middle-line'
  | 'bottom-line'
  | 'top'
  | 'bottom'
  /** The view one line back in history / forward; the cursor stays on its line while it can. */
  | 'line-up'
  | 'line-down'
  | 'page-up'
  | 'page-down'
  | 'half-up'
  | 'half-down';

/** The part of the buffer on screen: `rows` lines from buffer line `top`. */
export interface CopyView {
  top: number;
  rows: number;
}

export interface Moved {
  state: CopyState;
  /** Buffer line for the top of the view. */
  top: number;
}

/** Where the program's cursor is, in buffer coordinates. */
export interface ProgramCursor {
  line: number;
  col: number;
  visible: boolean;
}

/**
 * Copy mode starts at the program's cursor when it is shown in the view, else at the bottom-left
 * of the view (a full-screen program that hides its cursor leaves it anywhere).
 */
export function startCopy(buf: CopyBuffer, view: CopyView, program: ProgramCursor): CopyState {
  const rows = Math.max(1, view.rows);
  const lines = new LineCache(buf);
  const inView = program.visible && program.line >= view.top && program.line < view.top + rows && program.line < buf.length;
  const cursor = inView ? { line: program.line, col: settle(lines, program.line, program.col) } : { line: clamp(view.top + rows - 1, 0, Math.max(0, buf.length - 1)), col: 0 };
  return { cursor, anchor: null, lines: false };
}

/** The state with its points inside the buffer (it may have shrunk: alternate screen, resize). */
export function clampCopy(s: CopyState, buf: CopyBuffer): CopyState {
  const fit = (p: Point): Point => ({ line: clamp(p.line, 0, Math.max(0, buf.length - 1)), col: clamp(p.col, 0, Math.max(0, buf.cols - 1)) });
  return { ...s, cursor: fit(s.cursor), anchor: s.anchor === null ? null : fit(s.anchor) };
}

export function moveCopy(s0: CopyState, motion: CopyMotion, buf: CopyBuffer, view: CopyView): Moved {
  const s = clampCopy(s0, buf);
  const lines = new LineCache(buf);
  const rows = Math.max(1, view.rows);
  const maxTop = Math.max(0, buf.length - rows);
  const last = Math.max(0, buf.length - 1);
  let { line, col } = s.cursor;
  let top = clamp(view.top, 0, maxTop);
  // The view follows the cursor, except for the motions that scroll the view itself.
  let keepInView = false;
  const shift = (n: number): void => {
    top = clamp(top + n, 0, maxTop);
    line += n;
  };
  switch (motion) {
    case 'cursor-left':
      col = step(lines, { line, col }, -1, true)?.p.col ?? col;
      break;
    case 'cursor-right':
      col = step(lines, { line, col }, 1, true)?.p.col ?? col;
      break;
    case 'cursor-up':
      line -= 1;
      break;
    case 'cursor-down':
      line += 1;
      break;
    case 'next-word':
      ({ line, col } = nextWord(lines, s.cursor));
      break;
    case 'previous-word':
      ({ line, col } = previousWord(lines, s.cursor));
      break;
    case 'next-word-end':
      ({ line, col } = nextWordEnd(lines, s.cursor));
      break;
    case 'start-of-line':
      line = logicalStart(lines, line);
      col = 0;
      break;
    case 'back-to-indentation':
      ({ line, col } = firstNonBlank(lines, line));
      break;
    case 'end-of-line':
      ({ line, col } = lastNonBlank(lines, line));
      break;
    case 'top-line':
      line = top;
      break;
    case 'middle-line':
      line = top + Math.floor((Math.min(rows, buf.length - top) - 1) / 2);
      break;
    case 'bottom-line':
      line = top + rows - 1;
      break;
    case 'top':
      line = 0;
      col = 0;
      top = 0;
      break;
    case 'bottom':
      line = last;
      col = 0;
      top = maxTop;
      break;
    case 'line-up':
      top = clamp(top - 1, 0, maxTop);
      keepInView = true;
      break;
    case 'line-down':
      top = clamp(top + 1, 0, maxTop);
      keepInView = true;
      break;
    case 'page-up':
      shift(-rows);
      break;
    case 'page-down':
      shift(rows);
      break;
    case 'half-up':
      shift(-Math.ceil(rows / 2));
      break;
    case 'half-down':
      shift(Math.ceil(rows / 2));
      break;
  }
  line = clamp(line, 0, last);
  if (keepInView) line = clamp(line, top, Math.min(last, top + rows - 1));
  else top = reveal(top, line, rows, maxTop);
  // A search's highlight stays only until the cursor moves off it.
  return { state: { ...s, cursor: { line, col: settle(lines, line, col) }, match: undefined }, top };
}

/** `o`: the cursor goes to the other end of the selection (the anchor takes its place). */
export function otherEnd(s0: CopyState, buf: CopyBuffer, view: CopyView): Moved {
  const s = clampCopy(s0, buf);
  const rows = Math.max(1, view.rows);
  if (s.anchor === null) return { state: s, top: view.top };
  const state = { ...s, cursor: s.anchor, anchor: s.cursor };
  return { state, top: reveal(view.top, state.cursor.line, rows, Math.max(0, buf.length - rows)) };
}

/** The least scrolling that shows `line`. */
function reveal(top: number, line: number, rows: number, maxTop: number): number {
  if (line < top) top = line;
  else if (line >= top + rows) top = line - rows + 1;
  return clamp(top, 0, maxTop);
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

/** Lines read once per motion: a word motion may look at the same line many times. */
class LineCache {
  private readonly lines = new Map<number, TextLine | undefined>();
  constructor(readonly buf: CopyBuffer) {}

  get length(): number {
    return this.buf.length;
  }

  get cols(): number {
    return this.buf.cols;
  }

  line(y: number): TextLine | undefined {
    if (!this.lines.has(y)) this.lines.set(y, this.buf.line(y));
    return this.lines.get(y);
  }

  ch(p: Point): string {
    return this.line(p.line)?.cells[p.col]?.ch ?? '';
  }
}

/** The column the cursor may rest on: never the right half of a wide character. */
function settle(lines: LineCache, line: number, col: number): number {
  col = clamp(col, 0, Math.max(0, lines.cols - 1));
  const cells = lines.line(line)?.cells;
  while (col > 0 && cells?.[col]?.width === 0) col--;
  return col;
}

/**
 * The next cell in reading order (`dir` 1) or the previous one (-1), skipping the covered halves of
 * wide characters. `broke` tells that a line break was crossed that is not a wrap (the program
 * wrote a newline there): word motions treat it as a blank. `sameLine` stops at the line's ends.
 */
function step(lines: LineCache, p: Point, dir: 1 | -1, sameLine = false): { p: Point; broke: boolean } | null {
  const cells = lines.line(p.line)?.cells;
  let col = p.col + dir;
  if (dir > 0) while (col < lines.cols && cells?.[col]?.width === 0) col++;
  else while (col > 0 && cells?.[col]?.width === 0) col--;
  if (col >= 0 && col < lines.cols) return { p: { line: p.line, col }, broke: false };
  if (sameLine) return null;
  if (dir > 0) {
    if (p.line + 1 >= lines.length) return null;
    return { p: { line: p.line + 1, col: 0 }, broke: lines.line(p.line + 1)?.wrapped !== true };
  }
  if (p.line <= 0) return null;
  return { p: { line: p.line - 1, col: settle(lines, p.line - 1, lines.cols - 1) }, broke: lines.line(p.line)?.wrapped !== true };
}

const BLANK = 0;
const WORD = 1;
const PUNCT = 2;

/** vi's classes: blanks, word characters (letters, digits, `_`), and everything else. */
function classOf(ch: string): number {
  if (ch === '' || ch === ' ' || ch === '\u00a0') return BLANK;
  return /^[\p{L}\p{N}\p{M}_]/u.test(ch) ? WORD : PUNCT;
}

/** `w`: the start of the next word; a line the program ended counts as a blank. */
function nextWord(lines: LineCache, from: Point): Point {
  let p = from;
  const c = classOf(lines.ch(p));
  for (;;) {
    const r = step(lines, p, 1);
    if (!r) return from;
    p = r.p;
    if (r.broke || classOf(lines.ch(p)) !== c) break;
  }
  while (classOf(lines.ch(p)) === BLANK) {
    const r = step(lines, p, 1);
    if (!r) return from;
    p = r.p;
  }
  return p;
}

/** `e`: the end of this word, or of the next one when already at an end. */
function nextWordEnd(lines: LineCache, from: Point): Point {
  let r = step(lines, from, 1);
  if (!r) return from;
  let p = r.p;
  while (classOf(lines.ch(p)) === BLANK) {
    r = step(lines, p, 1);
    if (!r) return from;
    p = r.p;
  }
  const c = classOf(lines.ch(p));
  for (;;) {
    r = step(lines, p, 1);
    if (!r || r.broke || classOf(lines.ch(r.p)) !== c) return p;
    p = r.p;
  }
}

/** `b`: the start of this word, or of the previous one when already at a start. */
function previousWord(lines: LineCache, from: Point): Point {
  let r = step(lines, from, -1);
  if (!r) return from;
  let p = r.p;
  while (classOf(lines.ch(p)) === BLANK) {
    r = step(lines, p, -1);
    if (!r) return p;
    p = r.p;
  }
  const c = classOf(lines.ch(p));
  for (;;) {
    r = step(lines, p, -1);
    if (!r || r.broke || classOf(lines.ch(r.p)) !== c) return p;
    p = r.p;
  }
}

/** The first physical line of the logical line `line` is part of (wrapped lines belong together). */
function logicalStart(lines: LineCache, line: number): number {
  while (line > 0 && lines.line(line)?.wrapped === true) line--;
  return line;
}

function logicalEnd(lines: LineCache, line: number): number {
  while (line + 1 < lines.length && lines.line(line + 1)?.wrapped === true) line++;
  return line;
}

/** `^`: the first non-blank of the logical line; its start when it is all blank. */
function firstNonBlank(lines: LineCache, line: number): Point {
  const start = logicalStart(lines, line);
  const end = logicalEnd(lines, line);
  for (let y = start; y <= end; y++) {
    const cells = lines.line(y)?.cells ?? [];
    for (let x = 0; x < cells.length; x++) if (cells[x]!.width > 0 && classOf(cells[x]!.ch) !== BLANK) return { line: y, col: x };
  }
  return { line: start, col: 0 };
}

/** `$`: the last non-blank of the logical line; its start when it is all blank. */
function lastNonBlank(lines: LineCache, line: number): Point {
  const start = logicalStart(lines, line);
  const end = logicalEnd(lines, line);
  for (let y = end; y >= start; y--) {
    const cells = lines.line(y)?.cells ?? [];
    for (let x = cells.length - 1; x >= 0; x--) if (cells[x]!.width > 0 && classOf(cells[x]!.ch) !== BLANK) return { line: y, col: x };
  }
  return { line: start, col: 0 };
}
