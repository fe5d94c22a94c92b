// Colors reach the screen. Ink colors through chalk, which decides the color level once, when
// first loaded — and the test runner has loaded it already, without colors since its output is
// no terminal. Ink's chalk is the same hoisted instance, so the level is raised here directly.
import test from 'ava';
import chalk from 'chalk';
import { render } from 'ink-testing-library';
import { TerminalPane } from '../../src/tui/components/TerminalPane.js';
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
