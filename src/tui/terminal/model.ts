// One pane's terminal: PTY output in, frames of styled rows out. Wraps a headless xterm, so
// escape-sequence semantics (alternate screen, scroll regions, wrapping, reflow on resize) are
// xterm's, not ours. The model adds what a tiled dashboard needs around it: a scroll/copy-mode
// offset into the scrollback, cursor visibility, row-level change detection, a frame cap and
// flow control towards the PTY.
import xterm from '@xterm/headless';
import type { IBufferCell } from '@xterm/headless';
import { noteOutputChurn } from '../../util/memory-return.js';
import { FlowController } from './flow.js';
import { reuseRecycledLineMaps } from './line-recycling.js';
import { FrameScheduler, systemClock, DEFAULT_FPS, type Clock } from './scheduler.js';
import { RowReader, rowText, type Row } from './snapshot.js';
import { StyleTable } from './style.js';
import type { TextCell, TextLine } from '../copy/selection.js';

// The package is CommonJS; under NodeNext its named export is only reachable via the default.
const { Terminal } = xterm;
type XTerminal = InstanceType<typeof Terminal>;

export interface Frame {
  cols: number;
  rows: Row[];
  /** Cursor in frame coordinates; `visible` is false when hidden by the program or scrolled off. */
  cursor: { x: number; y: number; visible: boolean };
  /** The program switched to the alternate screen (full-screen TUIs); no scrollback there. */
  altScreen: boolean;
  /** Lines scrolled up from the live bottom; 0 when following output. */
  scrollOffset: number;
  /** Lines of scrollback above the live screen. */
  scrollback: number;
  title: string;
}

export interface TerminalModelOptions {
  cols: number;
  rows: number;
  /** Lines of history kept for inline (non-alternate-screen) programs. */
  scrollback?: number;
  /** Tell the PTY its new size. Called on every effective resize. */
  onResize?: (cols: number, rows: number) => void;
  /** A new frame is ready (at most `fps` per second). */
  onFrame?: (frame: Frame) => void;
  /**
   * Instead of `onFrame`: the screen changed, and the owner calls `frame()` when it draws. For a
   * dashboard with several panes, so one clock paces them all and one render shows them all.
   */
  onDirty?: () => void;
  /**
   * The terminal's answer to a program's query (cursor position, device attributes): bytes for
   * the PTY, as a real terminal would send. A program that asks (Codex on every resize) otherwise
   * waits for a reply that never comes. Never called for queries in replayed output.
   */
  onReply?: (data: string) => void;
  /** Flow control towards the PTY: stop / start reading it. */
  pause?: () => void;
  resume?: () => void;
  highWater?: number;
  lowWater?: number;
  fps?: number;
  clock?: Clock;
}

export const DEFAULT_HIGH_WATER = 1 << 20;
/**
 * Lines of history per pane: tmux's default `history-limit`. Every line a pane keeps is a typed
 * array of its width in the dashboard's memory; with 5000 a few panes that had streamed held most
 * of the dashboard's RSS, and the daemon still holds the last 1 MiB of output for re-attach.
 */
export const DEFAULT_SCROLLBACK = 2000;
/** Bytes handed to xterm at a time (about a millisecond of parsing). */
const FEED_BYTES = 32 * 1024;
/**
 * Piece size for the other panes while a key's echo is awaited in one of them: a piece is parsed
 * without a break, so the echo (and the keys after it) can wait behind one piece of every busy
 * pane; smaller ones bound that wait at the cost of some throughput for the streaming panes.
 */
const FEED_BYTES_WHILE_TYPING = 8 * 1024;
/** How long after a key the other panes feed in smaller pieces. */
const TYPING_WINDOW_MS = 150;
/**
 * Resume well before the parser runs dry: after `pty_resume` new output takes a round trip through
 * the daemon and the PTY, and with 64 KiB left (a few ms of parsing) the parser waited for it.
 */
export const DEFAULT_LOW_WATER = 1 << 18;

/**
 * Parsing turns shared by every pane on this thread: each event-loop turn parses one piece of one
 * pane, panes in turn (round robin), so between any two pieces the loop reads keys and sockets
 * and runs the frame clock. With a piece of every busy pane per turn, a key and its echo waited
 * behind all of them.
 */
