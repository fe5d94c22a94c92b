// The daemon protocol (docs/protocol.md): JSON lines over a unix socket. A client sends requests
// `{id, op, ...}`; the daemon answers each with `{id, ok: true, result}` or `{id, ok: false,
// error}`, and pushes `{push: "events", session, events}` for subscriptions. The first request on
// a connection must be `hello` with the client token.

export const PROTOCOL_VERSION = 1;

/** One request; `id` is the client's, echoed in the reply. */
export type Request =
  | { id: number; op: 'hello'; token: string; client?: string }
  | { id: number; op: 'status' }
  | { id: number; op: 'list'; limit?: number }
  | { id: number; op: 'show'; session: string }
  | {
      id: number;
      op: 'start';
      spec: string;
      cwd: string;
      prompt?: string;
      one_shot?: boolean;
      no_ask?: boolean;
      ask_timeout_ms?: number;
      model_server?: string;
      /** Overrides the spec's `model` for this session. */
      model?: string;
      env?: Record<string, string>;
      /** `interactive`: the vendor's TUI on a PTY; default `headless`. */
      mode?: 'headless' | 'interactive';
      /** Initial terminal size of an interactive session (default 120×40). */
      cols?: number;
      rows?: number;
    }
  | { id: number; op: 'send'; session: string; text: string }
  /** Runs an ended session again (same id and event log), its harness continuing the conversation. */
  | { id: number; op: 'resume'; session: string; prompt?: string; env?: Record<string, string> }
  /** A new session starting from a copy of `session`'s conversation. */
  | { id: number; op: 'fork'; session: string; prompt?: string; env?: Record<string, string> }
  | { id: number; op: 'events'; session: string; after_seq?: number; limit?: number }
  | { id: number; op: 'subscribe'; session: string; after_seq?: number }
  | { id: number; op: 'unsubscribe'; session: string }
  | { id: number; op: 'asks'; session?: string }
  | { id: number; op: 'resolve'; ask: string; answer: 'allow_once' | 'allow_session' | 'deny_once' | 'deny_session' }
  | { id: number; op: 'interrupt'; session: string }
  | { id: number; op: 'kill'; session: string }
  | { id: number; op: 'stop' }
  | { id: number; op: 'attach'; session: string; cols?: number; rows?: number }
  | { id: number; op: 'input'; session: string; data: string; encoding?: 'utf8' | 'base64' }
  | { id: number; op: 'resize'; session: string; cols: number; rows: number }
  | { id: number; op: 'detach'; session: string }
  /** Flow control from an attached client: stop / restart reading the session's PTY for it. */
  | { id: number; op: 'pty_pause'; session: string }
  | { id: number; op: 'pty_resume'; session: string };

export type Op = Request['op'];

export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export interface EventsPush {
  push: 'events';
  session: string;
  events: { seq: number; ts: number; type: string; payload: unknown }[];
}

/** Live terminal output of an attached interactive session (`data` is base64 of raw bytes). */
export interface PtyPush {
  push: 'pty';
  session: string;
  data: string;
}

/** The attached session's terminal is gone (the session ended); no more `pty` pushes follow. */
export interface PtyClosedPush {
  push: 'pty_closed';
  session: string;
}

/** What `attach` answers: recent output to replay (base64), the terminal size, bytes written so far. */
export interface AttachResult {
  session: string;
  cols: number;
  rows: number;
  snapshot: string;
  written: number;
}

export type Push = EventsPush | PtyPush | PtyClosedPush;

/** Longest line either side accepts (a tool input can be large, a line cannot be unbounded). */
export const MAX_LINE_BYTES = 32 * 1024 * 1024;

/** Splits a stream into lines (LF only) and parses each as JSON; a bad line is reported, not thrown. */
export function lineReader(onMessage: (value: unknown) => void, onError: (message: string) => void): (chunk: string) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk;
    if (pending.length > MAX_LINE_BYTES) {
      pending = '';
      onError('line too long');
      return;
    }
    let at: number;
    while ((at = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, at);
      pending = pending.slice(at + 1);
      if (!line.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        onError('malformed JSON');
        continue;
      }
      onMessage(value);
    }
  };
}
