// The terminal pane model fed real escape sequences: colors and attributes, inline scrollback
// with a scroll offset, the alternate screen, cursor visibility, resize with reflow, row-level
// change detection, the frame cap and flow control.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { FlowController } from '../../src/tui/terminal/flow.js';
import { TerminalModel, type Frame } from '../../src/tui/terminal/model.js';
import { FrameScheduler, type Clock } from '../../src/tui/terminal/scheduler.js';
import { rowText } from '../../src/tui/terminal/snapshot.js';

const sh = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { env: { ...process.env, TERM: 'xterm-256color' } }).toString('latin1');

async function feed(m: TerminalModel, data: string): Promise<Frame> {
  m.write(data);
  await m.drain();
  return m.frame();
}

test('colors (16, 256, truecolor) and attributes from printf output', async (t) => {
  const m = new TerminalModel({ cols: 40, rows: 4 });
  t.teardown(() => m.dispose());
  const out = sh('printf', '\\033[1;31mred\\033[0m \\033[38;5;208m256\\033[0m \\033[38;2;10;20;30;48;2;200;100;0mtc\\033[0m \\033[3;4;7;2mx\\033[9my\\033[0m');
  const f = await feed(m, out);
  const cells = f.rows[0]!.cells;
  t.is(rowText(f.rows[0]!).trimEnd(), 'red 256 tc xy');
  t.like(cells[0]!.style, { fg: 1, bg: null, bold: true, italic: false });
  t.like(cells[3]!.style, { fg: null, bold: false });
  t.like(cells[4]!.style, { fg: 208 });
  t.like(cells[8]!.style, { fg: '#0a141e', bg: '#c86400' });
  t.like(cells[11]!.style, { italic: true, underline: true, inverse: true, dim: true, strikethrough: false });
  t.like(cells[12]!.style, { strikethrough: true });
  t.is(cells[0]!.style, cells[1]!.style, 'equal styles are one object');
});

test('wide characters take two cells', async (t) => {
  const m = new TerminalModel({ cols: 10, rows: 2 });
  t.teardown(() => m.dispose());
  const f = await feed(m, '界a');
  t.deepEqual(
    f.rows[0]!.cells.slice(0, 3).map((c) => [c.ch, c.width]),
    [['界', 2], ['', 0], ['a', 1]],
  );
  t.is(f.cursor.x, 3);
});

test('inline mode keeps scrollback; the scroll offset pins history while output continues', async (t) => {
  const m = new TerminalModel({ cols: 20, rows: 5 });
  t.teardown(() => m.dispose());
  let text = '';
  for (let i = 1; i <= 12; i++) text += `line ${i}\r\n`;
  let f = await feed(m, text);
  t.false(f.altScreen);
  t.deepEqual(m.text(), ['line 9', 'line 10', 'line 11', 'line 12', '']);
  t.is(f.scrollback, 8);
  t.true(f.cursor.visible);
  t.is(f.cursor.y, 4);
  m.scrollBy(3);
  t.deepEqual(m.text(), ['line 6', 'line 7', 'line 8', 'line 9', 'line 10']);
  f = m.frame();
  t.is(f.scrollOffset, 3);
  t.false(f.cursor.visible, 'the cursor is below the view while scrolled back');
  await feed(m, 'line 13\r\nline 14\r\n');
  t.deepEqual(m.text(), ['line 6', 'line 7', 'line 8', 'line 9', 'line 10'], 'new output does not move the view');
  t.is(m.frame().scrollOffset, 5);
  m.scrollBy(1000);
  t.deepEqual(m.text()[0], 'line 1');
  m.scrollTo(0);
  t.deepEqual(m.text(), ['line 11', 'line 12', 'line 13', 'line 14', '']);
});

test('alternate screen (tput smcup, vim-like redraw, rmcup) restores the inline screen', async (t) => {
  const m = new TerminalModel({ cols: 20, rows: 5 });
  t.teardown(() => m.dispose());
  await feed(m, '$ vim notes.txt\r\n');
  // What a full-screen editor sends: enter the alternate screen, hide the cursor, clear, draw
  // the buffer lines and an inverse status line, then place and show the cursor.
  const vim =
    sh('tput', 'smcup') +
    sh('tput', 'civis') +
    '\x1b[H\x1b[2J' +
    'hello world\r\n\x1b[94m~\x1b[39m\r\n\x1b[94m~\x1b[39m\r\n\x1b[94m~\x1b[39m\r\n' +
    '\x1b[7m"notes.txt" 1L    \x1b[27m' +
    '\x1b[1;7H' +
    sh('tput', 'cnorm');
  let f = await feed(m, vim);
  t.true(f.altScreen);
  t.deepEqual(m.text(), ['hello world', '~', '~', '~', '"notes.txt" 1L']);
  t.like(f.rows[1]!.cells[0]!.style, { fg: 12 });
  t.true(f.rows[4]!.cells[0]!.style.inverse);
  t.deepEqual(f.cursor, { x: 6, y: 0, visible: true });
  m.scrollBy(3);
  t.is(m.frame().scrollOffset, 0, 'no scrollback on the alternate screen');
  f = await feed(m, sh('tput', 'rmcup'));
  t.false(f.altScreen);
  t.deepEqual(m.text(), ['$ vim notes.txt', '', '', '', '']);
});

test('cursor visibility follows civis / cnorm and a full reset', async (t) => {
  const m = new TerminalModel({ cols: 10, rows: 3 });
  t.teardown(() => m.dispose());
  t.false((await feed(m, sh('tput', 'civis'))).cursor.visible);
  t.true((await feed(m, sh('tput', 'cnorm'))).cursor.visible);
  await feed(m, '\x1b[?25l');
  t.true((await feed(m, '\x1bc')).cursor.visible);
});

