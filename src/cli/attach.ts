// A thin terminal client for one interactive session: the user's terminal becomes the session's
// PTY (raw keystrokes in, output out, size changes forwarded) until the session ends or the user
// detaches with the prefix key then `d` (Ctrl-b d unless the user's keys.yaml binds another
// prefix, the same file the dashboard reads). The session lives in the daemon, so detaching never
// stops the agent. The tiled dashboard (src/tui) speaks the same protocol ops.
import { StringDecoder } from 'node:string_decoder';
import type { DaemonClient, AttachResult, Push } from '../daemon/index.js';
import { ptyBytes } from '../daemon/protocol.js';
import { DEFAULT_KEYMAP, type Keymap } from '../tui/keymap.js';
import { parseKeys } from '../tui/keys.js';

/** Modes a TUI may have switched on that must not outlive it in the user's terminal. */
const RESTORE = '\x1b[?1049l\x1b[?2004l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?25h\x1b[0m\r\n';

export interface AttachIO {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

/** The keys the attach client acts on, by canonical name (src/tui/keys.ts), from a keymap. */
export interface AttachKeys {
  prefix: string;
  /** After the prefix: leave, the session keeps running (the keymap's `detach` bindings). */
  detach: ReadonlySet<string>;
  /** After the prefix: send the prefix key itself (the keymap's `send-prefix` bindings). */
  sendPrefix: ReadonlySet<string>;
}

/** The attach client's keys from the user's keymap (see src/tui/keymap-config.ts). */
export function attachKeys(keymap: Keymap): AttachKeys {
  const bound = (command: string): Set<string> => new Set([...keymap.tables.prefix].filter(([, c]) => c === command).map(([k]) => k));
  return { prefix: keymap.prefix, detach: bound('detach'), sendPrefix: bound('send-prefix') };
}

export type AttachEnd = 'detached' | 'closed' | 'lost';

/** Attaches the terminal to session `id`; resolves when the user detaches or the PTY is gone. */
export async function attachTerminal(client: DaemonClient, id: string, io: AttachIO, keys: AttachKeys = attachKeys(DEFAULT_KEYMAP)): Promise<AttachEnd> {
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
    if (p.push === 'pty' && p.session === id) stdout.write(ptyBytes(p));
    else if (p.push === 'pty_closed' && p.session === id) finish('closed');
  });
  client.onClosed(() => finish('lost'));

  const wasRaw = stdin.isTTY ? stdin.isRaw : false;
  if (stdin.isTTY) stdin.setRawMode(true);
  // Keys are recognised the way the dashboard recognises them (UTF-8 text split into key events),
  // so a prefix such as M-a or F12 works here too; each key's own bytes go on to the PTY.
  const decoder = new StringDecoder('utf8');
  let prefixed = false;
  let prefixRaw = '';
  const onKeys = (chunk: Buffer): void => {
    if (finished) return;
    let out = '';
    let detach = false;
    for (const ev of parseKeys(decoder.write(chunk))) {
      if (prefixed) {
        prefixed = false;
        if (keys.detach.has(ev.key)) {
          // What was typed before it still goes; nothing after it does.
          detach = true;
          break;
        }
        // The prefix twice (or its send-prefix key) sends one prefix; anything else is not a
        // command here, and both keys go through as typed.
        out += keys.sendPrefix.has(ev.key) ? prefixRaw : prefixRaw + ev.raw;
        continue;
      }
      if (ev.key === keys.prefix) {
        prefixed = true;
        prefixRaw = ev.raw;
      } else out += ev.raw;
    }
    if (out.length > 0) void client.request('input', { session: id, data: Buffer.from(out, 'utf8').toString('base64'), encoding: 'base64' }).catch(() => undefined);
    if (detach) finish('detached');
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
