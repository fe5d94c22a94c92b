// Colors reach the screen. Ink colors through chalk, which decides the color level once, when
// first loaded — and the test runner has loaded it already, without colors since its output is
// no terminal. Ink's chalk is the same hoisted instance, so the level is raised here directly.
import test from 'ava';
import chalk from 'chalk';
import xterm from '@xterm/headless';
import { render } from 'ink-testing-library';
import { TerminalPane } from '../../src/tui/components/TerminalPane.js';
import { copyOverlay } from '../../src/tui/copy/selection.js';
import { TerminalModel } from '../../src/tui/terminal/model.js';

chalk.level = 3;

test('TerminalPane emits the cells colors and attributes, and the cursor', async (t) => {
  const m = new TerminalModel({ cols: 20, rows: 2 });
  t.teardown(() => m.dispose());
  m.write('\x1b[1;31mred\x1b[0m \x1b[38;2;10;20;30mtc\x1b[0m \x1b[38;5;208mo\x1b[0m');
  await m.drain();
  const r = render(<TerminalPane frame={m.frame()} width={20} height={2} showCursor />);
  const out = r.lastFrame() ?? "";
  r.unmount();
  t.true(out.includes('\x1b[31m'), 'palette red');
  t.true(out.includes('\x1b[1m'), 'bold');
  t.true(out.includes('\x1b[38;2;10;20;30m'), 'truecolor');
  t.true(out.includes('\x1b[38;5;208m'), '256 colors');
  t.true(out.includes('\x1b[7m'), 'cursor drawn inverse');
});

/** Ink's frame on a terminal emulator: per row, `#` for an inverse cell and `.` for the others. */
async function inverseCells(frame: string, cols: number, rows: number): Promise<string[]> {
  const screen = new xterm.Terminal({ cols, rows, allowProposedApi: true });
  await new Promise<void>((r) => screen.write(frame.replaceAll('\n', '\r\n'), r));
  const out: string[] = [];
  for (let y = 0; y < rows; y++) {
    let row = '';
    for (let x = 0; x < cols; x++) row += screen.buffer.active.getLine(y)!.getCell(x)!.isInverse() ? '#' : '.';
    out.push(row);
  }
  screen.dispose();
  return out;
}

test('TerminalPane draws copy mode: the selection inverse over history, the copy cursor not', async (t) => {
  const m = new TerminalModel({ cols: 12, rows: 3 });
  t.teardown(() => m.dispose());
  m.write('one\r\ntwo\r\nthree\r\nfour\r\n');
  await m.drain();
  // Scrolled back one line: the view shows buffer lines 1..3 (two, three, four).
  m.scrollToLine(1);
  const f = m.frame();
  const overlay = copyOverlay({ cursor: { line: 2, col: 2 }, anchor: { line: 1, col: 1 }, lines: false }, f.scrollback - f.scrollOffset, 3, f.cols);
  const r = render(<TerminalPane frame={f} width={12} height={3} showCursor={false} copy={overlay} />);
  const out = r.lastFrame() ?? '';
  r.unmount();
  t.deepEqual(await inverseCells(out, 12, 3), [
    '.###########',
    '##..........',
    '............',
  ]);
});
