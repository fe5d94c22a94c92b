// The pane painter: the bytes it writes for a row (styles as SGR, padding with ECH, the block
// cursor), that a frame redraws only the rows that changed, and that the result, fed to a
// terminal emulator, shows the pane's text at the pane's place.
import test from 'ava';
import xterm from '@xterm/headless';
import { TerminalModel } from '../../src/tui/terminal/model.js';
import { rowBytes, sgr, TerminalPainter } from '../../src/tui/terminal/painter.js';
import { PLAIN, StyleTable } from '../../src/tui/terminal/style.js';

const { Terminal } = xterm;

async function model(text: string, cols = 10, rows = 3): Promise<TerminalModel> {
  const m = new TerminalModel({ cols, rows });
  m.write(text);
  await m.drain();
  return m;
}

test('SGR per style: attributes, 16 / 256 / truecolor, cached by identity', (t) => {
  const styles = new StyleTable();
  t.is(sgr(PLAIN), '\x1b[0m');
  t.is(sgr(styles.get(1, null, 1)), '\x1b[0;1;31m');
  t.is(sgr(styles.get(9, 4, 0)), '\x1b[0;91;44m');
  t.is(sgr(styles.get(208, '#0a141e', 0)), '\x1b[0;38;5;208;48;2;10;20;30m');
  t.is(sgr(styles.get(208, '#0a141e', 0)), sgr(styles.get(208, '#0a141e', 0)));
});

test('a row is exactly the pane width: padded by ECH, cut at the edge, cursor as an inverse cell', async (t) => {
  const m = await model('ab\x1b[32mcd\x1b[0m');
  t.teardown(() => m.dispose());
  const row = m.frame().rows[0]!;
  t.is(rowBytes(row, 10), '\x1b[0mab\x1b[0;32mcd\x1b[0m\x1b[6X');
  t.is(rowBytes(row, 3), '\x1b[0mab\x1b[0;32mc');
  t.true(rowBytes(row, 10, 6).includes('\x1b[2X\x1b[2C\x1b[7m \x1b[0m\x1b[3X'));
  t.true(rowBytes(row, 10, 1).startsWith('\x1b[0ma\x1b[0m\x1b[7mb'));
});

test('a frame redraws only changed rows, at the pane position, and reproduces the pane on a terminal', async (t) => {
  const m = await model('one\r\ntwo\r\nthree');
  t.teardown(() => m.dispose());
  const writes: string[] = [];
  const painter = new TerminalPainter((b) => writes.push(b));
  t.teardown(() => painter.dispose());
  painter.track('s', m);
  painter.setPanes([{ session: 's', x: 5, y: 2, width: 10, height: 3, cursor: false }]);
  const full = painter.repaintAll();
  t.true(full.includes('\x1b[3;6H') && full.includes('\x1b[4;6H') && full.includes('\x1b[5;6H'));

  const screen = new Terminal({ cols: 20, rows: 6, allowProposedApi: true });
  t.teardown(() => screen.dispose());
  await new Promise<void>((r) => screen.write(full, r));
  const line = (y: number) => screen.buffer.active.getLine(y)!.translateToString(true).trimEnd();
  t.deepEqual([line(2), line(3), line(4)], ['     one', '     two', '     three']);

  // Only the changed last row is written on the next frame.
  m.write('!');
  await m.drain();
  painter.changed('s', true);
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  const frame = writes.join('');
  t.true(frame.includes('\x1b[5;6H'));
  t.false(frame.includes('\x1b[3;6H'));
  t.false(frame.includes('\x1b[4;6H'));
  await new Promise<void>((r) => screen.write(frame, r));
  t.is(line(4), '     three!');
});

/** The screen after `bytes`: per row, `#` for an inverse cell and `.` for the others. */
async function inverseCells(screen: InstanceType<typeof Terminal>, bytes: string): Promise<string[]> {
  await new Promise<void>((r) => screen.write(bytes, r));
  const out: string[] = [];
  for (let y = 0; y < screen.rows; y++) {
    let row = '';
    for (let x = 0; x < screen.cols; x++) row += screen.buffer.active.getLine(y)!.getCell(x)!.isInverse() ? '#' : '.';
    out.push(row);
  }
  return out;
}