class FeedTurns {
  private readonly waiting: TerminalModel[] = [];
  private scheduled = false;

  add(model: TerminalModel): void {
    this.waiting.push(model);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.turn());
  }

  private turn(): void {
    this.scheduled = false;
    const next = this.waiting.shift();
    // Schedule the following turn first: `feed` may add this model again at the end of the line.
    if (this.waiting.length > 0) {
      this.scheduled = true;
      setImmediate(() => this.turn());
    }
    next?.feed();
  }
}

const turns = new FeedTurns();

export class TerminalModel {
  private readonly term: XTerminal;
  private readonly reader = new RowReader(new StyleTable());
  private readonly flow: FlowController;
  private readonly scheduler: FrameScheduler;
  private cursorHidden = false;
  private offset = 0;
  /** Absolute buffer line at the top of the view while scrolled, so new output does not move it. */
  private anchor: number | null = null;
  private titleText = '';
  private disposed = false;
  private lastInput = -Infinity;
  private readonly queue: Uint8Array[] = [];
  private feeding = false;
  /**
   * Bytes of replayed output (`replay`) not parsed yet. Queries in it were asked long ago and
   * answered then; answering them again would type the answers into the program.
   */
  private replayLeft = 0;
  private replayingPiece = false;
  private readonly drained: Array<() => void> = [];
  private readonly clock: Clock;
  /** When a key last went to any pane (all panes share one thread, so they yield to its echo). */
  private static lastInputAnywhere = -Infinity;

  constructor(private readonly options: TerminalModelOptions) {
    this.term = new Terminal({
      cols: Math.max(1, options.cols),
      rows: Math.max(1, options.rows),
      scrollback: options.scrollback ?? DEFAULT_SCROLLBACK,
      allowProposedApi: true,
    });
    reuseRecycledLineMaps(this.term);
    this.flow = new FlowController({
      high: options.highWater ?? DEFAULT_HIGH_WATER,
      low: options.lowWater ?? DEFAULT_LOW_WATER,
      pause: () => options.pause?.(),
      resume: () => options.resume?.(),
    });
    this.clock = options.clock ?? systemClock;
    this.scheduler = new FrameScheduler(() => this.emit(), options.fps ?? DEFAULT_FPS, this.clock);
    // Cursor visibility (DECTCEM) is not in xterm's public buffer API; watch the sequences and
    // return false so xterm still handles them itself.
    const watchCursor = (show: boolean) => (params: (number | number[])[]) => {
      if (params.includes(25)) this.cursorHidden = !show;
      return false;
    };
    this.term.parser.registerCsiHandler({ prefix: '?', final: 'h' }, watchCursor(true));
    this.term.parser.registerCsiHandler({ prefix: '?', final: 'l' }, watchCursor(false));
    this.term.parser.registerEscHandler({ final: 'c' }, () => {
      this.cursorHidden = false;
      return false;
    });
    this.term.onTitleChange((t) => (this.titleText = t));
    // Replies to queries come out as xterm's "input"; so does the empty input that sets its
    // user-input flag (feed), which is not a reply.
    this.term.onData((data) => {
      if (data !== '' && this.replayLeft === 0 && !this.disposed) options.onReply?.(data);
    });
    this.term.onWriteParsed(() => this.changed());
  }

  get cols(): number {
    return this.term.cols;
  }

  get rows(): number {
    return this.term.rows;
  }

  get paused(): boolean {
    return this.flow.isPaused;
  }

  /** Bytes not yet parsed (what flow control counts). */
  get backlog(): number {
    return this.flow.pending;
  }

  /**
   * Feed PTY output. Parsing is asynchronous; `drain()` waits for it. xterm parses whatever it
   * holds in slices of up to 12 ms, and the slices of several busy panes ran back to back; so
   * output goes to it in pieces of at most FEED_BYTES, one piece of one pane per event-loop turn
   * (`turns`). Keys, socket reads, frames and a typed key's echo then wait for one piece at most,
   * not for a piece of every busy pane.
   */
  write(data: string | Uint8Array): void {
    if (this.disposed) return;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (bytes.byteLength === 0) return;
    this.flow.queued(bytes.byteLength);
    noteOutputChurn(bytes.byteLength);
    this.queue.push(bytes);
    if (this.feeding) return;
    this.feeding = true;
    // A pane just typed into parses its output now: that is the key's echo, and nothing should
    // come before it. Every other pane waits for its turn.
    if (this.typedWithin(TYPING_WINDOW_MS)) this.feed();
    else turns.add(this);
  }

