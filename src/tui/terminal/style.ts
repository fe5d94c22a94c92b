// Cell styles in a renderer-neutral form. Colors: null is the terminal's default, a number is a
// palette index (0-15 the user's themed ANSI colors, 16-255 the xterm cube and greys), a string
// is truecolor `#rrggbb`. Styles are interned, so equal styles are the same object and runs of
// cells can be compared by identity.

export type Color = number | string | null;

export interface CellStyle {
  readonly fg: Color;
  readonly bg: Color;
  readonly bold: boolean;
  readonly dim: boolean;
  readonly italic: boolean;
  readonly underline: boolean;
  readonly inverse: boolean;
  readonly strikethrough: boolean;
  readonly invisible: boolean;
}

const FLAGS = ['bold', 'dim', 'italic', 'underline', 'inverse', 'strikethrough', 'invisible'] as const;

export const PLAIN: CellStyle = Object.freeze({
  fg: null,
  bg: null,
  bold: false,
  dim: false,
  italic: false,
  underline: false,
  inverse: false,
  strikethrough: false,
  invisible: false,
});

/** A bounded intern table: terminals use few distinct styles, but a hostile stream could use many. */
export class StyleTable {
  private readonly styles = new Map<string, CellStyle>([[styleKey(null, null, 0), PLAIN]]);

  constructor(private readonly limit = 4096) {}

  get(fg: Color, bg: Color, flags: number): CellStyle {
    const key = styleKey(fg, bg, flags);
    let s = this.styles.get(key);
    if (!s) {
      const style: Record<string, unknown> = { fg, bg };
      FLAGS.forEach((f, i) => (style[f] = (flags & (1 << i)) !== 0));
      s = Object.freeze(style) as unknown as CellStyle;
      if (this.styles.size >= this.limit) this.styles.clear();
      this.styles.set(key, s);
    }
    return s;
  }
}

function styleKey(fg: Color, bg: Color, flags: number): string {
  return `${fg}|${bg}|${flags}`;
}

/** Flag bits in the order StyleTable expects. */
export function flagBits(bold: boolean, dim: boolean, italic: boolean, underline: boolean, inverse: boolean, strikethrough: boolean, invisible: boolean): number {
  return (+bold) | (+dim << 1) | (+italic << 2) | (+underline << 3) | (+inverse << 4) | (+strikethrough << 5) | (+invisible << 6);
}
