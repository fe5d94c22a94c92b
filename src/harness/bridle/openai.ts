// The OpenAI Responses wire: the neutral transcript as `input` items (messages, function_call,
// function_call_output), tools as `function` declarations, and the SSE stream
// (response.created … response.completed) read back into one reply. Requests are stateless
// (`store: false`, the whole history every time): nothing depends on the vendor keeping it.
import { asRecord, num, str } from '../tools.js';
import { describeApiError, postWithRetry } from './http.js';
import { ModelError, parseArguments, type ClientOptions, type ModelClient, type ModelReply, type ModelRequest } from './model.js';
import { readSse } from './sse.js';
import type { Message, ToolCallRecord } from './transcript.js';

type Json = Record<string, unknown>;

export class OpenAiResponsesClient implements ModelClient {
  readonly api = 'openai' as const;
  private readonly url: string;

  constructor(private readonly options: ClientOptions) {
    // OPENAI_BASE_URL includes /v1 by convention (the OpenAI SDK's default is https://api.openai.com/v1).
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/responses`;
  }

  async stream(request: ModelRequest, onText: (delta: string) => void, signal: AbortSignal): Promise<ModelReply> {
    const body: Json = {
      model: request.model,
      input: responsesInput(request.messages),
      max_output_tokens: request.maxTokens,
      store: false,
      stream: true,
    };
    if (request.system) body.instructions = request.system;
    if (request.tools.length > 0) {
      body.tools = request.tools.map((t) => ({ type: 'function', name: t.name, description: t.description, parameters: t.parameters, strict: false }));
    }
    const res = await postWithRetry(
      this.url,
      { authorization: `Bearer ${this.options.apiKey}`, accept: 'text/event-stream' },
      body,
      signal,
      this.options.retry,
      describeError,
    );
    return readReply(res.body!, onText);
  }
}

const describeError = describeApiError('OpenAI API');

export function responsesInput(messages: readonly Message[]): Json[] {
  const items: Json[] = [];
  for (const m of messages) {
    if (m.role === 'user') items.push({ type: 'message', role: 'user', content: [{ type: 'input_text', text: m.text }] });
    else if (m.role === 'tool') for (const r of m.results) items.push({ type: 'function_call_output', call_id: r.id, output: r.output });
    else {
      if (m.text !== '') items.push({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: m.text }] });
      for (const c of m.calls) items.push({ type: 'function_call', call_id: c.id, name: c.name, arguments: c.raw ?? JSON.stringify(c.input) });
    }
  }
  return items;
}

async function readReply(body: ReadableStream<Uint8Array>, onText: (delta: string) => void): Promise<ModelReply> {
  let text = '';
  let finished: Json | undefined;
  // Calls by output index as they stream; the finished item (output_item.done) is authoritative.
  const calls = new Map<number, { id: string; name: string; args: string }>();

  for await (const ev of readSse(body)) {
    let data: Json;
    try {
      data = asRecord(JSON.parse(ev.data));
    } catch {
      continue;
    }
    const type = str(data.type) ?? ev.event;
    switch (type) {
      case 'response.output_text.delta': {
        const delta = str(data.delta) ?? '';
        text += delta;
        if (delta) onText(delta);
        break;
      }
      case 'response.output_item.added':
      case 'response.output_item.done': {
        const item = asRecord(data.item);
        if (item.type !== 'function_call') break;
        const index = Number(data.output_index);
        const known = calls.get(index);
        // `added` opens the call (arguments usually empty, then deltas); `done` has the full text.
        const args = type === 'response.output_item.done' ? str(item.arguments) ?? known?.args ?? '' : (known?.args ?? '') + (str(item.arguments) ?? '');
        calls.set(index, { id: str(item.call_id) ?? known?.id ?? '', name: str(item.name) ?? known?.name ?? '', args });
        break;
      }
      case 'response.function_call_arguments.delta': {
        const call = calls.get(Number(data.output_index));
        if (call && typeof data.delta === 'string') call.args += data.delta;
        break;
      }
      case 'response.completed':
      case 'response.incomplete':
        // Incomplete (e.g. max_output_tokens) still carries what was produced: the loop goes on with it.
        finished = asRecord(data.response);
        break;
      case 'response.failed': {
        const err = asRecord(asRecord(data.response).error);
        throw new ModelError(`OpenAI API error: the response failed${str(err.code) ? ` (${str(err.code)})` : ''}: ${str(err.message) ?? 'no message'}`);
      }
      case 'error':
        throw new ModelError(`OpenAI API error in the stream${str(data.code) ? ` (${str(data.code)})` : ''}: ${str(data.message) ?? ev.data}`);
      default:
        break;
    }
  }
  if (!finished) throw new ModelError('the OpenAI stream ended before response.completed (connection cut?)');

  // OpenAI counts cached tokens inside input_tokens; the events carry uncached input apart.
  const u = asRecord(finished.usage);
  const input = num(u.input_tokens);
  const cached = num(asRecord(u.input_tokens_details).cached_tokens);
  const out: ToolCallRecord[] = [...calls.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, c]) => {
      const args = parseArguments(c.args);
      return { id: c.id, name: c.name, input: args.input, ...(args.raw !== undefined ? { raw: args.raw } : {}) };
    });
  return {
    text,
    calls: out,
    usage: { input_tokens: Math.max(0, input - cached), output_tokens: num(u.output_tokens), cache_read_input_tokens: cached, cache_creation_input_tokens: 0 },
    stop: str(finished.status) ?? 'completed',
  };
}
