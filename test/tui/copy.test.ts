// Copy mode over a real terminal model fed real bytes: the text of a selection (wrapped lines
// joined, wide characters once, trailing blanks dropped, history above the screen, whole-line
// selections), the cursor motions (words, line ends, view lines, edge scrolling, pages), and the
// bytes that reach the clipboard (OSC 52, tmux / screen passthrough) and a pane (paste).
import test from 'ava';
import { clipboardBytes, osc52, pasteBytes } from '../../src/tui/clipboard.js';
import { moveCopy, otherEnd, startCopy, type CopyMotion, type CopyView } from '../../src/tui/copy/motions.js';
import { copyOverlay, selectionRange, type CopyState, type Point } from '../../src/tui/copy/selection.js';
import { selectedText } from '../../src/tui/copy/text.js';
import { passthrough } from '../../src/tui/notify.js';
import { TerminalModel } from '../../src/tui/terminal/model.js';

async function model(text: string, cols: number, rows: number): Promise<TerminalModel> {
  const m = new TerminalModel({ cols, rows });
  m.write(text);
  await m.drain();
  return m;
}

const at = (line: number, col: number): Point => ({ line, col });
const chars = (s: CopyState, lines = false): CopyState => ({ ...s, lines });

/** Text from `a` to `b` (inclusive), as a character or whole-line selection. */
function textBetween(m: TerminalModel, a: Point, b: Point, lines = false): string {
  const range = selectionRange({ cursor: b, anchor: a, lines });
  if (!range) throw new Error('no selection');
  return selectedText(m, range);
}

/** Runs motions on the model the way the dashboard does: the view follows each result. */
function drive(m: TerminalModel, s: CopyState, ...motions: CopyMotion[]): CopyState {
  for (const motion of motions) {
    const moved = moveCopy(s, motion, m, { top: m.viewTop, rows: m.rows });
    m.scrollToLine(moved.top);
    s = moved.state;
  }
  return s;
}

test('text: a line wrapped at the edge is joined without a newline; a space at the edge is kept', async (t) => {
  const m = await model('abcdefghijKLMNO\r\nhello worl d!\r\nnext\r\n', 10, 6);
  t.teardown(() => m.dispose());
  t.false(m.line(0)!.wrapped);
  t.true(m.line(1)!.wrapped, 'xterm marks the continuation line');
  t.is(textBetween(m, at(0, 0), at(1, 0), true), 'abcdefghijKLMNO');
  t.is(textBetween(m, at(0, 3), at(1, 2)), 'defghijKLM');
  // "hello worl" fills the first row exactly, " d!" continues it: the space at the wrap stays.
  t.is(textBetween(m, at(2, 0), at(4, 9), true), 'hello worl d!\nnext');
});

test('text: wide characters once, also when the selection starts or ends on their right half', async (t) => {
  const m = await model('界a世b\r\nabcde界x\r\n', 6, 4);
  t.teardown(() => m.dispose());
  t.is(textBetween(m, at(0, 0), at(0, 5)), '界a世b');
  t.is(textBetween(m, at(0, 1), at(0, 4)), '界a世', 'from the right half of 界 to the right half of 世');
  t.is(textBetween(m, at(0, 3), at(0, 3)), '世');
  // 界 did not fit in the last column: it wrapped, leaving that cell empty; the copy has no gap.
  t.true(m.line(2)!.wrapped);
  t.is(textBetween(m, at(1, 0), at(2, 0), true), 'abcde界x');
});

test('text: trailing blanks of each line are dropped, blank lines stay, no final newline', async (t) => {
  const m = await model('foo   \r\n\r\n  bar \x1b[5Cbaz\r\n', 20, 4);
  t.teardown(() => m.dispose());
  t.is(textBetween(m, at(0, 0), at(2, 19), true), 'foo\n\n  bar      baz');
  t.is(textBetween(m, at(0, 0), at(0, 19)), 'foo');
  t.is(textBetween(m, at(2, 2), at(2, 5)), 'bar', 'a selection ending in blanks');
});

