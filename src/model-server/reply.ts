// A scripted reply made concrete for one request: fresh tool call ids and final token figures.
// The wire modules render this one shape in each API's own format.
import { randomBytes } from 'node:crypto';
import type { Api } from './match.js';
import type { ErrorSpec, ReplySpec } from './script.js';

export interface ToolCall {
  id: string;
  name: string;
  input: Record<string, unknown> | string;
}

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
}

export interface Reply {
  text?: string;
  tool_calls: ToolCall[];
  usage: Usage;
  error?: ErrorSpec;
}

let counter = 0;

/**
 * A fresh id with the vendor's prefix. Ids must be unique across every request a client sends
 * (clients pair tool results with calls by id), so a process-wide counter guarantees it and a
 * random tail keeps ids from two server processes from colliding in one client's history.
 */
export function newId(prefix: string): string {
  counter += 1;
  return `${prefix}${counter.toString(36).padStart(4, '0')}${randomBytes(8).toString('hex')}`;
}

/** Tool arguments as the JSON text OpenAI wire formats carry. */
export function argumentsText(input: ToolCall['input']): string {
  return typeof input === 'string' ? input : JSON.stringify(input);
}

/** Rough token count (4 characters a token), deterministic for a given text. */
export function estimateTokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

export function resolveReply(spec: ReplySpec, api: Api, requestChars: number): Reply {
  const prefix = api === 'anthropic' ? 'toolu_' : 'call_';
  const tool_calls = spec.tool_calls.map((c) => ({ id: newId(prefix), name: c.name, input: c.input }));
  const outChars = (spec.text ?? '').length + tool_calls.reduce((n, c) => n + c.name.length + argumentsText(c.input).length, 0);
  const reply: Reply = {
    tool_calls,
    usage: {
      input_tokens: spec.usage.input_tokens ?? estimateTokens(requestChars),
      output_tokens: spec.usage.output_tokens ?? estimateTokens(outChars),
      cache_read_input_tokens: spec.usage.cache_read_input_tokens ?? 0,
    },
  };
  if (spec.text !== undefined) reply.text = spec.text;
  if (spec.error) reply.error = spec.error;
  return reply;
}

/**
 * Splits text into small pieces for streaming, so clients really have to reassemble deltas.
 * Pieces end after whitespace where possible; joining them gives the text back exactly.
 */
export function chunks(text: string, size = 16): string[] {
  if (text === '') return [];
  const out: string[] = [];
  let rest = text;
  while (rest.length > size) {
    const cut = rest.lastIndexOf(' ', size);
    const at = cut > 0 ? cut + 1 : size;
    // Never split a UTF-16 surrogate pair: a lone half is escaped as `\ud83d` in JSON, which
    // strict decoders in non-JS clients reject.
    const safe = /[\uD800-\uDBFF]/.test(rest[at - 1] ?? '') ? at + 1 : at;
    out.push(rest.slice(0, safe));
    rest = rest.slice(safe);
  }
  if (rest) out.push(rest);
  return out;
}
