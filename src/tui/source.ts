// What the dashboard needs from the world, as one interface: the daemon implements it
// (daemon-source.ts) and tests pass a fake, so the App is tested without sockets or processes.
import type { SessionSummary } from './components/SessionList.js';
import type { AskAnswer } from './keymap.js';
import type { StoredEvent } from './transcript.js';

/** A pending ask as the daemon's `asks` op lists it. */
export interface PendingAsk {
  id: string;
  sessionId: string;
  /** `<action> — <message>`, as the session wrote it. */
  prompt: string;
  createdAt: number;
  expiresAt: number | null;
}

export interface Snapshot {
  sessions: SessionSummary[];
  asks: PendingAsk[];
}

export interface PtyHandlers {
  data(bytes: Uint8Array): void;
  /** The PTY is gone (the session ended); nothing more follows. */
  closed(): void;
}

export interface DashboardSource {
  /** Sessions (newest first) and pending asks, now and after every change. Returns an unsubscribe. */
  watch(listener: (snapshot: Snapshot) => void): () => void;
  /** A session's events from the start, then as they are committed. */
  subscribe(sessionId: string, listener: (events: StoredEvent[]) => void): () => void;
  resolve(askId: string, answer: AskAnswer): Promise<void>;
  /** Starts the terminal stream of an interactive session; resolves with the recent output to replay. */
  attach(sessionId: string, size: { cols: number; rows: number }, handlers: PtyHandlers): Promise<Uint8Array>;
  input(sessionId: string, data: string): void;
  /**
   * The pane's terminal answering a query of the program (cursor position, device attributes).
   * Unlike `input`, the daemon takes it only from the client that attached last, so a program
   * watched from two screens gets one answer, not two (the second would read as typed keys).
   */
  reply?(sessionId: string, data: string): void;
  resize(sessionId: string, cols: number, rows: number): void;
  detach(sessionId: string): void;
  /** Flow control: the pane's emulator is behind; stop / restart the session's output to it. */
  pause?(sessionId: string): void;
  resume?(sessionId: string): void;
  /** A line typed into a headless session. */
  send(sessionId: string, text: string): Promise<void>;
  /** Spec files offered by the new-session picker. */
  specs(): string[];
  /** Starts a session from a spec file; resolves with its id. */
  start(specPath: string): Promise<string>;
  /** Called when the connection is lost. */
  onLost(listener: (reason: string) => void): void;
  close(): void;
}
