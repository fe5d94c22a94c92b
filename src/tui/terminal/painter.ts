// Draws terminal panes straight to the outer terminal, the way tmux does, instead of through
// Ink. Ink lays out and styles every character of its tree on every frame (and, full-screen, writes
// the whole screen each time): right for the chrome — title bars, the session list, asks, the
// status bar — which changes a few times a second, but for panes streaming output it cost more
// than parsing the output. Here a frame writes only the rows whose content changed since they
// were last drawn (`Row.version`), each as one cursor move, SGR runs and padding to the pane's
// width; the cursor is drawn as an inverse cell, as TerminalPane does. In copy mode the copy
// cursor and the selection are drawn the same way (inverse), and a row is drawn again when what is
// selected on it changes, not only when its content does.
//
// Ink still owns the screen: it draws the panes' areas blank, and after each of its frames the
// runner asks `repaintAll()` and writes the result in the same synchronized update, so a pane is
// never seen blank. Panes are paced by one clock (30 fps by default) for all of them; a change
// right after a key was typed into a pane (its echo) is drawn at once.
import { copyOverlay, inSpan, sameCopy, type CopyState } from '../copy/selection.js';
import type { TerminalModel } from './model.js';
import { FrameScheduler, systemClock, DEFAULT_FPS, type Clock } from './scheduler.js';
import type { Row } from './snapshot.js';
import type { CellStyle, Color } from './style.js';

/** Where one terminal pane's rows go on the screen (0-based cells). */
export interface PaneRect {
  session: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Draw the cursor (the focused pane, not scrolled back, no ask over it). */
  cursor: boolean;
  /** Copy mode on this pane: its cursor and selection, in buffer lines (drawn inverse). */
  copy?: CopyState;
}

interface Painted {
  /** `Row.version` drawn at each screen row, -1 when unknown. */
  versions: number[];
  /** Cursor cell drawn last, `-1` when none. */
  cursorY: number;
  cursorX: number;
  /** Copy mode's marks (selected columns, copy cursor) drawn at each screen row, '' for none. */
  marks: string[];
}

/** Begin / end synchronized update: the terminal shows the frame at once, not row by row. */
export const SYNC_BEGIN = '\x1b[?2026h';
export const SYNC_END = '\x1b[?2026l';

export class TerminalPainter {
  private panes: PaneRect[] = [];
  private readonly painted = new Map<string, Painted>();
  private readonly dirty = new Set<string>();
  /** Dirty panes to draw on the next turn rather than on the clock (a typed key's echo). */
  private readonly urgent = new Set<string>();
  private readonly scheduler: FrameScheduler;
  private immediate: NodeJS.Immediate | null = null;
  /** The rest of the current frame's panes, drawn one per turn. */
  private slice: PaneRect[] = [];
  private sliceImmediate: NodeJS.Immediate | null = null;
  private disposed = false;
  private readonly models = new Map<string, TerminalModel>();

  constructor(
    private readonly write: (bytes: string) => void,
    fps = DEFAULT_FPS,
    clock: Clock = systemClock,
  ) {
    this.scheduler = new FrameScheduler(() => this.paint(), fps, clock);
  }

  /** The terminal model of a session that may get a pane (use-terminals registers them). */
  track(session: string, model: TerminalModel): void {
    this.models.set(session, model);
  }

  untrack(session: string): void {
    this.models.delete(session);
    this.painted.delete(session);
  }

  /** The panes on screen now (from the last layout). A change repaints them all on the next frame. */
  setPanes(panes: PaneRect[]): void {
    if (samePanes(panes, this.panes)) {
      // Same places; a copy cursor or selection may have moved. Those panes draw the rows whose
      // marks changed (paneBytes compares them row by row), at once: it follows a key.
      const moved = panes.filter((p, i) => !sameCopy(p.copy, this.panes[i]!.copy));
      if (moved.length === 0) return;
      this.panes = panes;
      // A frame in progress draws these panes with the new marks too, never after them with the old.
      this.slice = this.slice.map((old) => panes.find((p) => p.session === old.session) ?? old);
      for (const p of moved) this.changed(p.session, true);
      return;
    }
    this.panes = panes;
    // The frame in progress drew at the old places; every pane is drawn again anyway.
    this.slice = [];
    this.painted.clear();
    for (const p of panes) this.dirty.add(p.session);
    this.scheduler.request();
  }

  /** A pane's screen changed; `urgent` draws it without waiting for the frame clock (an echo). */
  changed(session: string, urgent = false): void {
    if (this.disposed) return;
    this.dirty.add(session);
    if (urgent) {
      this.urgent.add(session);
      this.immediate ??= setImmediate(() => {
        this.immediate = null;
        this.paintUrgent();
      });
    } else this.scheduler.request();
  }