test('text: a selection in the history above the screen, and one larger than the view', async (t) => {
  let out = '';
  for (let i = 1; i <= 30; i++) out += `line ${i}\r\n`;
  const m = await model(out, 20, 5);
  t.teardown(() => m.dispose());
  t.is(m.length, 31);
  t.is(m.viewTop, 26);
  // History: lines 1..26 are above the screen.
  t.is(textBetween(m, at(2, 0), at(4, 19), true), 'line 3\nline 4\nline 5');
  t.is(textBetween(m, at(2, 5), at(3, 4)), '3\nline');

  // Through the motions: top of history, select lines, go to the bottom: the selection, anchored
  // in the buffer, spans far more than the five rows on screen.
  let s = startCopy(m, { top: m.viewTop, rows: m.rows }, m.programCursor());
  s = drive(m, s, 'top');
  t.is(m.viewTop, 0, 'g scrolls to the oldest line');
  s = { ...s, anchor: s.cursor, lines: true };
  s = drive(m, s, 'bottom', 'cursor-up');
  t.is(m.viewTop, 26);
  const text = selectedText(m, selectionRange(s)!);
  t.is(text.split('\n').length, 30);
  t.true(text.startsWith('line 1\nline 2\n'));
  t.true(text.endsWith('line 29\nline 30'));
});

test('text: the alternate screen (a full-screen program) copies what it shows', async (t) => {
  const m = await model('inline\r\n\x1b[?1049h\x1b[H\x1b[2J\x1b[2;3Hfull screen', 20, 4);
  t.teardown(() => m.dispose());
  t.is(m.length, 4, 'no history on the alternate screen');
  t.is(textBetween(m, at(0, 0), at(3, 19), true), '\n  full screen\n\n');
});

test('start: at the program cursor when it is in view, else bottom-left of the view', async (t) => {
  let out = '';
  for (let i = 1; i <= 12; i++) out += `line ${i}\r\n`;
  const m = await model(`${out}$ ls`, 20, 5);
  t.teardown(() => m.dispose());
  const view = (): CopyView => ({ top: m.viewTop, rows: m.rows });
  t.deepEqual(startCopy(m, view(), m.programCursor()).cursor, at(12, 4));
  m.scrollBy(6);
  t.is(m.viewTop, 2);
  t.deepEqual(startCopy(m, view(), m.programCursor()).cursor, at(2 + 4, 0), 'the cursor is below the view');
  m.scrollTo(0);
  t.deepEqual(startCopy(m, view(), { ...m.programCursor(), visible: false }).cursor, at(12, 0), 'hidden cursor: bottom-left');
});

test('motions: h/l stay on the line and step over wide characters; j/k past the edges scroll', async (t) => {
  let out = '';
  for (let i = 1; i <= 20; i++) out += `${i === 20 ? 'x界y' : `line ${i}`}\r\n`;
  const m = await model(out, 10, 5);
  t.teardown(() => m.dispose());
  const start: CopyState = { cursor: at(19, 0), anchor: null, lines: false };
  let s = drive(m, start, 'cursor-right');
  t.is(s.cursor.col, 1);
  s = drive(m, s, 'cursor-right');
  t.is(s.cursor.col, 3, 'over both halves of 界');
  s = drive(m, s, 'cursor-left');
  t.is(s.cursor.col, 1, 'back onto the left half');
  s = drive(m, s, 'cursor-left', 'cursor-left');
  t.is(s.cursor.col, 0, 'h stops at the line start');

  // The view shows lines 16..20; k from its top row scrolls history by one line.
  t.is(m.viewTop, 16);
  s = drive(m, { ...s, cursor: at(16, 0) }, 'cursor-up');
  t.deepEqual([s.cursor.line, m.viewTop], [15, 15]);
  s = drive(m, s, 'cursor-up', 'cursor-up');
  t.deepEqual([s.cursor.line, m.viewTop], [13, 13]);
  // j inside the view does not scroll; past the bottom row it does.
  s = drive(m, s, 'cursor-down', 'cursor-down', 'cursor-down', 'cursor-down');
  t.deepEqual([s.cursor.line, m.viewTop], [17, 13]);
  s = drive(m, s, 'cursor-down');
  t.deepEqual([s.cursor.line, m.viewTop], [18, 14]);
  s = drive(m, s, 'top', 'cursor-up');
  t.deepEqual([s.cursor.line, m.viewTop], [0, 0], 'nothing above the oldest line');
  s = drive(m, s, 'bottom', 'cursor-down', 'cursor-down');
  t.deepEqual([s.cursor.line, m.viewTop], [m.length - 1, 16], 'nothing below the newest line');
});

