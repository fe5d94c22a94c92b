// Every request the server receives, kept in memory and (optionally) appended to a JSONL file, so
// tests can assert what a client really sent: method, path with query, headers (credentials
// included, as sent — this is a local test server), body, and which turn answered with what.
import { appendFileSync, writeFileSync } from 'node:fs';
import type { Api } from './match.js';
import type { ToolCall, Usage } from './reply.js';
import type { ErrorSpec } from './script.js';

export interface RecordedReply {
  text?: string;
  tool_calls: ToolCall[];
  usage: Usage;
  error?: ErrorSpec;
}

export interface RecordedRequest {
  /** 1-based arrival order. */
  seq: number;
  time: string;
  method: string;
  /** Path as received, query included (e.g. `/v1/messages?beta=true`). */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the body is JSON, else the raw text ('' when there was none). */
  body: unknown;
  /** Which endpoint answered: an API, `count_tokens`, `models`, or null for unknown paths. */
  endpoint: Api | 'count_tokens' | 'models' | 'root' | null;
  status: number;
  /** 1-based index of the script turn that answered; null when the fallback (or nothing) did. */
  turn: number | null;
  turn_name?: string;
  /** The message the server answered with (for the three message APIs). */
  reply?: RecordedReply;
}

export class RequestLog {
  private readonly entries: RecordedRequest[] = [];

  /** `file` is truncated: a log describes one run of the server. */
  constructor(private readonly file?: string) {
    if (file !== undefined) writeFileSync(file, '');
  }

  nextSeq(): number {
    return this.entries.length + 1;
  }

  /**
   * Written synchronously, before the response goes out, so a client that has its answer can
   * read the file and find its request in it.
   */
  record(entry: RecordedRequest): void {
    this.entries.push(entry);
    if (this.file !== undefined) appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
  }

  all(): RecordedRequest[] {
    return this.entries.map((e) => structuredClone(e));
  }
}
