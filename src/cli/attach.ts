// A thin terminal client for one interactive session: the user's terminal becomes the session's
// PTY (raw keystrokes in, output out, size changes forwarded) until the session ends or the user
// detaches with Ctrl-b d. The session lives in the daemon, so detaching never stops the agent.
// The tiled dashboard (src/tui) speaks the same protocol ops.
import type { DaemonClient, AttachResult, Push } from '../daemon/index.js';
import { ptyBytes } from '../daemon/protocol.js';

/** The prefix key (Ctrl-b, as in tmux); `d` after it detaches, a second Ctrl-b sends one. */
const PREFIX = 0x02;
const DETACH = 0x64; // 'd'

/** Modes a TUI may have switched on that must not outlive it in the user's terminal. */
const RESTORE = '\x1b[?1049l\x1b[?2004l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?25h\x1b[0m\r\n';

export interface AttachIO {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

export type AttachEnd = 'detached' | 'closed' | 'lost';

/** Attaches the terminal to session `id`; resolves when the user detaches or the PTY is gone. */
export async function attachTerminal(client: DaemonClient, id: string, io: AttachIO): Promise<AttachEnd> {
  const { stdin, stdout } = io;
  const size = (): { cols: number; rows: number } => ({ cols: stdout.columns || 80, rows: stdout.rows || 24 });
  let settle!: (end: AttachEnd) => void;
  const ended = new Promise<AttachEnd>((resolve) => (settle = resolve));
  let finished = false;
  const finish = (end: AttachEnd): void => {
    if (finished) return;
    finished = true;
    settle(end);
  };

  const offPush = client.onPush((p: Push) => {
    if (p.session !== id) return;
    if (p.push === 'pty') stdout.write(ptyBytes(p));
    else if (p.push === 'pty_closed') finish('closed');
  });
  client.onClosed(() => finish('lost'));

  const wasRaw = stdin.isTTY ? stdin.isRaw : false;
  if (stdin.isTTY) stdin.setRawMode(true);
  let prefixed = false;
  const onKeys = (chunk: Buffer): void => {
    const out: number[] = [];
    for (const byte of chunk) {
      if (prefixed) {
        prefixed = false;
        if (byte === DETACH) {
          finish('detached');
          return;
        }
        if (byte === PREFIX) {
          out.push(PREFIX);
          continue;
        }
        // Not a command: both keys go through, as typed.
        out.push(PREFIX, byte);
        continue;
      }
      if (byte === PREFIX) prefixed = true;
      else out.push(byte);
    }
    if (out.length > 0) void client.request('input', { session: id, data: Buffer.from(out).toString('base64'), encoding: 'base64' }).catch(() => undefined);
  };
  const onResize = (): void => {
    const s = size();
    void client.request('resize', { session: id, cols: s.cols, rows: s.rows }).catch(() => undefined);
  };
  stdin.on('data', onKeys);
  stdout.on('resize', onResize);
  stdin.resume();

  try {
    const s = size();
    const attached = await client.request<AttachResult>('attach', { session: id, cols: s.cols, rows: s.rows });
    // A clean screen, then the recent output: the terminal rebuilds what the TUI last drew.
    stdout.write('\x1b[H\x1b[2J');
    stdout.write(Buffer.from(attached.snapshot, 'base64'));
    return await ended;
  } catch (err) {
    finish('lost');
    throw err;
  } finally {
    stdin.off('data', onKeys);
    stdout.off('resize', onResize);
    if (stdin.isTTY) stdin.setRawMode(wasRaw);
    stdin.pause();
    offPush();
    stdout.write(RESTORE);
    await client.request('detach', { session: id }).catch(() => undefined);
  }
}
