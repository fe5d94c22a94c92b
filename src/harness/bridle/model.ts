// What the loop needs from a model API, whichever wire carries it: one streamed request with the
// neutral transcript in, text deltas out as they arrive, and the finished reply (text, tool
// calls, token figures). Errors are ModelError so the loop can tell the user something clear.
import type { UsageFigures } from '../types.js';
import type { RetryPolicy } from './http.js';
import type { Message, ToolCallRecord } from './transcript.js';

/** A tool as declared to the model. */
export interface ToolSchema {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface ModelRequest {
  model: string;
  system: string;
  messages: readonly Message[];
  tools: readonly ToolSchema[];
  maxTokens: number;
}

export interface ModelReply {
  text: string;
  calls: ToolCallRecord[];
  /** Figures for this one request (uncached input apart from cache reads, as the events carry them). */
  usage: Omit<UsageFigures, 'cost_usd' | 'model'>;
  /** Why the model stopped (`end_turn`, `tool_use`, `max_tokens`, `completed`, `incomplete`…), for diagnostics. */
  stop: string;
}

export interface ModelClient {
  /** `anthropic` or `openai`: which wire this client speaks. */
  readonly api: ModelApi;
  /** Streams one request. Rejects with ModelError (or an AbortError when `signal` fires). */
  stream(request: ModelRequest, onText: (delta: string) => void, signal: AbortSignal): Promise<ModelReply>;
}

export type ModelApi = 'anthropic' | 'openai';

export interface ClientOptions {
  /** The route's base URL as the runtime gives it (`ANTHROPIC_BASE_URL` / `OPENAI_BASE_URL`). */
  baseUrl: string;
  /** The placeholder key; the egress proxy swaps in the real one. */
  apiKey: string;
  retry: RetryPolicy;
}

export class ModelError extends Error {
  constructor(
    message: string,
    /** Whether sending the same request again may succeed (rate limits, overload, server faults). */
    readonly retryable = false,
    /** How long the server asked us to wait, when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}

/** Parses a JSON object out of streamed argument text; keeps the text when it is not one. */
export function parseArguments(text: string): { input: Record<string, unknown>; raw?: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { input: {} };
  try {
    const value: unknown = JSON.parse(trimmed);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { input: value as Record<string, unknown> };
  } catch {
    // fall through: the model produced something unparsable (e.g. cut off at max_tokens)
  }
  return { input: {}, raw: text };
}