  /**
   * Output recorded before this pane attached (the daemon's saved screen), written before any
   * live output: parsed like the rest, but queries in it are not answered again.
   */
  replay(data: string | Uint8Array): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.replayLeft += bytes.byteLength;
    this.write(bytes);
  }

  /** Resolves once everything written so far is parsed. */
  drain(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.feeding) this.term.write('', resolve);
      else this.drained.push(resolve);
    });
  }

  /**
   * A key was just sent to this pane's program. xterm then parses the next output at once rather
   * than on its next timer (its own echo fast path: `input` with the user-input flag), and for a
   * short while changes count as an echo, to be drawn without waiting for the frame clock.
   */
  userInput(): void {
    if (this.disposed) return;
    this.lastInput = this.clock.now();
    TerminalModel.lastInputAnywhere = performance.now();
    this.term.input('', true);
  }

  /** A key was sent within the last `ms` milliseconds. */
  typedWithin(ms: number): boolean {
    return this.clock.now() - this.lastInput <= ms;
  }

  /** Parses one piece of the queued output (`turns` calls it, or `write` for an echo). */
  feed(): void {
    if (this.queue.length === 0 || this.disposed) {
      this.feeding = false;
      for (const r of this.drained.splice(0)) this.term.write('', r);
      return;
    }
    // Up to FEED_BYTES of what is queued, as one piece (PTY reads arrive in a few KiB each).
    const typing = performance.now() - TerminalModel.lastInputAnywhere <= TYPING_WINDOW_MS && !this.typedWithin(TYPING_WINDOW_MS);
    // A piece never mixes replayed and live output, so replies are muted for exactly the replay.
    const limit = Math.min(typing ? FEED_BYTES_WHILE_TYPING : FEED_BYTES, this.replayLeft > 0 ? this.replayLeft : Infinity);
    const parts: Uint8Array[] = [];
    let size = 0;
    while (size < limit && this.queue.length > 0) {
      let next = this.queue.shift()!;
      if (size + next.byteLength > limit) {
        this.queue.unshift(next.subarray(limit - size));
        next = next.subarray(0, limit - size);
      }
      parts.push(next);
      size += next.byteLength;
    }
    const piece = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
    // Parse it now, in this turn: the user-input flag makes xterm's write parse at once instead of
    // on a timer (at least 1 ms away), which for one streaming pane was idle time after every piece.
    // (Its only other effect, scrolling xterm's viewport to the bottom, is not what frames read:
    // the scroll offset is the model's own.)
    this.term.input('', true);
    this.replayingPiece = this.replayLeft > 0;
    this.term.write(piece, () => {
      this.flow.parsed(size);
      if (this.replayingPiece) this.replayLeft = Math.max(0, this.replayLeft - size);
      this.replayingPiece = false;
      // The next piece in a later turn (never from inside xterm's callback: a write there joins
      // the slice being parsed); an empty queue ends feeding there.
      turns.add(this);
    });
  }

  /**
   * New pane content size. xterm reflows the normal buffer (wrapped lines re-wrap); the PTY is
   * told so the program redraws for the new size. A no-op when nothing changes.
   */
  resize(cols: number, rows: number): void {
    cols = Math.max(1, Math.floor(cols));
    rows = Math.max(1, Math.floor(rows));
    if (cols === this.term.cols && rows === this.term.rows) return;
    this.term.resize(cols, rows);
    this.anchor = null;
    this.offset = Math.min(this.offset, this.maxOffset());
    this.options.onResize?.(cols, rows);
    this.changed();
  }

  /** Scroll the view by `lines` (positive = back in history). Clamped; 0 returns to live output. */
  scrollBy(lines: number): void {
    this.scrollTo(this.currentOffset() + lines);
  }

  scrollTo(offset: number): void {
    const max = this.maxOffset();
    this.offset = Math.max(0, Math.min(max, Math.floor(offset)));
    const buf = this.term.buffer.active;
    this.anchor = this.offset > 0 ? buf.baseY - this.offset : null;
    this.changed();
  }

  /** Before replaying a screen on re-attach: a blank terminal with no history. */
  reset(): void {
    this.term.reset();
    this.cursorHidden = false;
    this.offset = 0;
    this.anchor = null;
    this.reader.invalidate();
    this.changed();
  }

  /** The current frame, computed now (the scheduler calls this for `onFrame`). */
  frame(): Frame {
    const buf = this.term.buffer.active;
    const offset = this.currentOffset();
    const top = buf.baseY - offset;
    const rows = this.reader.read(buf, top, this.term.rows, this.term.cols);
    const cursorRow = buf.baseY + buf.cursorY - top;
    return {
      cols: this.term.cols,
      rows,
      cursor: {
        x: Math.min(buf.cursorX, this.term.cols - 1),
        y: cursorRow,
        visible: !this.cursorHidden && cursorRow >= 0 && cursorRow < this.term.rows,
      },
      altScreen: buf.type === 'alternate',
      scrollOffset: offset,
      scrollback: buf.baseY,
      title: this.titleText,
    };
  }

  /** Plain text of the visible rows, trailing spaces trimmed (copy mode, tests). */
  text(): string[] {
    return this.frame().rows.map((r) => rowText(r).trimEnd());
  }

  // Copy mode reads the buffer in its own coordinates: line 0 is the oldest line of history, the
  // live screen is the last `rows` lines (the model is a `CopyBuffer`).

  /** Lines in the active buffer: history, then the screen (the alternate screen has no history). */
  get length(): number {
    return this.term.buffer.active.length;
  }

  /** Buffer line shown on the view's first row (it moves with the scroll offset). */
  get viewTop(): number {
    return this.term.buffer.active.baseY - this.currentOffset();
  }

  /** One buffer line as plain cells, for copy mode: motions and the text of a selection. */
  line(y: number): TextLine | undefined {
    const line = this.term.buffer.active.getLine(y);
    if (!line) return undefined;
    const cells: TextCell[] = [];
    let cell: IBufferCell | undefined;
    for (let x = 0; x < this.term.cols; x++) {
      cell = line.getCell(x, cell);
      cells.push(cell ? { ch: cell.getChars(), width: cell.getWidth() } : { ch: '', width: 1 });
    }
    return { cells, wrapped: line.isWrapped };
  }

  /** The program's cursor in buffer coordinates (where copy mode starts). */
  programCursor(): { line: number; col: number; visible: boolean } {
    const buf = this.term.buffer.active;
    return { line: buf.baseY + buf.cursorY, col: Math.min(buf.cursorX, this.term.cols - 1), visible: !this.cursorHidden };
  }

  /** Scroll so that buffer line `top` is on the view's first row (clamped like `scrollTo`). */
  scrollToLine(top: number): void {
    this.scrollTo(this.term.buffer.active.baseY - top);
  }

  /** The program turned on bracketed paste (mode 2004): a paste goes framed in ESC[200~ / ESC[201~. */
  get bracketedPaste(): boolean {
    return this.term.modes.bracketedPasteMode;
  }

  dispose(): void {
    this.disposed = true;
    this.scheduler.dispose();
    this.term.dispose();
  }

  private currentOffset(): number {
    const buf = this.term.buffer.active;
    // The alternate screen has no scrollback: scroll mode shows the live screen there.
    if (buf.type === 'alternate') return 0;
    if (this.anchor === null) return 0;
    // Keep the same history line on top while output arrives below.
    this.offset = Math.max(0, Math.min(buf.baseY, buf.baseY - this.anchor));
    return this.offset;
  }

  private maxOffset(): number {
    const buf = this.term.buffer.active;
    return buf.type === 'alternate' ? 0 : buf.baseY;
  }

  private changed(): void {
    if (this.disposed) return;
    if (this.options.onDirty) this.options.onDirty();
    else if (this.options.onFrame) this.scheduler.request();
  }

  private emit(): void {
    if (!this.disposed) this.options.onFrame?.(this.frame());
  }
}
