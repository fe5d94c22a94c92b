// Small response helpers shared by the wire formats: JSON bodies and server-sent events.
import type { ServerResponse } from 'node:http';
import { newId } from './reply.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Starts an SSE response. Events are then written with `sse()` and ended with `res.end()`. */
export function startSse(res: ServerResponse, headers: Record<string, string> = {}): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    ...headers,
  });
}

/** One SSE event. `event` is omitted for formats that only use `data:` lines (Chat Completions). */
export function sse(res: ServerResponse, event: string | undefined, data: unknown): void {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  res.write(`${event !== undefined ? `event: ${event}\n` : ''}data: ${payload}\n\n`);
}

export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The error body both OpenAI APIs use. */
export function sendOpenAIError(res: ServerResponse, status: number, type: string, message: string): void {
  sendJson(res, status, { error: { message, type, param: null, code: type } }, { 'x-request-id': newId('req_') });
}