  /** Every pane, every row: what to write right after something else drew over the panes. */
  repaintAll(): string {
    this.painted.clear();
    let out = '';
    for (const p of this.panes) out += this.paneBytes(p);
    this.dirty.clear();
    this.urgent.clear();
    return out;
  }

  /**
   * The pane rows on screen rows `rows` (0-based), drawn again: something else (an Ink frame)
   * drew over those rows. Panes elsewhere on the screen are left alone.
   */
  repaintRows(rows: ReadonlySet<number>): string {
    let out = '';
    for (const p of this.panes) {
      let hit = false;
      const painted = this.painted.get(p.session);
      for (let y = 0; y < p.height; y++) {
        if (!rows.has(p.y + y)) continue;
        hit = true;
        if (painted) painted.versions[y] = -1;
      }
      if (!hit) continue;
      out += this.paneBytes(p);
      this.dirty.delete(p.session);
      this.urgent.delete(p.session);
    }
    return out;
  }

  dispose(): void {
    this.disposed = true;
    this.scheduler.dispose();
    if (this.immediate !== null) clearImmediate(this.immediate);
    if (this.sliceImmediate !== null) clearImmediate(this.sliceImmediate);
  }

  /**
   * A frame: the panes dirty now are drawn one per event-loop turn (`paintSlice`), not all in one
   * go, so a key typed meanwhile, and its echo, wait for one pane's rows at most. Changes arriving
   * during the frame are left for the next one, so the clock still caps the frame rate.
   */
  private paint(): void {
    if (this.disposed || this.dirty.size === 0) return;
    this.slice = this.panes.filter((p) => this.dirty.has(p.session));
    this.dirty.clear();
    this.urgent.clear();
    if (this.sliceImmediate === null) this.paintSlice();
  }

  private paintSlice(): void {
    this.sliceImmediate = null;
    const p = this.slice.shift();
    if (!p || this.disposed) return;
    const out = this.paneBytes(p);
    if (out !== '') this.write(`${SYNC_BEGIN}${out}\x1b[0m${SYNC_END}`);
    if (this.slice.length > 0) this.sliceImmediate = setImmediate(() => this.paintSlice());
  }

  /**
   * Only the panes with an echo pending. Streaming panes that happen to be dirty too stay for the
   * clock: drawing their rows here put a whole frame of theirs between a key and its echo.
   */
  private paintUrgent(): void {
    if (this.disposed || this.urgent.size === 0) return;
    let out = '';
    for (const p of this.panes) {
      if (!this.urgent.has(p.session)) continue;
      out += this.paneBytes(p);
      this.dirty.delete(p.session);
    }
    this.urgent.clear();
    if (this.dirty.size > 0) this.scheduler.request();
    if (out !== '') this.write(`${SYNC_BEGIN}${out}\x1b[0m${SYNC_END}`);
  }

  /** Escape sequences drawing the rows of `p` that changed since they were last drawn. */
  private paneBytes(p: PaneRect): string {
    const model = this.models.get(p.session);
    if (!model || p.width <= 0 || p.height <= 0) return '';
    const frame = model.frame();
    // With an ask below, the newest rows matter most: keep the bottom of the screen (as PaneView).
    const skip = Math.max(0, frame.rows.length - p.height);
    let painted = this.painted.get(p.session);
    if (!painted) {
      painted = { versions: new Array<number>(p.height).fill(-1), cursorY: -1, cursorX: -1, marks: new Array<string>(p.height).fill('') };
      this.painted.set(p.session, painted);
    }
    const showCursor = p.cursor && frame.cursor.visible && frame.scrollOffset === 0;
    const cy = showCursor ? frame.cursor.y - skip : -1;
    const cx = showCursor ? frame.cursor.x : -1;
    // Copy mode: the view's first row shows buffer line `scrollback - scrollOffset` (+ skip).
    const overlay = p.copy ? copyOverlay(p.copy, frame.scrollback - frame.scrollOffset + skip, p.height, frame.cols) : null;
    let out = '';
    for (let y = 0; y < p.height; y++) {
      const row = frame.rows[y + skip];
      const version = row ? row.version : 0;
      const cursorHere = y === cy;
      const cursorWasHere = y === painted.cursorY;
      const span = overlay?.spans[y] ?? null;
      const copyX = overlay?.cursor?.y === y ? overlay.cursor.x : -1;
      const mark = span !== null || copyX >= 0 ? `${span?.[0]}:${span?.[1]}:${copyX}` : '';
      const sameMark = painted.marks[y] === mark;
      if (sameMark && painted.versions[y] === version && !cursorHere && !cursorWasHere) continue;
      if (sameMark && painted.versions[y] === version && cursorHere && cursorWasHere && cx === painted.cursorX) continue;
      painted.versions[y] = version;
      painted.marks[y] = mark;
      out += `\x1b[${p.y + y + 1};${p.x + 1}H${rowBytes(row, p.width, cursorHere ? cx : copyX, span)}`;
    }
    painted.cursorY = cy;
    painted.cursorX = cx;
    return out;
  }
}

