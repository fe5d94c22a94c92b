// OpenAI usage. Responses API: the terminal `response.completed` (or `.incomplete` / `.failed`)
// event carries the whole response with `usage`. Chat Completions: with
// `stream_options.include_usage` the last chunk carries `usage` (earlier chunks have `usage: null`).
// Cached input tokens are part of the reported input count and are split out here.
import { hasUsageObject, isObject, num, type UsageReader, type WireUsage } from './usage.js';

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

function split(api: WireUsage['api'], model: string | null, input: number, output: number, cached: number): WireUsage {
  return { api, model, inputTokens: Math.max(0, input - cached), outputTokens: output, cacheReadTokens: cached, cacheWriteTokens: 0 };
}

export class ResponsesUsageReader implements UsageReader {
  private out: WireUsage | null = null;

  wants(event: string, data: Buffer): boolean {
    // Some gateways omit `event:` lines; then the type is only inside the data.
    return TERMINAL.has(event) || (event === 'message' && hasUsageObject(data));
  }

  needsEveryEvent(): boolean {
    // The model and the usage both come from the terminal event, which holds "usage".
    return false;
  }

  sseEvent(_event: string, data: unknown): void {
    if (isObject(data) && isObject(data.response)) this.json(data.response);
  }

  json(body: unknown): void {
    if (!isObject(body) || !isObject(body.usage)) return;
    const u = body.usage;
    const cached = isObject(u.input_tokens_details) ? num(u.input_tokens_details.cached_tokens) : 0;
    this.out = split('openai-responses', typeof body.model === 'string' ? body.model : null, num(u.input_tokens), num(u.output_tokens), cached);
  }

  result(): WireUsage | null {
    return this.out;
  }
}

export class ChatUsageReader implements UsageReader {
  private out: WireUsage | null = null;
  private model: string | null = null;

  wants(_event: string, data: Buffer): boolean {
    return this.model === null || hasUsageObject(data);
  }

  needsEveryEvent(): boolean {
    // The first chunk names the model; the final usage chunk may not.
    return this.model === null;
  }

  sseEvent(_event: string, data: unknown): void {
    this.json(data);
  }

  json(body: unknown): void {
    if (!isObject(body)) return;
    if (typeof body.model === 'string') this.model = body.model;
    if (!isObject(body.usage)) return;
    const u = body.usage;
    const cached = isObject(u.prompt_tokens_details) ? num(u.prompt_tokens_details.cached_tokens) : 0;
    this.out = split('openai-chat', this.model, num(u.prompt_tokens), num(u.completion_tokens), cached);
  }

  result(): WireUsage | null {
    return this.out;
  }
}
