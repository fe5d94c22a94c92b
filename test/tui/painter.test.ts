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
