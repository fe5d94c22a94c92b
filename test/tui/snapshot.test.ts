// Reading rows out of xterm: the fast path (xterm's cell words, compared in place) yields exactly
// the cells the public API yields, for text with colors, attributes, wide and combining characters
// and lines of every length, and reports a row as changed exactly when its content changed.
import test from 'ava';
import xterm from '@xterm/headless';
import type { IBuffer, IBufferLine } from '@xterm/headless';
import { RowReader } from '../../src/tui/terminal/snapshot.js';
import { StyleTable } from '../../src/tui/terminal/style.js';

const { Terminal } = xterm;

/** The same buffer seen only through the public API (no internals to reach). */
function publicOnly(buffer: IBuffer): IBuffer {
  const wrap = (line: IBufferLine | undefined): IBufferLine | undefined =>
    line && ({ get isWrapped() { return line.isWrapped; }, get length() { return line.length; }, getCell: (x, cell) => line.getCell(x, cell), translateToString: (trim, start, end) => line.translateToString(trim, start, end) } as IBufferLine);
  return new Proxy(buffer, { get: (target, prop) => (prop === 'getLine' ? (y: number) => wrap(target.getLine(y)) : Reflect.get(target, prop, target)) });
}

async function terminalWith(text: string, cols = 24, rows = 6) {
  const term = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 50 });
  await new Promise<void>((r) => term.write(text, r));
  return term;
}

const RICH = [
  'plain text\r\n',
  '\x1b[1;31mbold red\x1b[0m \x1b[2;3;4mdim italic underline\x1b[0m\r\n',
  '\x1b[7minverse\x1b[27m \x1b[9mstruck\x1b[29m \x1b[8mhidden\x1b[28m\r\n',
  '\x1b[38;5;208m256\x1b[48;2;10;20;30m truecolor bg \x1b[0m\r\n',
  '漢字 wide, e\u0301 combined, 👍🏽 emoji\r\n',
  '\x1b[44m   blue tail to the edge of the line that wraps around\x1b[0m\r\n',
  'last',
].join('');

test('the fast path reads the same cells as the public API', async (t) => {
  const term = await terminalWith(RICH);
  t.teardown(() => term.dispose());
  const buf = term.buffer.active;
  const fast = new RowReader(new StyleTable()).read(buf, 0, buf.length, term.cols);
  const slow = new RowReader(new StyleTable()).read(publicOnly(buf), 0, buf.length, term.cols);
  t.is(fast.length, slow.length);
  for (let y = 0; y < fast.length; y++) t.deepEqual(fast[y]!.cells, slow[y]!.cells, `row ${y}`);
  // Sanity: the rows are not blank and the styles are there.
  t.true(fast[1]!.cells[0]!.style.bold && fast[1]!.cells[0]!.style.fg === 1);
  const wide = fast.find((r) => r.cells[0]!.ch === '漢');
  t.truthy(wide, 'the wide-character line is read');
  t.is(wide!.cells[0]!.width, 2);
  t.is(wide!.cells[1]!.width, 0);
  t.true(fast.some((r) => r.cells.some((c) => c.ch === 'e\u0301')), 'the combined character is read whole');
});

test('a row keeps its identity until its content changes, on both paths', async (t) => {
  for (const view of [(b: IBuffer) => b, publicOnly]) {
    const term = await terminalWith('one\r\ntwo\r\nthree', 10, 3);
    const reader = new RowReader(new StyleTable());
    const first = reader.read(view(term.buffer.active), 0, 3, 10);
    const same = reader.read(view(term.buffer.active), 0, 3, 10);
    t.is(same[0], first[0]);
    t.is(same[2], first[2]);
    await new Promise<void>((r) => term.write('\x1b[1m!', r));
    const after = reader.read(view(term.buffer.active), 0, 3, 10);
    t.is(after[0], first[0], 'an unchanged row is the same object');
    t.not(after[2], first[2], 'the changed row is new');
    t.true(after[2]!.version > first[2]!.version);
    // A style change alone (same characters) is a change too.
    await new Promise<void>((r) => term.write('\x1b[0m\r\x1b[32mthree!', r));
    const recolored = reader.read(view(term.buffer.active), 0, 3, 10);
    t.not(recolored[2], after[2]);
    t.is(recolored[2]!.cells[0]!.style.fg, 2);
    term.dispose();
  }
});

test('cells are interned by style and character, also after the table starts over', async (t) => {
  // Two rows with the same red "ab", then more distinct characters than the table keeps (16384),
  // then the red "ab" again: each read of the same character in the same style is one object.
  const term = new Terminal({ cols: 40, rows: 4, allowProposedApi: true, scrollback: 0 });
  t.teardown(() => term.dispose());
  const write = (text: string) => new Promise<void>((r) => term.write(text, r));
  const reader = new RowReader(new StyleTable());
  await write('\x1b[31mab\r\nab\x1b[0m');
  const [one, two] = reader.read(term.buffer.active, 0, 2, 40);
  t.is(one!.cells[0], two!.cells[0], 'the same red a');
  t.is(one!.cells[1], two!.cells[1], 'the same red b');
  t.not(one!.cells[0], one!.cells[1]);
  // 17,000 distinct CJK characters, 20 to a row; each row read twice (the reader told to forget
  // the first read, so the second builds the row again from the table). Only the row in which the
  // table starts over may differ: its cells read before that point are gone with the old table.
  let differing = 0;
  for (let k = 0; k < 17_000; k += 20) {
    const row = Array.from({ length: 20 }, (_, i) => String.fromCodePoint(0x4e00 + k + i)).join('');
    await write(`\x1b[H${row}`);
    const first = reader.read(term.buffer.active, 0, 1, 40)[0]!;
    reader.invalidate();
    const again = reader.read(term.buffer.active, 0, 1, 40)[0]!;
    t.not(first, again);
    if (!first.cells.every((c, x) => c === again.cells[x])) differing++;
  }
  t.is(differing, 1, 'the table started over once, and every other row was read from it');
  await write('\x1b[H\x1b[2J\x1b[31mab\r\nab\x1b[0m');
  const [three, four] = reader.read(term.buffer.active, 0, 2, 40);
  t.is(three!.cells[0]!.ch, 'a');
  t.is(three!.cells[0], four!.cells[0], 'interned again after the table started over');
  t.is(three!.cells[1], four!.cells[1]);
});