function samePanes(a: PaneRect[], b: PaneRect[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.session !== y.session || x.x !== y.x || x.y !== y.y || x.width !== y.width || x.height !== y.height || x.cursor !== y.cursor) return false;
  }
  return true;
}

const sgrCache = new Map<CellStyle, string>();

/** The SGR sequence selecting `style` from scratch (reset first). Styles are interned: cached by identity. */
export function sgr(style: CellStyle): string {
  let s = sgrCache.get(style);
  if (s !== undefined) return s;
  let p = '0';
  if (style.bold) p += ';1';
  if (style.dim) p += ';2';
  if (style.italic) p += ';3';
  if (style.underline) p += ';4';
  if (style.inverse) p += ';7';
  if (style.invisible) p += ';8';
  if (style.strikethrough) p += ';9';
  p += color(style.fg, 30, 90, 38);
  p += color(style.bg, 40, 100, 48);
  s = `\x1b[${p}m`;
  if (sgrCache.size > 4096) sgrCache.clear();
  sgrCache.set(style, s);
  return s;
}

function color(c: Color, base: number, bright: number, extended: number): string {
  if (c === null) return '';
  if (typeof c === 'string') {
    const n = parseInt(c.slice(1), 16);
    return `;${extended};2;${(n >> 16) & 255};${(n >> 8) & 255};${n & 255}`;
  }
  if (c < 8) return `;${base + c}`;
  if (c < 16) return `;${bright + c - 8}`;
  return `;${extended};5;${c}`;
}

const CURSOR_FLIP = '\x1b[7m';

/**
 * One row as bytes: exactly `width` cells (padded with blanks, cut at the edge; a wide character
 * that would cross it becomes a blank). `cursorX` >= 0 draws a block cursor there (inverse
 * toggled, as TerminalPane). `selection` (copy mode's columns `[from, to)`) is drawn inverse too,
 * blanks included; the cursor inside it shows as the one cell not inverted.
 */
export function rowBytes(row: Row | undefined, width: number, cursorX = -1, selection: readonly [number, number] | null = null): string {
  let out = '';
  let current: CellStyle | null = null;
  let currentFlip = false;
  let x = 0;
  const cells = row?.cells ?? [];
  // Trailing blanks in the default style are erased in one go below rather than written.
  let end = cells.length;
  while (end > 0) {
    const c = cells[end - 1]!;
    const st = c.style;
    if ((c.ch === '' || c.ch === ' ') && st.bg === null && !st.inverse && !st.underline && !st.strikethrough) end--;
    else break;
  }
  for (let i = 0; i < end && x < width; i++) {
    const c = cells[i]!;
    if (c.width === 0) continue;
    if (x + c.width > width) break;
    const ch = c.ch === '' ? ' ' : c.ch;
    const flip = (i === cursorX) !== inSpan(selection, i, c.width);
    if (c.style !== current || flip !== currentFlip) {
      out += sgr(c.style);
      if (flip) out += c.style.inverse ? '\x1b[27m' : CURSOR_FLIP;
      current = c.style;
      currentFlip = flip;
    }
    out += c.style.invisible ? ' '.repeat(c.width) : ch;
    x += c.width;
  }
  if (x < width) {
    // The rest of the row is blank: ECH erases it without moving the cursor (cheaper than spaces);
    // cursor and selected cells in it are written as inverse spaces.
    out += '\x1b[0m';
    const flipped = (col: number): boolean => (col === cursorX) !== inSpan(selection, col, 1);
    for (let from = x; from < width; ) {
      const f = flipped(from);
      let to = from + 1;
      while (to < width && flipped(to) === f) to++;
      const n = to - from;
      if (f) out += `${CURSOR_FLIP}${' '.repeat(n)}\x1b[0m`;
      else out += to < width ? `\x1b[${n}X\x1b[${n}C` : `\x1b[${n}X`;
      from = to;
    }
  }
  return out;
}
