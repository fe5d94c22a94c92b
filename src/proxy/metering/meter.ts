// Picks the usage reader for a model API response and feeds it the bytes as they stream past.
// A model stream is mostly small delta events that carry no usage. So that metering costs next to
// nothing per event, the bytes are first cut at event boundaries ("\n\n") and searched natively for
// `"usage"`; only events holding it (and, until the model is known, every event) reach the SSE
// parser, and of those only the ones a reader wants are JSON-parsed.
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

const NL = 10;
const CR = 13;
const QUOTE = 34;
const USAGE = Buffer.from('"usage"');
const EVENT_END = Buffer.from('\n\n');

/**
 * Feeds an SseParser only the events that may matter. Segments handed to the parser always end on
 * an event boundary, so skipping the ones in between never leaves the parser mid-event. Streams
 * using CR line ends (rare, and where "\n\n" is not the only boundary) go through the parser whole.
 */
class SseUsageFilter {
  /** Bytes since the last event boundary (references to the chunks, not copies). */
  private pending: Buffer[] = [];
  private pendingHasUsage = false;
  private endedWithLf = false;
  /** The stream's last few bytes, for a `"usage"` split across chunks. */
  private tail: Buffer = Buffer.alloc(0);
  private exact = false;

  constructor(
    private readonly parser: SseParser,
    private readonly reader: UsageReader,
  ) {}

  write(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.exact) return this.parser.write(chunk);
    if (chunk.indexOf(CR) !== -1) {
      this.exact = true;
      for (const p of this.pending) this.parser.write(p);
      this.pending = [];
      return this.parser.write(chunk);
    }
    const seam = this.seamHasUsage(chunk);
    let cut = chunk.lastIndexOf(EVENT_END);
    if (cut >= 0) cut += 2;
    else if (this.endedWithLf && chunk[0] === NL) cut = 1;
    if (cut < 0) {
      this.pending.push(chunk);
      this.pendingHasUsage ||= seam || chunk.indexOf(USAGE) !== -1;
    } else {
      // "usage" holds no newline, so no occurrence spans the cut: head and rest are searched apart.
      const head = chunk.subarray(0, cut);
      if (this.pendingHasUsage || seam || head.indexOf(USAGE) !== -1 || this.reader.needsEveryEvent()) {
        for (const p of this.pending) this.parser.write(p);
        this.parser.write(head);
      }
      this.pending = [];
      this.pendingHasUsage = false;
      if (cut < chunk.length) {
        const rest = chunk.subarray(cut);
        this.pending.push(rest);
        this.pendingHasUsage = rest.indexOf(USAGE) !== -1;
      }
    }
    this.endedWithLf = chunk[chunk.length - 1] === NL;
    const keep = USAGE.length - 1;
    if (chunk.length >= keep) this.tail = chunk.subarray(chunk.length - keep);
    else {
      const joined = Buffer.concat([this.tail, chunk]);
      this.tail = joined.subarray(Math.max(0, joined.length - keep));
    }
  }

  end(): void {
    if (!this.exact && (this.pendingHasUsage || this.reader.needsEveryEvent())) for (const p of this.pending) this.parser.write(p);
    this.pending = [];
    this.parser.end();
  }

  /** Whether `"usage"` starts in the previous bytes and ends in this chunk. */
  private seamHasUsage(chunk: Buffer): boolean {
    if (this.tail.length === 0 || this.tail.indexOf(QUOTE) === -1) return false;
    const seam = Buffer.concat([this.tail, chunk.subarray(0, USAGE.length - 1)]);
    const at = seam.indexOf(USAGE);
    return at !== -1 && at < this.tail.length && at + USAGE.length > this.tail.length;
  }
}

export class ResponseMeter {
  private readonly reader: UsageReader;
  private readonly sse: SseUsageFilter | null;
  private json: Buffer[] | null = null;
  private jsonBytes = 0;
  /** Set when part of the body could not be read (oversized, not JSON). */
  problem: string | null = null;

  constructor(api: WireApi, contentType: string | undefined) {
    this.reader = readerFor(api);
    const ct = (contentType ?? '').toLowerCase();
    if (ct.includes('text/event-stream')) {
      const parser = new SseParser((event, data) => {
        if (!this.reader.wants(event, data)) return;
        try {
          this.reader.sseEvent(event, JSON.parse(data.toString('utf8')));
        } catch {
          // A non-JSON event (e.g. "[DONE]") carries no usage.
        }
      });
      this.sse = new SseUsageFilter(parser, this.reader);
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
