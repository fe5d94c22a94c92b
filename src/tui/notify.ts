// Notifications for a person looking elsewhere: the terminal bell plus desktop notifications by
// escape sequence — OSC 9 (iTerm2, Windows Terminal, kitty, WezTerm) and OSC 777 (rxvt's notify,
// also VTE/GNOME Terminal, foot). Terminals ignore the OSC they do not know, so both are sent.
// Pure: these build strings; the dashboard writes them to its own terminal.

export type NotifyReason = 'ask' | 'done' | 'failed';

export interface Notice {
  /** The pane's label, e.g. the agent name. */
  pane: string;
  reason: NotifyReason;
  /** Extra detail: the ask's action, a failure reason. */
  detail?: string;
}

const BEL = '\x07';
const ESC = '\x1b';
/** Under tmux or screen, OSC must be wrapped to reach the outer terminal. */
export type Multiplexer = 'tmux' | 'screen' | null;

export function noticeTitle(n: Notice): string {
  return n.reason === 'ask' ? `${n.pane} is asking` : n.reason === 'done' ? `${n.pane} finished` : `${n.pane} failed`;
}

export function noticeBody(n: Notice): string {
  const base = n.reason === 'ask' ? 'needs your approval' : n.reason === 'done' ? 'session finished' : 'session failed';
  return n.detail ? `${base}: ${n.detail}` : base;
}

/**
 * Strips what could end or escape the OSC string (control characters, including ESC and BEL)
 * and the field separator of OSC 777, so an agent's text cannot inject terminal sequences.
 */
export function sanitize(text: string, max = 200): string {
  // The control-character class is the point: C0, DEL and C1 all go.
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/;/g, ',').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

export function osc9(n: Notice): string {
  return `${ESC}]9;${sanitize(`${noticeTitle(n)}: ${noticeBody(n)}`)}${BEL}`;
}

export function osc777(n: Notice): string {
  return `${ESC}]777;notify;${sanitize(noticeTitle(n))};${sanitize(noticeBody(n))}${BEL}`;
}

/** Wraps a sequence for passthrough when the dashboard itself runs inside tmux or screen. */
export function passthrough(seq: string, mux: Multiplexer): string {
  if (mux === 'tmux') return `${ESC}Ptmux;${seq.replaceAll(ESC, ESC + ESC)}${ESC}\\`;
  if (mux === 'screen') return `${ESC}P${seq}${ESC}\\`;
  return seq;
}

export function detectMultiplexer(env: NodeJS.ProcessEnv = process.env): Multiplexer {
  if (env.TMUX) return 'tmux';
  if ((env.TERM ?? '').startsWith('screen') && env.STY) return 'screen';
  return null;
}

export interface NotifyOptions {
  bell?: boolean;
  osc9?: boolean;
  osc777?: boolean;
  mux?: Multiplexer;
}

/** The bytes to write for one notice: bell, then the OSC notifications. */
export function notification(n: Notice, opts: NotifyOptions = {}): string {
  let out = opts.bell === false ? '' : BEL;
  if (opts.osc9 !== false) out += passthrough(osc9(n), opts.mux ?? null);
  if (opts.osc777 !== false) out += passthrough(osc777(n), opts.mux ?? null);
  return out;
}

/** Which notice, if any, a session state change deserves. */
export function noticeForState(pane: string, from: string | null, to: string, reason?: string): Notice | null {
  if (from === to) return null;
  if (to === 'asking') return { pane, reason: 'ask', ...(reason ? { detail: reason } : {}) };
  if (to === 'done') return { pane, reason: 'done' };
  if (to === 'failed') return { pane, reason: 'failed', ...(reason ? { detail: reason } : {}) };
  return null;
}
