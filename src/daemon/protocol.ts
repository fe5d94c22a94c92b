// The daemon protocol (docs/protocol.md): JSON lines over a unix socket. A client sends requests
// `{id, op, ...}`; the daemon answers each with `{id, ok: true, result}` or `{id, ok: false,
// error}`, and pushes `{push: "events", session, events}` for subscriptions and `{push:
// "sessions", ...}` for the session-list watch. The first request on a connection must be `hello`
// with the client token.
import type { Ask, Session } from '../store/index.js';

/**
 * 1: the original protocol. 2: adds `watch_sessions` / `unwatch_sessions` and the `sessions` push.
 * Every change so far is additive: a client that never uses a newer op sees no difference.
 */
export const PROTOCOL_VERSION = 2;

/**
 * Optional features a daemon reports in `hello`, so a client can test for one by name rather than
 * keep a table of which version brought what (a daemon outlives upgrades of the client).
 */
export const CAPABILITIES = ['watch_sessions'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** What `hello` answers. `capabilities` is absent from a version 1 daemon. */
export interface HelloResult {
  version: number;
  pid: number;
  capabilities?: string[];
}

/** One request; `id` is the client's, echoed in the reply. */
export type Request =
  | { id: number; op: 'hello'; token: string; client?: string; binary?: boolean }
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
  /** The session list and pending asks now, then a `sessions` push whenever they change. */
  | { id: number; op: 'watch_sessions'; limit?: number }
  | { id: number; op: 'unwatch_sessions' }
  | { id: number; op: 'resolve'; ask: string; answer: 'allow_once' | 'allow_session' | 'deny_once' | 'deny_session' }
  | { id: number; op: 'interrupt'; session: string }
  | { id: number; op: 'kill'; session: string }
  | { id: number; op: 'stop' }
  | { id: number; op: 'attach'; session: string; cols?: number; rows?: number }
  /**
   * Bytes for the session's PTY. `reply: true` marks a terminal's answer to the program's query
   * (cursor position, device attributes): taken only from the connection that attached last.
   */
  | { id: number; op: 'input'; session: string; data: string; encoding?: 'utf8' | 'base64'; reply?: boolean }
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

/**
 * Live terminal output of an attached interactive session: `data` is base64 of the raw bytes on a
 * JSON-framed connection; `bytes` the raw bytes themselves when it came as a binary frame.
 */
export interface PtyPush {
  push: 'pty';
  session: string;
  data?: string;
  bytes?: Buffer;
}

/** The raw output of a `pty` push, however it was framed. */
export function ptyBytes(p: PtyPush): Buffer {
  return p.bytes ?? Buffer.from(p.data ?? '', 'base64');
}

/**
 * Binary frame of PTY output (a connection that said `hello` with `binary: true`): a 0x00 byte,
 * which never starts a JSON line, the session id's length (one byte) and the id, the data's length
 * (u32 big-endian) and the data. It spares both ends a base64 round trip, a JSON parse and the
 * strings they allocate for every byte a busy terminal writes.
 */
export function ptyFrameHeader(session: string, length: number): Buffer {
  const id = Buffer.from(session, 'utf8');
  if (id.length > 255) throw new Error('session id too long for a binary frame');
  const header = Buffer.allocUnsafe(2 + id.length + 4);
  header[0] = 0;
  header[1] = id.length;
  id.copy(header, 2);
  header.writeUInt32BE(length, 2 + id.length);
  return header;
}

/**
 * The client's reader: JSON lines and binary PTY frames (see ptyFrameHeader) from one byte stream.
 * Received chunks are kept as a list and joined only once a whole message is there, so a message
 * spanning many socket reads is not copied again on each of them.
 */
export function frameReader(
  onMessage: (value: unknown) => void,
  onPty: (session: string, data: Buffer) => void,
  onError: (message: string) => void,
): (chunk: Buffer) => void {
  let parts: Buffer[] = [];
  let size = 0;
  /** Bytes at the front already searched for a line's end without finding one. */
  let scanned = 0;
  const merge = (): Buffer => {
    if (parts.length > 1) parts = [Buffer.concat(parts, size)];
    return parts[0]!;
  };
  const consume = (n: number): void => {
    const rest = parts[0]!.subarray(n);
    if (rest.length === 0) parts.shift();
    else parts[0] = rest;
    size -= n;
    scanned = 0;
  };
  return (chunk) => {
    if (chunk.length === 0) return;
    parts.push(chunk);
    size += chunk.length;
    while (size > 0) {
      let head = parts[0]!;
      if (head[0] === 0) {
        if (size < 2) return;
        const header = 2 + (head.length >= 2 ? head[1]! : merge()[1]!) + 4;
        if (size < header) return;
        if (head.length < header) head = merge();
        const total = header + head.readUInt32BE(header - 4);
        if (size < total) return;
        if (head.length < total) head = merge();
        const session = head.toString('utf8', 2, header - 4);
        const data = head.subarray(header, total);
        consume(total);
        onPty(session, data);
        continue;
      }
      let at = -1;
      let offset = 0;
      for (const p of parts) {
        if (offset + p.length > scanned) {
          const i = p.indexOf(10, Math.max(0, scanned - offset));
          if (i >= 0) {
            at = offset + i;
            break;
          }
        }
        offset += p.length;
      }
      if (at < 0) {
        scanned = size;
        if (size > MAX_LINE_BYTES) {
          parts = [];
          size = 0;
          scanned = 0;
          onError('line too long');
        }
        return;
      }
      if (head.length <= at) head = merge();
      const line = head.toString('utf8', 0, at);
      consume(at + 1);
      parseLine(line, onMessage, onError);
    }
  };
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

/**
 * The session list and the pending asks, whole: what `watch_sessions` answers and every `sessions`
 * push carries. `rev` grows with every snapshot the daemon builds, so a client that sees two out of
 * order (a reply and a push read from one socket chunk, handled in different ticks) keeps the newer.
 */
export interface SessionsSnapshot {
  rev: number;
  /** As `list` returns them: newest first, at most the watch's `limit`. */
  sessions: Session[];
  /** As `asks` returns them: pending, oldest first. */
  asks: Ask[];
}

/** Delivered by DaemonClient to `onSessions` listeners, apart from `Push` (the terminal's and events'). */
export interface SessionsPush extends SessionsSnapshot {
  push: 'sessions';
}

export type Push = EventsPush | PtyPush | PtyClosedPush;

/** Parses one received line as JSON; a blank line is skipped, a bad one reported. */
function parseLine(line: string, onMessage: (value: unknown) => void, onError: (message: string) => void): void {
  if (!line.trim()) return;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    onError('malformed JSON');
    return;
  }
  onMessage(value);
}

/** Longest line either side accepts (a tool input can be large, a line cannot be unbounded). */
export const MAX_LINE_BYTES = 32 * 1024 * 1024;

/** Splits a stream into lines (LF only) and parses each as JSON; a bad line is reported, not thrown. */
export function lineReader(onMessage: (value: unknown) => void, onError: (message: string) => void): (chunk: string) => void {
  // The unterminated tail is kept as pieces and joined once its newline arrives: a large line
  // (a burst of PTY output) comes in many socket reads, and appending each to one string and
  // searching all of it again made every read cost as much as the whole line so far.
  let parts: string[] = [];
  let partLength = 0;
  return (chunk) => {
    let start = 0;
    let at: number;
    while ((at = chunk.indexOf('\n', start)) >= 0) {
      let line = chunk.slice(start, at);
      if (parts.length > 0) {
        parts.push(line);
        line = parts.join('');
        parts = [];
        partLength = 0;
      }
      start = at + 1;
      parseLine(line, onMessage, onError);
    }
    if (start < chunk.length) {
      parts.push(start === 0 ? chunk : chunk.slice(start));
      partLength += chunk.length - start;
      if (partLength > MAX_LINE_BYTES) {
        parts = [];
        partLength = 0;
        onError('line too long');
      }
    }
  };
}
