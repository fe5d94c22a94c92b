// Picks the usage reader for a model API response and feeds it the bytes as they stream past.
// Only events that can carry usage are JSON-parsed, so metering costs little on long streams.
import { AnthropicUsageReader } from './anthropic.js';
import { ChatUsageReader, ResponsesUsageReader } from './openai.js';
import { SseParser } from './sse.js';
import type { UsageReader, WireApi, WireUsage } from './usage.js';

/** JSON bodies larger than this are not metered (and flagged), to bound memory. */
const MAX_JSON_BODY = 16 * 1024 * 1024;

/** Which wire format a request speaks, from its method and upstream path; null = not a model call. */
export function wireApiFor(method: string, pathname: string): WireApi | null {
  if (method !== 'POST') return null;
  const p = pathname.replace(/\/+$/, '');
  if (p.endsWith('/messages') && !p.endsWith('/count_tokens')) return 'anthropic-messages';
  if (p.endsWith('/responses')) return 'openai-responses';
  if (p.endsWith('/chat/completions')) return 'openai-chat';
  return null;
}

function readerFor(api: WireApi): UsageReader {
  if (api === 'anthropic-messages') return new AnthropicUsageReader();
  if (api === 'openai-responses') return new ResponsesUsageReader();
  return new ChatUsageReader();
}

export class ResponseMeter {
  private readonly reader: UsageReader;
  private readonly sse: SseParser | null;
  private json: Buffer[] | null = null;
  private jsonBytes = 0;
  /** Set when part of the body could not be read (oversized, not JSON). */
  problem: string | null = null;

  constructor(api: WireApi, contentType: string | undefined) {
    this.reader = readerFor(api);
    const ct = (contentType ?? '').toLowerCase();
    if (ct.includes('text/event-stream')) {
      this.sse = new SseParser((event, data) => {
        if (!this.reader.wants(event, data)) return;
        try {
          this.reader.sseEvent(event, JSON.parse(data.toString('utf8')));
        } catch {
          // A non-JSON event (e.g. "[DONE]") carries no usage.
        }
      });
    } else {
      this.sse = null;
      this.json = [];
    }
  }

  write(chunk: Buffer): void {
    if (this.sse) return this.sse.write(chunk);
    if (!this.json) return;
    this.jsonBytes += chunk.length;
    if (this.jsonBytes > MAX_JSON_BODY) {
      this.json = null;
      this.problem = 'response too large to meter';
      return;
    }
    this.json.push(chunk);
  }

  end(): WireUsage | null {
    if (this.sse) this.sse.end();
    else if (this.json) {
      try {
        this.reader.json(JSON.parse(Buffer.concat(this.json).toString('utf8')));
      } catch {
        this.problem = 'response body is not JSON';
      }
      this.json = null;
    }
    return this.reader.result();
  }
}
