// Anthropic Messages usage: `message_start` carries the model and the input side (and a first
// output count), `message_delta` carries cumulative counts that supersede it; a JSON reply has
// both in its top-level `usage`.
import { isObject, num, type UsageReader, type WireUsage } from './usage.js';

export class AnthropicUsageReader implements UsageReader {
  private model: string | null = null;
  private usage: Record<string, unknown> | null = null;

  wants(event: string): boolean {
    return event === 'message_start' || event === 'message_delta';
  }

  needsEveryEvent(): boolean {
    // message_start names the model; after it only usage-bearing events matter.
    return this.model === null;
  }

  sseEvent(event: string, data: unknown): void {
    if (!isObject(data)) return;
    if (event === 'message_start' && isObject(data.message)) {
      if (typeof data.message.model === 'string') this.model = data.message.model;
      if (isObject(data.message.usage)) this.usage = { ...data.message.usage };
    } else if (event === 'message_delta' && isObject(data.usage)) {
      // Counts in message_delta are cumulative: fields present replace the earlier ones.
      this.usage = { ...(this.usage ?? {}), ...Object.fromEntries(Object.entries(data.usage).filter(([, v]) => v !== null)) };
    }
  }

  json(body: unknown): void {
    if (!isObject(body)) return;
    if (typeof body.model === 'string') this.model = body.model;
    if (isObject(body.usage)) this.usage = body.usage;
  }

  result(): WireUsage | null {
    if (!this.usage) return null;
    return {
      api: 'anthropic-messages',
      model: this.model,
      inputTokens: num(this.usage.input_tokens),
      outputTokens: num(this.usage.output_tokens),
      cacheReadTokens: num(this.usage.cache_read_input_tokens),
      cacheWriteTokens: num(this.usage.cache_creation_input_tokens),
    };
  }
}
