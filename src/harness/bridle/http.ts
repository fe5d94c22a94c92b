// One POST to a model API with bounded retries. Rate limits (429), overload (529) and server
// faults (5xx), and connections that fail before any answer, are retried with exponential
// backoff (honouring `retry-after`); anything else is reported at once. Only the request is
// retried, never a stream that already started: its text has been shown to the user.
import { ModelError } from './model.js';

export interface RetryPolicy {
  /** Further attempts after the first. */
  maxRetries: number;
  /** First backoff; doubles per attempt. */
  baseDelayMs: number;
  /** Told before each wait, so the user sees why nothing is happening. */
  onRetry?: (failure: ModelError, delayMs: number, attempt: number) => void;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 4, baseDelayMs: 1000 };

/** Longest wait between attempts, whatever the server asks: a session should not hang silently. */
const MAX_DELAY_MS = 60_000;

/** Turns an error response's body into the vendor's own words. */
export type ErrorReader = (status: number, body: string) => string;

export async function postWithRetry(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  signal: AbortSignal,
  policy: RetryPolicy,
  describe: ErrorReader,
): Promise<Response> {
  const payload = JSON.stringify(body);
  for (let attempt = 0; ; attempt++) {
    let failure: ModelError;
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload, signal });
      if (res.ok && res.body) return res;
      const text = await res.text().catch(() => '');
      failure = new ModelError(describe(res.status, text), retryableStatus(res.status), retryAfter(res.headers));
    } catch (err) {
      if (signal.aborted) throw err;
      // fetch rejects with a TypeError whose cause names the socket problem (ECONNREFUSED…).
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      failure = new ModelError(`cannot reach the model API at ${url} (${err instanceof Error ? err.message : String(err)}${cause})`, true);
    }
    if (!failure.retryable || attempt >= policy.maxRetries) {
      if (attempt > 0) throw new ModelError(`${failure.message} (gave up after ${attempt + 1} attempts)`, false);
      throw failure;
    }
    const backoff = Math.min(MAX_DELAY_MS, failure.retryAfterMs ?? policy.baseDelayMs * 2 ** attempt);
    policy.onRetry?.(failure, backoff, attempt + 1);
    await sleep(backoff, signal);
  }
}

function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** `retry-after` in seconds or as an HTTP date; `retry-after-ms` (OpenAI, Anthropic) wins. */
function retryAfter(headers: Headers): number | undefined {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The `message` of a JSON error body in either vendor's shape, else the body's start. */
export function errorBodyMessage(body: string): { type?: string; message: string } {
  try {
    const parsed = JSON.parse(body) as { error?: { type?: unknown; code?: unknown; message?: unknown } | string; message?: unknown };
    const err = parsed.error;
    if (typeof err === 'object' && err !== null && typeof err.message === 'string') {
      const type = typeof err.type === 'string' ? err.type : typeof err.code === 'string' ? err.code : undefined;
      return type !== undefined ? { type, message: err.message } : { message: err.message };
    }
    if (typeof err === 'string') return { message: err };
    if (typeof parsed.message === 'string') return { message: parsed.message };
  } catch {
    // not JSON (a proxy's HTML page, say): show its beginning
  }
  return { message: body.trim().slice(0, 500) || '(empty body)' };
}

/** Describes a failed request to `api` (e.g. "Anthropic API"): status, the body's error type and message. */
export function describeApiError(api: string): (status: number, body: string) => string {
  return (status, body) => {
    const { type, message } = errorBodyMessage(body);
    return `${api} error: HTTP ${status}${type ? ` ${type}` : ''}: ${message}`;
  };
}