test('motions: w / b / e by vi word classes, across lines, and through a wrapped line', async (t) => {
  const m = await model('foo bar-baz  qux\r\n  next(line)\r\nabcdefghijklmnopqrstuvwxyz! end\r\n', 20, 6);
  t.teardown(() => m.dispose());
  const cols = (s: CopyState, motion: CopyMotion, n: number): Point[] => {
    const out: Point[] = [];
    for (let i = 0; i < n; i++) {
      s = moveCopy(s, motion, m, { top: 0, rows: 6 }).state;
      out.push(s.cursor);
    }
    return out;
  };
  const from = (p: Point): CopyState => ({ cursor: p, anchor: null, lines: false });
  t.deepEqual(cols(from(at(0, 0)), 'next-word', 7), [at(0, 4), at(0, 7), at(0, 8), at(0, 13), at(1, 2), at(1, 6), at(1, 7)]);
  t.deepEqual(cols(from(at(1, 7)), 'previous-word', 6), [at(1, 6), at(1, 2), at(0, 13), at(0, 8), at(0, 7), at(0, 4)]);
  t.deepEqual(cols(from(at(0, 0)), 'next-word-end', 5), [at(0, 2), at(0, 6), at(0, 7), at(0, 10), at(0, 15)]);
  // The 26 letters wrap at 20 columns: still one word for w, e and b.
  t.true(m.line(3)!.wrapped);
  t.deepEqual(cols(from(at(2, 0)), 'next-word-end', 1), [at(3, 5)]);
  t.deepEqual(cols(from(at(2, 0)), 'next-word', 1), [at(3, 6)], 'the ! after the letters');
  t.deepEqual(cols(from(at(3, 4)), 'previous-word', 1), [at(2, 0)]);
});

test('motions: 0 ^ $ follow the logical line; H M L the view; o swaps the selection ends', async (t) => {
  const m = await model('   indented text\r\n    a wrapped line that goes on\r\n', 20, 6);
  t.teardown(() => m.dispose());
  const go = (p: Point, motion: CopyMotion): Point => moveCopy({ cursor: p, anchor: null, lines: false }, motion, m, { top: 0, rows: 6 }).state.cursor;
  t.deepEqual(go(at(0, 9), 'start-of-line'), at(0, 0));
  t.deepEqual(go(at(0, 9), 'back-to-indentation'), at(0, 3));
  t.deepEqual(go(at(0, 0), 'end-of-line'), at(0, 15));
  // Line 2 continues line 1 (wrapped): $ goes to the end of it, 0 and ^ back to line 1.
  t.true(m.line(2)!.wrapped);
  t.deepEqual(go(at(1, 0), 'end-of-line'), at(2, 10));
  t.deepEqual(go(at(2, 5), 'start-of-line'), at(1, 0));
  t.deepEqual(go(at(2, 5), 'back-to-indentation'), at(1, 4));
  t.deepEqual(go(at(3, 3), 'end-of-line'), at(3, 0), 'a blank line: its start');
  t.deepEqual([go(at(4, 2), 'top-line'), go(at(0, 2), 'middle-line'), go(at(0, 2), 'bottom-line')], [at(0, 2), at(2, 2), at(5, 2)]);

  const s: CopyState = { cursor: at(1, 4), anchor: at(0, 3), lines: false };
  const swapped = otherEnd(s, m, { top: 0, rows: 6 }).state;
  t.deepEqual([swapped.cursor, swapped.anchor], [at(0, 3), at(1, 4)]);
  t.deepEqual(selectionRange(swapped), selectionRange(s), 'the same text stays selected');
});

test('motions: pages keep the cursor on its view row; C-y / C-e scroll with the cursor kept in view', async (t) => {
  let out = '';
  for (let i = 1; i <= 40; i++) out += `line ${i}\r\n`;
  const m = await model(out, 20, 10);
  t.teardown(() => m.dispose());
  t.is(m.viewTop, 31);
  let s = drive(m, { cursor: at(34, 0), anchor: null, lines: false }, 'page-up');
  t.deepEqual([s.cursor.line, m.viewTop], [24, 21]);
  s = drive(m, s, 'half-up');
  t.deepEqual([s.cursor.line, m.viewTop], [19, 16]);
  s = drive(m, s, 'page-down', 'half-down');
  t.deepEqual([s.cursor.line, m.viewTop], [34, 31]);
  s = drive(m, s, 'page-up', 'page-up', 'page-up', 'page-up');
  t.deepEqual([s.cursor.line, m.viewTop], [0, 0], 'paging past the oldest line stops there');
  s = drive(m, { cursor: at(9, 0), anchor: null, lines: false }, 'line-down');
  t.deepEqual([s.cursor.line, m.viewTop], [9, 1], 'the view moved, the cursor stayed');
  s = drive(m, { cursor: at(1, 0), anchor: null, lines: false }, 'line-down');
  t.deepEqual([s.cursor.line, m.viewTop], [2, 2], 'a cursor leaving the view comes along');
  s = drive(m, s, 'line-up');
  t.deepEqual([s.cursor.line, m.viewTop], [2, 1]);
});