test('rowBytes: selected columns inverse, blanks included; the cursor inside the selection is not', async (t) => {
  const m = await model('ab\x1b[32mcd\x1b[0m\x1b[7mef\x1b[0m');
  t.teardown(() => m.dispose());
  const row = m.frame().rows[0]!;
  const screen = new Terminal({ cols: 10, rows: 3, allowProposedApi: true });
  t.teardown(() => screen.dispose());
  const bytes = `\x1b[1;1H${rowBytes(row, 10, -1, [1, 8])}\x1b[2;1H${rowBytes(row, 10, 3, [0, 4])}\x1b[3;1H${rowBytes(row, 10, 8, [7, 10])}`;
  // `ef` is inverse in the program's own output: selected, it is drawn the other way round.
  t.deepEqual(await inverseCells(screen, bytes), ['.###..##..', '###.##....', '....##.#.#']);
  t.is(screen.buffer.active.getLine(0)!.translateToString(true).trimEnd(), 'abcdef');
  t.is(rowBytes(row, 10), rowBytes(row, 10, -1, null), 'no selection: the same bytes as before');
});

test('copy mode in a pane: exactly the selected cells inverse; a selection change redraws only its rows', async (t) => {
  let text = '';
  for (let i = 0; i < 10; i++) text += `row ${i}\r\n`;
  const m = await model(text, 8, 4);
  t.teardown(() => m.dispose());
  // Back in history: the view shows buffer lines 3..6 (`row 3`..`row 6`).
  m.scrollToLine(3);
  const writes: string[] = [];
  const painter = new TerminalPainter((b) => writes.push(b));
  t.teardown(() => painter.dispose());
  painter.track('s', m);
  const pane = { session: 's', x: 2, y: 1, width: 8, height: 4, cursor: false };
  const screen = new Terminal({ cols: 12, rows: 6, allowProposedApi: true });
  t.teardown(() => screen.dispose());
  // No selection yet: the copy cursor alone, on the `w` of `row 4`.
  painter.setPanes([{ ...pane, copy: { cursor: { line: 4, col: 2 }, anchor: null, lines: false } }]);
  t.deepEqual(await inverseCells(screen, painter.repaintAll()), ['............', '............', '....#.......', '............', '............', '............']);
  // From `3` on `row 3` to the cursor.
  painter.setPanes([{ ...pane, copy: { cursor: { line: 4, col: 2 }, anchor: { line: 3, col: 4 }, lines: false } }]);
  t.deepEqual(await inverseCells(screen, painter.repaintAll()), [
    '............',
    '......####..',
    '..##........',
    '............',
    '............',
    '............',
  ]);
  const line = (y: number) => screen.buffer.active.getLine(y)!.translateToString(true).trimEnd();
  t.deepEqual([line(1), line(2), line(3), line(4)], ['  row 3', '  row 4', '  row 5', '  row 6']);

  // The cursor goes down a line: the pane's second and third rows change (screen rows 3 and 4,
  // 1-based), its first row keeps its selection and is not written again.
  writes.length = 0;
  painter.setPanes([{ ...pane, copy: { cursor: { line: 5, col: 2 }, anchor: { line: 3, col: 4 }, lines: false } }]);
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  const frame = writes.join('');
  t.false(frame.includes('\x1b[2;3H'), 'the first row is unchanged');
  t.true(frame.includes('\x1b[3;3H') && frame.includes('\x1b[4;3H'));
  t.false(frame.includes('\x1b[5;3H'), 'the last row is unchanged');
  t.deepEqual(await inverseCells(screen, frame), [
    '............',
    '......####..',
    '..########..',
    '..##........',
    '............',
    '............',
  ]);

  // Same selection, nothing moved: nothing is written.
  writes.length = 0;
  painter.setPanes([{ ...pane, copy: { cursor: { line: 5, col: 2 }, anchor: { line: 3, col: 4 }, lines: false } }]);
  await new Promise((r) => setImmediate(r));
  t.deepEqual(writes, []);

  // The view scrolls one line back: the selection stays on its text, one screen row lower.
  writes.length = 0;
  m.scrollToLine(2);
  painter.changed('s', true);
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  t.deepEqual(await inverseCells(screen, writes.join('')), [
    '............',
    '............',
    '......####..',
    '..########..',
    '..##........',
    '............',
  ]);
  t.is(screen.buffer.active.getLine(2)!.translateToString(true).trimEnd(), '  row 3');

  // Copy mode left: the selected rows are drawn plain again.
  painter.setPanes([pane]);
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  t.deepEqual(await inverseCells(screen, writes.join('')), ['', '', '', '', '', ''].map(() => '............'));
});
