// Copy mode end to end through a real terminal: `bridle` runs inside tmux (a private server on its
// own socket, `set-clipboard on`, so tmux takes an application's OSC 52 into its own paste
// buffers) over a private Bridle world, with one interactive `command` session that prints known
// lines and then runs bash. The test types as a person would (`send-keys`) and reads the result
// where a person's clipboard would get it: `tmux show-buffer`.
//   1. prefix [ , move (k 0 w), v, e e, y: the two words are on the clipboard, and drawn inverse
//      while selected;
//   2. g V j j y: three whole lines from the top of the history (above the live screen);
//   3. `cat > pasted.txt` in the pane, prefix ]: the program receives the copied lines;
//   4. search: ? line 5 Enter finds the nearest line above (59), n the next one up, N back down;
//      each match drawn inverse; V y copies the found line; / zzz says it is not found;
//   5. a block: g w C-v j j e y copies the same columns of three lines.
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectDaemon } from '../../src/daemon/index.js';
import { bridleBin } from '../helpers/cli.js';
import { worldFor } from '../daemon/helpers.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

class Tmux {
  constructor(
    private readonly socket: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  run(...args: string[]): string {
    return execFileSync('tmux', ['-S', this.socket, ...args], { env: this.env, encoding: 'utf8' });
  }

  start(cwd: string): void {
    // The server is new (own socket) and inherits this environment: the private world's.
    this.run('new-session', '-d', '-x', '120', '-y', '40', '-c', cwd, 'sh');
  }

  keys(...keys: string[]): void {
    this.run('send-keys', ...keys);
  }

  type(text: string): void {
    this.run('send-keys', '-l', text);
  }

  screen(escapes = false): string {
    return escapes ? this.run('capture-pane', '-p', '-e') : this.run('capture-pane', '-p');
  }

  /** The newest tmux paste buffer, or null when there is none. */
  buffer(): string | null {
    const r = spawnSync('tmux', ['-S', this.socket, 'show-buffer'], { env: this.env, encoding: 'utf8' });
    return r.status === 0 ? r.stdout : null;
  }

  /** Polls `probe` until `pred` holds; the deadline only turns a hang into a failure. */
  async until<T>(probe: () => T, pred: (value: T) => boolean, what: string, deadlineMs = 90_000): Promise<T> {
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      const v = probe();
      if (pred(v)) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last:\n${String(v)}\nscreen:\n${this.screen()}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  kill(): void {
    try {
      this.run('kill-server');
    } catch {
      // already gone
    }
  }
}

test.serial('copy mode under tmux: select and copy to the clipboard (OSC 52), from history too; prefix ] pastes', async (t) => {
  t.timeout(300_000);
  // No silent skip: without tmux this test cannot run, and that must show as a failure.
  if (!hasTmux) return t.fail('tmux is not installed (apt-get install tmux); the copy-mode e2e needs a real terminal multiplexer');
  const w = worldFor(t);
  const ws = w.workspace('copy');
  // Known lines: 60 of them, more than the pane is high, so the first ones are history.
  writeFileSync(
    path.join(ws, 'lines.sh'),
    ['i=1', 'while [ $i -le 60 ]; do echo "known line $i"; i=$((i+1)); done', 'echo "the quick brown fox"', "exec env PS1='ready> ' bash --norc --noprofile", ''].join('\n'),
  );
  const spec = path.join(w.root, 'shell.yaml');
  writeFileSync(spec, ['name: shell', 'harness: command', 'mode: interactive', 'command: "sh lines.sh"', 'sandbox: { mode: workspace-write, network: none }', ''].join('\n'));
  const client = await connectDaemon(w.env, 'e2e');
  t.teardown(() => client.close());
  await client.request('start', { spec, cwd: ws, mode: 'interactive', cols: 80, rows: 24 });

  const tmux = new Tmux(path.join(w.root, 'tmux.sock'), { ...w.env, TERM: 'xterm-256color', CI: 'true' });
  t.teardown(() => tmux.kill());
  tmux.start(ws);
  // tmux keeps what an application sets with OSC 52 as a paste buffer.
  tmux.run('set-option', '-g', 'set-clipboard', 'on');
  t.is(tmux.buffer(), null, 'no paste buffer before the copy');
  tmux.type(`${process.execPath} ${bridleBin}`);
  tmux.keys('Enter');
  await tmux.until(() => tmux.screen(), (s) => s.includes('shell command ·') && s.includes('the quick brown fox') && s.includes('ready>'), 'the pane with the known lines and the prompt');

  // 1. Copy mode; the copy cursor starts at the prompt's cursor. Up to the fox line, its start,
  // the next word, select to the end of the word after it, copy.
  tmux.keys('C-b', '[');
  await tmux.until(() => tmux.screen(), (s) => s.includes('· copy') && s.includes(' COPY '), 'copy mode');
  tmux.keys('k', '0', 'w', 'v', 'e', 'e');
  const selecting = await tmux.until(
    () => tmux.screen(true),
    (s) => s.includes('copy (selecting)') && /\x1b\[[0-9;]*7mquick brow/.test(s),
    'the selection drawn inverse (the cursor, on the n, is not)',
  );
  t.regex(selecting, /the \x1b\[[0-9;]*7mquick brow\x1b\[[0-9;]*m/);
  tmux.keys('y');
  await tmux.until(() => tmux.buffer(), (b) => b !== null, 'a tmux paste buffer from OSC 52');
  t.is(tmux.buffer(), 'quick brown');
  await tmux.until(() => tmux.screen(), (s) => !s.includes('· copy'), 'copy mode left after the copy');

  // 2. From the top of the history: three whole lines.
  tmux.keys('C-b', '[');
  await tmux.until(() => tmux.screen(), (s) => s.includes('· copy'), 'copy mode again');
  tmux.keys('g');
  await tmux.until(() => tmux.screen(), (s) => s.includes('known line 1\n') && !s.includes('the quick brown fox'), 'the oldest lines in view');
  tmux.keys('V', 'j', 'j', 'Enter');
  const lines = 'known line 1\nknown line 2\nknown line 3';
  await tmux.until(() => tmux.buffer(), (b) => b !== 'quick brown', 'the second copy');
  t.is(tmux.buffer(), lines);
  await tmux.until(() => tmux.screen(), (s) => !s.includes('· copy') && s.includes('ready>'), 'back at the live screen');

  // 3. The pane's program receives the paste buffer.
  // Once `started` shows, bash has run the line: it turned bracketed paste off before running it
  // (so the paste goes raw), and the terminal holds what is typed until cat reads it.
  tmux.type('echo started; cat > pasted.txt');
  tmux.keys('Enter');
  await tmux.until(() => tmux.screen(), (s) => /^started$/m.test(s), 'cat running');
  tmux.keys('C-b', ']');
  await tmux.until(() => tmux.screen(), (s) => /^known line 3$/m.test(s), 'the pasted lines echoed in the pane');
  // End the last line and the input.
  tmux.keys('Enter');
  tmux.keys('C-d');
  const file = path.join(ws, 'pasted.txt');
  await tmux.until(() => (existsSync(file) ? readFileSync(file, 'utf8') : ''), (c) => c.endsWith('\n') && c.includes('known line 3'), 'cat to write the file');
  t.is(readFileSync(file, 'utf8'), `${lines}\n`);

  // 4. Search up from the prompt, repeat, reverse; copy the line found.
  tmux.keys('C-b', '[');
  await tmux.until(() => tmux.screen(), (s) => s.includes('· copy'), 'copy mode for the search');
  tmux.keys('?');
  tmux.type('line 5');
  await tmux.until(() => tmux.screen(), (s) => s.includes('search up: line 5'), 'the search prompt with the typed text');
  tmux.keys('Enter');
  // The whole match inverse, the rest of the line not: `known ` ESC[7m `line 5` ESC[0m… `9`.
  const highlighted = (n: number) => (s: string) => new RegExp(`^known \\x1b\\[7mline 5\\x1b\\[0m(\\x1b\\[[0-9;]*m)*${n}$`, 'm').test(s);
  await tmux.until(() => tmux.screen(true), highlighted(9), 'the nearest match above, line 59, drawn inverse');
  tmux.keys('n');
  await tmux.until(() => tmux.screen(true), highlighted(8), 'n: the next match up, line 58');
  tmux.keys('N');
  await tmux.until(() => tmux.screen(true), highlighted(9), 'N: back down to line 59');
  tmux.keys('V', 'y');
  await tmux.until(() => tmux.buffer(), (b) => b !== lines, 'the copy of the found line');
  t.is(tmux.buffer(), 'known line 59');
  tmux.keys('C-b', '[');
  await tmux.until(() => tmux.screen(), (s) => s.includes('· copy'), 'copy mode for a search that fails');
  tmux.keys('/');
  tmux.type('zzz');
  tmux.keys('Enter');
  await tmux.until(() => tmux.screen(), (s) => s.includes('not found: zzz'), 'the search that finds nothing says so');
  tmux.keys('q');
  await tmux.until(() => tmux.screen(), (s) => !s.includes('· copy') && s.includes('ready>'), 'copy mode left');

  // 5. A block from the top of the history: the word `line` of the first three lines.
  tmux.keys('C-b', '[');
  await tmux.until(() => tmux.screen(), (s) => s.includes('· copy'), 'copy mode for a block');
  tmux.keys('g', 'w', 'C-v', 'j', 'j', 'e');
  await tmux.until(() => tmux.screen(), (s) => s.includes('copy (block)'), 'the block shown in the title');
  tmux.keys('y');
  await tmux.until(() => tmux.buffer(), (b) => b !== 'known line 59', 'the copy of the block');
  t.is(tmux.buffer(), 'line\nline\nline');

  tmux.keys('C-b', 'd');
  await tmux.until(() => tmux.screen(), (s) => s.includes('bridle: detached'), 'detach');
});
