// Ink's full-screen frames written as changed lines only, and the panes under those lines drawn
// again: fed to a terminal emulator, the result is the same screen as writing every frame whole.
import test from 'ava';
import xterm from '@xterm/headless';
import { InkFrameDiff } from '../../src/tui/ink-frames.js';
import { TerminalModel } from '../../src/tui/terminal/model.js';
import { TerminalPainter } from '../../src/tui/terminal/painter.js';

const { Terminal } = xterm;
const CLEAR = '\x1b[2J\x1b[3J\x1b[H';

async function screenOf(bytes: string[], cols = 20, rows = 5): Promise<string[]> {
  // convertEol: the outer TTY turns Ink's line feeds into CR LF (ONLCR stays on in raw mode).
  const term = new Terminal({ cols, rows, allowProposedApi: true, convertEol: true });
  for (const b of bytes) await new Promise<void>((r) => term.write(b, r));
  const out: string[] = [];
  for (let y = 0; y < rows; y++) out.push(term.buffer.active.getLine(y)!.translateToString(true).trimEnd());
  term.dispose();
  return out;
}

test('only changed lines are written; the screen ends up the same as with whole frames', async (t) => {
  const diff = new InkFrameDiff();
  const first = `${CLEAR}title\nleft │ right\n\x1b[1mstatus 1s\x1b[22m`;
  const second = `${CLEAR}title\nleft │ right\n\x1b[1mstatus 2s\x1b[22m`;
  const a = diff.apply(first);
  t.is(a.rows, 'all');
  t.is(a.bytes, first);
  const b = diff.apply(second);
  t.deepEqual(b.rows !== 'all' ? [...b.rows] : b.rows, [2]);
  t.false(b.bytes.includes('title'), 'an unchanged line is not written again');
  t.true(b.bytes.startsWith('\x1b[3;1H'));
  t.deepEqual(await screenOf([a.bytes, b.bytes]), await screenOf([second]));

  // The same frame again writes nothing.
  const c = diff.apply(second);
  t.deepEqual(c.rows !== 'all' ? c.rows.size : c.rows, 0);
  t.is(c.bytes, '');

  // A shorter frame erases the lines it no longer has.
  const d = diff.apply(`${CLEAR}title\nleft │ right`);
  t.deepEqual(d.rows !== 'all' ? [...d.rows] : d.rows, [2]);
  t.deepEqual(await screenOf([a.bytes, b.bytes, d.bytes]), ['title', 'left │ right', '', '', '']);
});

test('a frame that is not full-screen passes through whole and restarts the comparison', (t) => {
  const diff = new InkFrameDiff();
  diff.apply(`${CLEAR}one\ntwo`);
  const log = diff.apply('\x1b[2K\x1b[1Aone\ntwo\n');
  t.is(log.rows, 'all');
  t.is(log.bytes, '\x1b[2K\x1b[1Aone\ntwo\n');
  // The next full frame is written whole again, even though its text is unchanged.
  const next = diff.apply(`${CLEAR}one\ntwo`);
  t.is(next.rows, 'all');
  diff.reset();
  t.is(diff.apply(`${CLEAR}one\ntwo`).rows, 'all');
});

test('repaintRows draws only the pane rows on the given screen rows', async (t) => {
  const left = new TerminalModel({ cols: 8, rows: 3 });
  const right = new TerminalModel({ cols: 8, rows: 3 });
  t.teardown(() => (left.dispose(), right.dispose()));
  left.write('L0\r\nL1\r\nL2');
  right.write('R0\r\nR1\r\nR2');
  await Promise.all([left.drain(), right.drain()]);
  const painter = new TerminalPainter(() => undefined);
  t.teardown(() => painter.dispose());
  painter.track('l', left);
  painter.track('r', right);
  painter.setPanes([
    { session: 'l', x: 0, y: 1, width: 8, height: 3, cursor: false },
    { session: 'r', x: 9, y: 1, width: 8, height: 2, cursor: false },
  ]);
  const whole = painter.repaintAll();
  const again = painter.repaintRows(new Set([3]));
  // Screen row 3 is the left pane's third row; the right pane (rows 1-2) is not touched.
  t.true(again.includes('\x1b[4;1H') && again.includes('L2'), again);
  t.false(again.includes('L0') || again.includes('L1') || again.includes('R'), again);
  // Over a screen whose row 3 was erased, the repaint restores it.
  const erased = `${whole}\x1b[4;1H\x1b[2K`;
  t.deepEqual(await screenOf([erased, again]), await screenOf([whole]));
  t.is(painter.repaintRows(new Set([0])), '', 'no pane on that row');
});
