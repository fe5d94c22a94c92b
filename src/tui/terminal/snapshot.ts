// Reads rows of styled cells out of an xterm buffer. A row whose content and attributes are the
// same as in the previous snapshot is returned as the very same object, so renderers can skip it
// by identity (React.memo) — the frame diff happens here, once, not in every component.
import type { IBuffer, IBufferCell, IBufferLine } from '@xterm/headless';
import { flagBits, PLAIN, type CellStyle, type Color, type StyleTable } from './style.js';

export interface Cell {
  /** The grapheme shown, '' for an empty cell and for the right half of a wide character. */
  readonly ch: string;
  /** Columns taken: 1, 2 for a wide character, 0 for the cell a wide character covers. */
  readonly width: number;
  readonly style: CellStyle;
}

export interface Row {
  readonly cells: readonly Cell[];
  /** Increases whenever the row at this screen position changes. */
  readonly version: number;
}

/** Four words per cell: code point, chars length|width|attributes, fg mode|color, bg mode|color. */
const WORDS = 4;

interface CachedRow {
  row: Row;
  /** The fingerprint the row was made from: xterm's own cell words, or the public-API one. */
  sig: Uint32Array | Int32Array;
  /** The row's combined characters (grapheme clusters), which live outside the cell words. */
  combined: string;
}

/**
 * xterm keeps a line's cells as three 32-bit words each (content, foreground, background); the
 * public API reads them one method call at a time (a dozen per cell), which for a few busy panes
 * cost milliseconds per frame. This reaches the words themselves when they are where
 * @xterm/headless 6 keeps them, and returns null otherwise (then the public API is used).
 */
interface RawLine {
  _line?: { _data?: unknown; _combined?: Record<number, string> };
}

const CELL_WORDS = 3;
/** A never-written cell past the line's end (every StyleTable starts with PLAIN). */
const BLANK: Cell = Object.freeze({ ch: '', width: 1, style: PLAIN });
const CODEPOINT_MASK = 0x1fffff;
const IS_COMBINED = 0x200000;
const WIDTH_SHIFT = 22;

function rawWords(line: IBufferLine): Uint32Array | null {
  const data = (line as unknown as RawLine)._line?._data;
  return data instanceof Uint32Array ? data : null;
}

function combinedOf(line: IBufferLine): string {
  const combined = (line as unknown as RawLine)._line?._combined;
  if (!combined) return '';
  let out = '';
  for (const k in combined) out += `${k}:${combined[k]}\u0000`;
  return out;
}

export class RowReader {
  private previous: CachedRow[] = [];
  private nextVersion = 1;
  private cell: IBufferCell | undefined;
  /** Interned styles by foreground word, then background word (see cellsFromWords). */
  private readonly byWords = new Map<number, Map<number, CellStyle>>();
  private byWordsSize = 0;
  /**
   * Interned cells by style, then content word (code point and width). Cells are immutable, and
   * a streaming pane re-reads every row of every frame: a new object per cell was the largest
   * garbage the dashboard made itself, and its collections showed up as slow echoes.
   */
  private readonly cellsByStyle = new Map<CellStyle, Map<number, Cell>>();
  private cellsSize = 0;

  constructor(private readonly styles: StyleTable) {}

  /** Rows `top .. top+count-1` of the buffer, `cols` cells each. */
  read(buffer: IBuffer, top: number, count: number, cols: number): Row[] {
    const next: CachedRow[] = [];
    for (let y = 0; y < count; y++) {
      const line = buffer.getLine(top + y);
      const before = this.previous[y];
      const words = line ? rawWords(line) : null;
      if (line && words) {
        // Fast path: compare xterm's cell words in place; copy them only when the row changed.
        const n = cols * CELL_WORDS;
        const combined = combinedOf(line);
        if (before && before.sig instanceof Uint32Array && before.sig.length === n && sameRaw(before.sig, words, n) && before.combined === combined) {
          next.push(before);
          continue;
        }
        // The replaced row's fingerprint buffer is reused (nothing else holds it): a streaming
        // pane changes every row of every frame, and a new buffer per row was steady garbage.
        const sig = before && before.sig instanceof Uint32Array && before.sig.length === n ? before.sig : new Uint32Array(n);
        if (words.length >= n) sig.set(words.subarray(0, n));
        else {
          sig.set(words);
          sig.fill(0, words.length);
        }
        next.push({ row: { cells: this.cellsFromWords(line, sig, cols), version: this.nextVersion++ }, sig, combined });
        continue;
      }
      const sig = this.signature(line, cols);
      if (before && before.sig instanceof Int32Array && sameWords(before.sig, sig)) {
        next.push(before);
        continue;
      }
      next.push({ row: { cells: this.cells(line, cols), version: this.nextVersion++ }, sig, combined: '' });
    }
    this.previous = next;
    return next.map((c) => c.row);
  }

  /** Forget the previous frame (after a reset): every row counts as changed. */
  invalidate(): void {
    this.previous = [];
  }

