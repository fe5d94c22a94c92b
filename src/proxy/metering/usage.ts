// The normalized shape every wire format's usage is reduced to. Input tokens exclude cache reads
// and writes (Anthropic reports them apart; OpenAI folds cached tokens into its input count, so
// the OpenAI readers subtract them), so cost is a plain weighted sum.
export type WireApi = 'anthropic-messages' | 'openai-responses' | 'openai-chat';

export interface WireUsage {
  api: WireApi;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** One format's reader: fed decoded SSE events or a whole JSON body, asked for the result once. */
export interface UsageReader {
  /** Whether an SSE event of this name (and raw data) can carry usage; avoids parsing the rest. */
  wants(event: string, data: Buffer): boolean;
  /**
   * Whether every SSE event must still be parsed (e.g. the model name is only in the first one).
   * Once false, the meter skips events whose bytes hold no `"usage"` without parsing them at all.
   */
  needsEveryEvent(): boolean;
  sseEvent(event: string, data: unknown): void;
  json(body: unknown): void;
  result(): WireUsage | null;
}

export function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether JSON bytes have a `"usage": {` member (not `"usage": null`), without decoding them. */
export function hasUsageObject(data: Buffer): boolean {
  for (let at = data.indexOf('"usage"'); at !== -1; at = data.indexOf('"usage"', at + 7)) {
    let i = at + 7;
    while (data[i] === 32) i++;
    if (data[i] !== 58) continue;
    i++;
    while (data[i] === 32) i++;
    if (data[i] === 123) return true;
  }
  return false;
}