test('resize reflows wrapped lines and tells the PTY, once per real change', async (t) => {
  const sizes: [number, number][] = [];
  const m = new TerminalModel({ cols: 10, rows: 4, onResize: (c, r) => sizes.push([c, r]) });
  t.teardown(() => m.dispose());
  // A finished line reflows; the cursor's own line is left to the program, which redraws it.
  await feed(m, 'abcdefghijklmno\r\n');
  t.deepEqual(m.text().slice(0, 2), ['abcdefghij', 'klmno']);
  m.resize(20, 4);
  t.deepEqual(m.text().slice(0, 1), ['abcdefghijklmno']);
  m.resize(20, 4);
  m.resize(5, 6);
  t.deepEqual(m.text().slice(0, 3), ['abcde', 'fghij', 'klmno']);
  t.deepEqual(sizes, [
    [20, 4],
    [5, 6],
  ]);
  t.is(m.frame().rows.length, 6);
});

test('unchanged rows are the same objects; a changed row gets a new version', async (t) => {
  const m = new TerminalModel({ cols: 10, rows: 3 });
  t.teardown(() => m.dispose());
  const a = await feed(m, 'one\r\ntwo\r\nthree');
  const b = await feed(m, '\x1b[2;1HTWO');
  t.is(b.rows[0], a.rows[0]);
  t.is(b.rows[2], a.rows[2]);
  t.not(b.rows[1], a.rows[1]);
  t.true(b.rows[1]!.version > a.rows[1]!.version);
  const c = await feed(m, '\x1b[2;1H\x1b[31mTWO\x1b[0m');
  t.not(c.rows[1], b.rows[1], 'a color change alone is a change');
  t.is(c.rows[0], a.rows[0]);
});

/** A clock whose time moves only when the test says so. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let next = 1;
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = next++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (h) => {
      timers = timers.filter((x) => x.id !== h);
    },
    advance(ms) {
      now += ms;
      for (;;) {
        const due = timers.filter((x) => x.at <= now).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((x) => x !== due);
        due.fn();
      }
    },
  };
}

test('frame scheduler: a burst of changes is one frame; the next waits for the interval', (t) => {
  const clock = manualClock();
  let frames = 0;
  const s = new FrameScheduler(() => frames++, 30, clock);
  for (let i = 0; i < 100; i++) s.request();
  clock.advance(0);
  t.is(frames, 1, 'the first change after quiet renders on the next tick');
  s.request();
  s.request();
  clock.advance(20);
  t.is(frames, 1);
  clock.advance(14);
  t.is(frames, 2);
  clock.advance(1000);
  t.is(frames, 2, 'nothing changed, nothing rendered');
  s.request();
  s.dispose();
  clock.advance(1000);
  t.is(frames, 2);
});

test('the model emits frames through the scheduler', async (t) => {
  const clock = manualClock();
  const frames: Frame[] = [];
  const m = new TerminalModel({ cols: 10, rows: 2, clock, onFrame: (f) => frames.push(f) });
  t.teardown(() => m.dispose());
  m.write('a');
  m.write('b');
  await m.drain();
  clock.advance(0);
  t.is(frames.length, 1);
  t.is(rowText(frames[0]!.rows[0]!).trimEnd(), 'ab');
});

test('flow control: pause above the high-water mark, resume below the low one', (t) => {
  const calls: string[] = [];
  const f = new FlowController({ high: 100, low: 20, pause: () => calls.push('pause'), resume: () => calls.push('resume') });
  f.queued(60);
  f.queued(60);
  t.deepEqual(calls, ['pause']);
  f.queued(500);
  t.deepEqual(calls, ['pause'], 'paused once');
  f.parsed(550);
  t.deepEqual(calls, ['pause'], '70 pending is still above the low mark');
  f.parsed(60);
  t.deepEqual(calls, ['pause', 'resume']);
  t.throws(() => new FlowController({ high: 10, low: 10, pause() {}, resume() {} }));
});

test('the model pauses the PTY on a large backlog and resumes once parsed', async (t) => {
  const calls: string[] = [];
  const m = new TerminalModel({ cols: 80, rows: 24, highWater: 64 * 1024, lowWater: 1024, pause: () => calls.push('pause'), resume: () => calls.push('resume') });
  t.teardown(() => m.dispose());
  const chunk = 'x'.repeat(79) + '\r\n';
  for (let i = 0; i < 2000; i++) m.write(chunk);
  t.true(m.paused);
  t.deepEqual(calls, ['pause']);
  await m.drain();
  t.false(m.paused);
  t.deepEqual(calls, ['pause', 'resume']);
  t.is(m.backlog, 0);
});

test('queries are answered through onReply, except those in replayed output', async (t) => {
  const replies: string[] = [];
  const m = new TerminalModel({ cols: 20, rows: 5, onReply: (d) => replies.push(d) });
  t.teardown(() => m.dispose());
  // A screen saved before this pane attached, with a query in it: already answered back then.
  m.replay('old screen\x1b[6n\r\n');
  await m.drain();
  t.deepEqual(replies, []);
  t.is(m.text()[0], 'old screen');
  // Live output asks where the cursor is (row 3, column 5) and what the terminal is.
  m.write('\x1b[3;5H\x1b[6n');
  await m.drain();
  t.deepEqual(replies, ['\x1b[3;5R']);
  m.write('\x1b[c');
  await m.drain();
  t.is(replies.length, 2);
  t.regex(replies[1]!, /^\x1b\[\?[\d;]+c$/, 'primary device attributes');
});
