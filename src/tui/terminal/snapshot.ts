// Reads rows of styled cells out of an xterm buffer. A row whose content and attributes are the
// same as in the previous snapshot is returned as the very same object, so renderers can skip it
// by identity (React.memo) — the frame diff happens here, once, not in every component.
import type { IBuffer, IBufferCell, IBufferLine } from '@xterm/headless';
import { flagBits, type CellStyle, type Color, type StyleTable } from './style.js';

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
  sig: Int32Array;
}

export class RowReader {
  private previous: CachedRow[] = [];
  private nextVersion = 1;
  private cell: IBufferCell | undefined;

  constructor(private readonly styles: StyleTable) {}

  /** Rows `top .. top+count-1` of the buffer, `cols` cells each. */
  read(buffer: IBuffer, top: number, count: number, cols: number): Row[] {
    const next: CachedRow[] = [];
    for (let y = 0; y < count; y++) {
      const line = buffer.getLine(top + y);
      const sig = this.signature(line, cols);
      const before = this.previous[y];
      if (before && sameWords(before.sig, sig)) {
        next.push(before);
        continue;
      }
      next.push({ row: { cells: this.cells(line, cols), version: this.nextVersion++ }, sig });
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
