// The patch that lets xterm's recycled scrollback lines keep their empty maps: it is in place for
// the xterm this project pins, recycled lines still read exactly what was written (combined
// characters and extended attributes neither lost nor carried over), and the maps really are kept.
import test from 'ava';
import xterm from '@xterm/headless';
import { reuseRecycledLineMaps } from '../../src/tui/terminal/line-recycling.js';
import { TerminalModel } from '../../src/tui/terminal/model.js';

const { Terminal } = xterm;

/** The line objects of a terminal's normal buffer (internal, as the patch itself reaches them). */
interface LineObject {
  _combined: object;
  _extendedAttrs: object;
}
function lines(term: InstanceType<typeof Terminal>): { get(i: number): LineObject; length: number } {
  return (term as unknown as { _core: { buffer: { lines: { get(i: number): LineObject; length: number } } } })._core.buffer.lines;
}
const write = (term: InstanceType<typeof Terminal>, data: string) => new Promise<void>((resolve) => term.write(data, resolve));

test('the patch is in place for the pinned xterm (another version needs it re-checked)', (t) => {
  const term = new Terminal({ cols: 10, rows: 2, allowProposedApi: true });
  t.teardown(() => term.dispose());
  t.true(reuseRecycledLineMaps(term));
});

test('a recycled line keeps its empty maps, and gets a new empty one once it held an entry', async (t) => {
  const term = new Terminal({ cols: 10, rows: 3, scrollback: 2, allowProposedApi: true });
  t.teardown(() => term.dispose());
  t.true(reuseRecycledLineMaps(term));
  const buf = lines(term);
  // Fill the buffer (3 rows + 2 of scrollback), so the next line feed recycles the oldest line.
  await write(term, 'a\r\nb\r\nc\r\nd\r\ne');
  t.is(buf.length, 5);
  const oldest = buf.get(0);
  const maps = { combined: oldest._combined, extended: oldest._extendedAttrs };
  await write(term, '\r\nf');
  const recycled = buf.get(buf.length - 1);
  t.is(recycled, oldest, 'xterm recycled the oldest line object for the new one');
  t.is(recycled._combined, maps.combined, 'its empty map of combined characters was kept');
  t.is(recycled._extendedAttrs, maps.extended, 'and its empty map of extended attributes');
  t.is(term.buffer.active.getLine(buf.length - 1)?.translateToString(true), 'f');

  // A line holding a combined character, once recycled, gets a new empty map, not its old one.
  await write(term, '\r\ne\u0301');
  const accented = buf.get(buf.length - 1);
  const full = accented._combined;
  t.is(Object.keys(full).length, 1);
  await write(term, '\r\n1\r\n2\r\n3\r\n4\r\n5');
  t.is(buf.get(buf.length - 1), accented, 'the accented line came round again');
  t.not(accented._combined, full);
  t.deepEqual(Object.keys(accented._combined), []);
});

test('combined characters and extended attributes survive scrolling through recycled lines', async (t) => {
  const m = new TerminalModel({ cols: 12, rows: 3, scrollback: 4 });
  t.teardown(() => m.dispose());
  const term = new Terminal({ cols: 12, rows: 3, scrollback: 4, allowProposedApi: true });
  t.teardown(() => term.dispose());
  // Line k: a combining acute on an e (a combined cell) every third line, and a curly underline
  // (an extended attribute) every fourth, over several full turns of the 7-line buffer.
  const written: string[] = [];
  let out = '';
  for (let k = 0; k < 40; k++) {
    const accent = k % 3 === 0 ? 'e\u0301' : 'e';
    const text = `${String(k).padStart(2, '0')} ${accent}x`;
    written.push(`${String(k).padStart(2, '0')} ${accent}x`);
    out += k % 4 === 0 ? `${String(k).padStart(2, '0')} \x1b[4:3m${accent}\x1b[24mx` : text;
    if (k < 39) out += '\r\n';
  }
  m.write(out);
  await m.drain();
  await write(term, out);
  t.is(m.length, 7);
  const first = 40 - 7;
  for (let y = 0; y < 7; y++) {
    const cells = m.line(y)!.cells;
    const text = cells.map((c) => c.ch).join('').trimEnd();
    t.is(text, written[first + y]!, `line ${y}: what was written there, no accent lost or carried over`);
    const k = first + y;
    const line = lines(term).get(y);
    t.is(Object.keys(line._combined).length, k % 3 === 0 ? 1 : 0, `line ${y}: a combined cell only where one was written`);
    t.is(Object.keys(line._extendedAttrs).length, k % 4 === 0 ? 1 : 0, `line ${y}: an extended attribute only where one was written`);
  }
});