test('overlay: selected columns per view row, whole width between the ends, cursor in view coordinates', (t) => {
  const s: CopyState = { cursor: at(12, 3), anchor: at(10, 5), lines: false };
  const o = copyOverlay(s, 9, 5, 8);
  t.deepEqual(o.spans, [null, [5, 8], [0, 8], [0, 4], null]);
  t.deepEqual(o.cursor, { x: 3, y: 3 });
  t.deepEqual(copyOverlay(chars(s, true), 9, 5, 8).spans, [null, [0, 8], [0, 8], [0, 8], null]);
  t.is(copyOverlay(s, 20, 5, 8).cursor, null, 'scrolled away from the cursor');
  t.deepEqual(copyOverlay({ ...s, anchor: null }, 9, 5, 8).spans, [null, null, null, null, null]);
});

test('OSC 52: base64 of the UTF-8 text, BEL-terminated; tmux gets it bare and wrapped, screen in pieces', (t) => {
  t.is(osc52('hi'), '\x1b]52;c;aGk=\x07');
  t.is(osc52('界'), `\x1b]52;c;${Buffer.from('界').toString('base64')}\x07`);
  t.is(clipboardBytes('hi', null), '\x1b]52;c;aGk=\x07');
  t.is(clipboardBytes('hi', 'tmux'), '\x1b]52;c;aGk=\x07\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\');
  t.is(clipboardBytes('hi', 'tmux'), osc52('hi') + passthrough(osc52('hi'), 'tmux'));
  t.is(clipboardBytes('hi', 'screen'), '\x1bP\x1b]52;c;aGk=\x07\x1b\\');

  const long = 'copy mode '.repeat(100);
  const screen = clipboardBytes(long, 'screen');
  const pieces = screen.split('\x1b\\').filter((p) => p !== '');
  t.true(pieces.length > 10);
  for (const p of pieces) {
    t.true(p.startsWith('\x1bP'));
    t.true(p.length < 768, 'screen forwards short DCS strings only');
  }
  const b64 = pieces.map((p) => p.slice(2)).join('').replace('\x1b]52;c;', '').replace('\x07', '');
  t.is(Buffer.from(b64, 'base64').toString('utf8'), long);
});

test('paste: newlines as carriage returns; bracketed when the program asked for it', (t) => {
  t.is(pasteBytes('echo a\necho b', false), 'echo a\recho b');
  t.is(pasteBytes('echo a\necho b', true), '\x1b[200~echo a\recho b\x1b[201~');
  t.is(pasteBytes('x\x1b[201~; rm -rf ~', true), '\x1b[200~x; rm -rf ~\x1b[201~', 'the text cannot end the paste early');
});

test('the model reports bracketed paste mode (2004) as the program sets it', async (t) => {
  const m = await model('$ ', 20, 2);
  t.teardown(() => m.dispose());
  t.false(m.bracketedPaste);
  m.write('\x1b[?2004h');
  await m.drain();
  t.true(m.bracketedPaste);
  m.write('\x1b[?2004l');
  await m.drain();
  t.false(m.bracketedPaste);
});

test('a block (C-v) takes the same columns of each line, trailing blanks dropped, wrapped lines not joined', async (t) => {
  const m = await model('alpha beta gamma\r\nab\r\nonetwothreefourfive\r\n', 10, 8);
  t.teardown(() => m.dispose());
  // Line 0 "alpha beta", line 1 " gamma" (wrapped), line 2 "ab", line 3 "onetwothre", line 4 "efourfive".
  t.true(m.line(1)!.wrapped);
  const s: CopyState = { cursor: at(3, 4), anchor: at(0, 1), lines: false, rect: true };
  const r = selectionRange(s)!;
  t.deepEqual(r, { start: at(0, 1), end: at(3, 4), lines: false, rect: true });
  t.is(selectedText(m, r), 'lpha\ngamm\nb\nnetw');
  // The corners can be any two opposite ones.
  t.deepEqual(selectionRange({ ...s, cursor: at(0, 4), anchor: at(3, 1) }), r);
  // Drawn as the same columns on every line of the block.
  t.deepEqual(copyOverlay(s, 0, 5, 10).spans, [[1, 5], [1, 5], [1, 5], [1, 5], null]);
  // V wins over a block: whole lines.
  t.is(selectionRange({ ...s, lines: true })!.rect, undefined);
});
