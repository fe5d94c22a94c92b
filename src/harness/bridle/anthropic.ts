// The Anthropic Messages wire: the neutral transcript as `messages` with content blocks, tools
// as `input_schema`s, and the SSE stream (message_start … message_stop) read back into one reply.
import { asRecord, str } from '../tools.js';
import { describeApiError, postWithRetry } from './http.js';
import { ModelError, parseArguments, type ClientOptions, type ModelClient, type ModelReply, type ModelRequest } from './model.js';
import { readSse } from './sse.js';
import type { Message, ToolCallRecord } from './transcript.js';

const API_VERSION = '2023-06-01';

type Json = Record<string, unknown>;

export class AnthropicClient implements ModelClient {
  readonly api = 'anthropic' as const;
  private readonly url: string;

  constructor(private readonly options: ClientOptions) {
    // Claude's own convention is a base URL without /v1; a route that already ends in /v1 works too.
    const base = options.baseUrl.replace(/\/+$/, '');
    this.url = /\/v1$/.test(base) ? `${base}/messages` : `${base}/v1/messages`;
  }

  async stream(request: ModelRequest, onText: (delta: string) => void, signal: AbortSignal): Promise<ModelReply> {
    const body: Json = {
      model: request.model,
      max_tokens: request.maxTokens,
      messages: anthropicMessages(request.messages),
      stream: true,
    };
    if (request.system) body.system = request.system;
    if (request.tools.length > 0) body.tools = request.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters }));
    const res = await postWithRetry(
      this.url,
      { 'x-api-key': this.options.apiKey, 'anthropic-version': API_VERSION, accept: 'text/event-stream' },
      body,
      signal,
      this.options.retry,
      describeError,
    );
    return readReply(res.body!, onText);
  }
}

const describeError = describeApiError('Anthropic API');

/**
 * The transcript in Messages form: roles must alternate, so tool results and a following user
 * message (after an interrupt) merge into one user message, results first as the API requires.
 */
export function anthropicMessages(messages: readonly Message[]): Json[] {
  const out: Array<{ role: 'user' | 'assistant'; content: Json[] }> = [];
  const push = (role: 'user' | 'assistant', blocks: Json[]): void => {
    if (blocks.length === 0) return;
    const last = out[out.length - 1];
    if (last && last.role === role) {
      // Results before text within one user message.
      const results = [...last.content, ...blocks].filter((b) => b.type === 'tool_result');
      const rest = [...last.content, ...blocks].filter((b) => b.type !== 'tool_result');
      last.content = [...results, ...rest];
    } else out.push({ role, content: blocks });
  };
  for (const m of messages) {
    if (m.role === 'user') push('user', [{ type: 'text', text: m.text }]);
    else if (m.role === 'tool') push('user', m.results.map((r) => ({ type: 'tool_result', tool_use_id: r.id, content: r.output, ...(r.is_error ? { is_error: true } : {}) })));
    else {
      const blocks: Json[] = [];
      // The API rejects empty text blocks.
      if (m.text !== '') blocks.push({ type: 'text', text: m.text });
      for (const c of m.calls) blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: c.input });
      push('assistant', blocks);
    }
  }
  return out;
}

interface Block {
  kind: 'text' | 'tool_use' | 'other';
  id: string;
  name: string;
  json: string;
}

async function readReply(body: ReadableStream<Uint8Array>, onText: (delta: string) => void): Promise<ModelReply> {
  const blocks = new Map<number, Block>();
  const order: number[] = [];
  let text = '';
  let stop = '';
  let finished = false;
  const usage = { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
  // message_start carries the input figures; message_delta the final output (and, on newer
  // servers, input again): the latest value of each field is the total for this request.
  const takeUsage = (u: Json): void => {
    for (const key of Object.keys(usage) as Array<keyof typeof usage>) {
      const v = u[key];
      if (typeof v === 'number' && Number.isFinite(v)) usage[key] = v;
    }
  };

  for await (const ev of readSse(body)) {
    let data: Json;
    try {
      data = asRecord(JSON.parse(ev.data));
    } catch {
      continue; // not JSON: nothing this reader understands
    }
    switch (data.type) {
      case 'message_start':
        takeUsage(asRecord(asRecord(data.message).usage));
        break;
      case 'content_block_start': {
        const index = Number(data.index);
        const cb = asRecord(data.content_block);
        const kind = cb.type === 'text' ? 'text' : cb.type === 'tool_use' ? 'tool_use' : 'other';
        blocks.set(index, { kind, id: str(cb.id) ?? '', name: str(cb.name) ?? '', json: '' });
        order.push(index);
        if (kind === 'text' && typeof cb.text === 'string' && cb.text !== '') {
          text += cb.text;
          onText(cb.text);
        }
        break;
      }
      case 'content_block_delta': {
        const block = blocks.get(Number(data.index));
        const delta = asRecord(data.delta);
        if (delta.type === 'text_delta' && typeof delta.text === 'string') {
          text += delta.text;
          onText(delta.text);
        } else if (delta.type === 'input_json_delta' && block && typeof delta.partial_json === 'string') {
          block.json += delta.partial_json;
        }
        break;
      }
      case 'message_delta':
        stop = str(asRecord(data.delta).stop_reason) ?? stop;
        takeUsage(asRecord(data.usage));
        break;
      case 'message_stop':
        finished = true;
        break;
      case 'error': {
        const err = asRecord(data.error);
        const type = str(err.type);
        // Overload mid-stream is the server's fault, but text was already shown: not retried here.
        throw new ModelError(`Anthropic API error in the stream${type ? `: ${type}` : ''}: ${str(err.message) ?? ev.data}`);
      }
      default:
        break; // ping and future event types
    }
  }
  if (!finished) throw new ModelError('the Anthropic stream ended before message_stop (connection cut?)');

  const calls: ToolCallRecord[] = [];
  for (const index of order) {
    const block = blocks.get(index)!;
    if (block.kind !== 'tool_use') continue;
    const args = parseArguments(block.json);
    calls.push({ id: block.id, name: block.name, input: args.input, ...(args.raw !== undefined ? { raw: args.raw } : {}) });
  }
  return { text, calls, usage, stop };
}