  // A compact exact-enough fingerprint: comparing it is cheap and allocates no strings. Two rows
  // differing only in the middle of a combining sequence of equal length would compare equal;
  // the next change to that row repaints it.
  private signature(line: IBufferLine | undefined, cols: number): Int32Array {
    const sig = new Int32Array(cols * WORDS);
    if (!line) return sig;
    for (let x = 0; x < cols; x++) {
      const c = (this.cell = line.getCell(x, this.cell));
      if (!c) break;
      const o = x * WORDS;
      sig[o] = c.getCode();
      sig[o + 1] = (c.getChars().length << 10) | (c.getWidth() << 8) | attrs(c);
      sig[o + 2] = c.getFgColorMode() | c.getFgColor();
      sig[o + 3] = c.getBgColorMode() | c.getBgColor();
    }
    return sig;
  }

  /**
   * The cells of a row from its words (`words` is the row's copy, `cols` cells long, zero past
   * the line's end). Styles are looked up by the pair of color words, so the public API is asked
   * only once per distinct pair; the result is the same interned style either way.
   */
  private cellsFromWords(line: IBufferLine, words: Uint32Array, cols: number): Cell[] {
    // Sized once: grown by push, each row's array was reallocated several times.
    const out = new Array<Cell>(cols);
    for (let x = 0; x < cols; x++) {
      const o = x * CELL_WORDS;
      const content = words[o]!;
      const fg = words[o + 1]!;
      const bg = words[o + 2]!;
      if (content === 0 && fg === 0 && bg === 0 && x >= line.length) {
        out[x] = BLANK;
        continue;
      }
      let byBg = this.byWords.get(fg);
      if (!byBg) this.byWords.set(fg, (byBg = new Map()));
      let style = byBg.get(bg);
      if (!style) {
        const c = (this.cell = line.getCell(x, this.cell))!;
        style = this.styles.get(fgOf(c), bgOf(c), attrs(c));
        if (this.byWordsSize++ > 4096) {
          // A hostile stream could use endless color pairs: start over rather than grow.
          this.byWords.clear();
          this.byWordsSize = 0;
        }
        byBg.set(bg, style);
      }
      if (content & IS_COMBINED) {
        // A grapheme cluster lives outside the words: not interned.
        out[x] = { ch: (this.cell = line.getCell(x, this.cell))!.getChars(), width: content >>> WIDTH_SHIFT, style };
        continue;
      }
      out[x] = this.internedCell(content, style);
    }
    return out;
  }

  /** The one cell for a content word (not combined) in a style. */
  private internedCell(content: number, style: CellStyle): Cell {
    const known = this.cellsByStyle.get(style)?.get(content);
    if (known) return known;
    if (this.cellsSize++ > 16384) {
      // Bounded like the styles: a stream of endless distinct characters starts it over.
      this.cellsByStyle.clear();
      this.cellsSize = 1;
    }
    let byContent = this.cellsByStyle.get(style);
    if (!byContent) this.cellsByStyle.set(style, (byContent = new Map()));
    const cp = content & CODEPOINT_MASK;
    const cell: Cell = { ch: cp === 0 ? '' : String.fromCodePoint(cp), width: content >>> WIDTH_SHIFT, style };
    byContent.set(content, cell);
    return cell;
  }

  private cells(line: IBufferLine | undefined, cols: number): Cell[] {
    const out: Cell[] = [];
    const plain = this.styles.get(null, null, 0);
    for (let x = 0; x < cols; x++) {
      const c = line ? (this.cell = line.getCell(x, this.cell)) : undefined;
      if (!c) {
        out.push({ ch: '', width: 1, style: plain });
        continue;
      }
      out.push({ ch: c.getChars(), width: c.getWidth(), style: this.styles.get(fgOf(c), bgOf(c), attrs(c)) });
    }
    return out;
  }
}

/** The first `n` words of `a` (a row's copy) equal those of `b` (xterm's line, zero past its end). */
function sameRaw(a: Uint32Array, b: Uint32Array, n: number): boolean {
  const m = Math.min(n, b.length);
  for (let i = 0; i < m; i++) if (a[i] !== b[i]) return false;
  for (let i = m; i < n; i++) if (a[i] !== 0) return false;
  return true;
}

function sameWords(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function attrs(c: IBufferCell): number {
  return flagBits(!!c.isBold(), !!c.isDim(), !!c.isItalic(), !!c.isUnderline(), !!c.isInverse(), !!c.isStrikethrough(), !!c.isInvisible());
}

function fgOf(c: IBufferCell): Color {
  if (c.isFgRGB()) return hex(c.getFgColor());
  if (c.isFgPalette()) return c.getFgColor();
  return null;
}

function bgOf(c: IBufferCell): Color {
  if (c.isBgRGB()) return hex(c.getBgColor());
  if (c.isBgPalette()) return c.getBgColor();
  return null;
}

function hex(rgb: number): string {
  return `#${rgb.toString(16).padStart(6, '0')}`;
}

/** The row's characters as text (wide characters once, empty cells as spaces). */
export function rowText(row: Row): string {
  let s = '';
  for (const c of row.cells) if (c.width > 0) s += c.ch === '' ? ' ' : c.ch;
  return s;
}
