// The system clipboard and pasting. Copy mode's text goes to the clipboard of the terminal the
// dashboard runs in by OSC 52 (`ESC ] 52 ; c ; <base64> BEL`), which works over ssh and needs no
// X11 or Wayland access; and into the dashboard's own paste buffer, which `prefix ]` types into a
// pane. Pure: these build strings; the dashboard writes them.
import { passthrough, type Multiplexer } from './notify.js';

const ESC = '\x1b';
const BEL = '\x07';
const ST = `${ESC}\\`;

/** OSC 52: set the clipboard (`c`) to `text`. */
export function osc52(text: string): string {
  return `${ESC}]52;c;${Buffer.from(text, 'utf8').toString('base64')}${BEL}`;
}

/** GNU screen passes at most 768 bytes of a DCS string on: the base64 goes in pieces of 76. */
const SCREEN_CHUNK = 76;

/**
 * The bytes that put `text` on the outer terminal's clipboard.
 *
 * Inside tmux the sequence goes twice: bare, which tmux itself takes when `set-clipboard` is `on`
 * (it keeps the text as a tmux paste buffer and sets the outer terminal's clipboard), and wrapped
 * for passthrough, which reaches the outer terminal when `allow-passthrough` is on. tmux drops
 * whichever one its settings do not allow, so the clipboard is set once or twice to the same text.
 * Inside screen it is wrapped in DCS pieces that screen forwards one by one.
 */
export function clipboardBytes(text: string, mux: Multiplexer): string {
  const seq = osc52(text);
  if (mux === 'tmux') return seq + passthrough(seq, 'tmux');
  if (mux === 'screen') {
    const b64 = Buffer.from(text, 'utf8').toString('base64');
    const pieces: string[] = [];
    for (let i = 0; i < b64.length; i += SCREEN_CHUNK) pieces.push(b64.slice(i, i + SCREEN_CHUNK));
    return `${ESC}P${ESC}]52;c;${pieces.join(`${ST}${ESC}P`)}${BEL}${ST}`;
  }
  return seq;
}

export const PASTE_BEGIN = `${ESC}[200~`;
export const PASTE_END = `${ESC}[201~`;

/**
 * What `prefix ]` sends to a pane's program for `text`. Newlines become carriage returns, what
 * the Enter key and a terminal's own paste send. When the program turned on bracketed paste
 * (mode 2004) the text is framed by `ESC[200~` / `ESC[201~`, so a shell shows it rather than
 * running it; an end marker inside the text is removed so the text cannot end the paste early.
 */
export function pasteBytes(text: string, bracketed: boolean): string {
  const body = text.replace(/\r?\n/g, '\r');
  if (!bracketed) return body;
  return `${PASTE_BEGIN}${body.replaceAll(PASTE_END, '')}${PASTE_END}`;
}
