// OpenAI Responses API (`POST /v1/responses`): reading the conversation out of `input`, and
// rendering a reply as a response object or as its SSE stream (response.created,
// response.in_progress, output items with their deltas, response.completed with usage).
// Tool calls become `function_call` items, or `custom_tool_call` / `local_shell_call` items when
// the client declared the tool with that type.
import type { ServerResponse } from 'node:http';
import { isObject, textOf as contentText, type Json } from './content.js';
import type { LastEntry, Probe } from './match.js';
import { argumentsText, chunks, newId, type Reply, type ToolCall } from './reply.js';
import { sendJson, sse, startSse, unixSeconds } from './http-util.js';

/** Text of message content or tool output: any part with a text counts (input_text, output_text…). */
function textOf(content: unknown): string {
  return contentText(content, () => true);
}

function lastEntry(input: unknown): LastEntry {
  if (typeof input === 'string') return { kind: 'user', text: input };
  if (!Array.isArray(input)) return { kind: 'none' };
  const toolNames = new Map<string, string>();
  for (const item of input) {
    if (!isObject(item) || typeof item.call_id !== 'string') continue;
    if (item.type === 'local_shell_call') toolNames.set(item.call_id, 'local_shell');
    else if (typeof item.name === 'string') toolNames.set(item.call_id, item.name);
  }
  for (let i = input.length - 1; i >= 0; i--) {
    const item = input[i];
    if (!isObject(item)) continue;
    // Every kind of tool output item (function, custom, local_shell, computer, …) ends this way.
    if (typeof item.type === 'string' && item.type.endsWith('_call_output')) {
      const entry: LastEntry = { kind: 'tool_result', text: textOf(item.output) };
      if (typeof item.call_id === 'string') {
        entry.callId = item.call_id;
        const name = toolNames.get(item.call_id);
        if (name !== undefined) entry.toolName = name;
      }
      return entry;
    }
    if ((item.type === undefined || item.type === 'message') && item.role === 'user') {
      return { kind: 'user', text: textOf(item.content) };
    }
  }
  return { kind: 'none' };
}

export function probeResponses(body: Json): Probe {
  return {
    api: 'responses',
    model: typeof body.model === 'string' ? body.model : '',
    stream: body.stream === true,
    last: lastEntry(body.input),
  };
}

/** Tool name → declared type (`function`, `custom`, `local_shell`, …) from the request. */
function declaredTools(body: Json): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(body.tools)) return out;
  for (const t of body.tools) {
    if (!isObject(t) || typeof t.type !== 'string') continue;
    if (typeof t.name === 'string') out.set(t.name, t.type);
    else out.set(t.type, t.type); // built-ins such as local_shell are named by their type
  }
  return out;
}

/** A tool call as a finished output item, shaped by how the client declared the tool. */
function callItem(call: ToolCall, declared: Map<string, string>): Json {
  const type = declared.get(call.name);
  if (type === 'custom') {
    return { type: 'custom_tool_call', id: newId('ctc_'), call_id: call.id, name: call.name, input: freeform(call.input), status: 'completed' };
  }
  if (type === 'local_shell' && call.name === 'local_shell') {
    const args = typeof call.input === 'string' ? { command: call.input } : call.input;
    const command = typeof args.command === 'string' ? ['bash', '-lc', args.command] : args.command;
    return { type: 'local_shell_call', id: newId('lsh_'), call_id: call.id, status: 'completed', action: { type: 'exec', env: {}, ...args, command } };
  }
  return { type: 'function_call', id: newId('fc_'), call_id: call.id, name: call.name, arguments: argumentsText(call.input), status: 'completed' };
}

/** Freeform tools take raw text: a scripted string as is, or a mapping's `input` string. */
function freeform(input: ToolCall['input']): string {
  if (typeof input === 'string') return input;
  return typeof input.input === 'string' ? input.input : JSON.stringify(input);
}

function outputItems(reply: Reply, body: Json): Json[] {
  const items: Json[] = [];
  if ((reply.text !== undefined && reply.text !== '') || reply.tool_calls.length === 0) {
    items.push({
      type: 'message',
      id: newId('msg_'),
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: reply.text ?? '', annotations: [], logprobs: [] }],
    });
  }
  const declared = declaredTools(body);
  for (const call of reply.tool_calls) items.push(callItem(call, declared));
  return items;
}

function usageOf(reply: Reply): Json {
  // OpenAI counts cached tokens inside input_tokens; scripts state them apart, Anthropic-style.
  const input = reply.usage.input_tokens + reply.usage.cache_read_input_tokens;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: reply.usage.cache_read_input_tokens },
    output_tokens: reply.usage.output_tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + reply.usage.output_tokens,
  };
}

function responseObject(id: string, createdAt: number, body: Json, status: string, output: Json[], usage: Json | null): Json {
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: typeof body.model === 'string' ? body.model : '',
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    store: body.store ?? false,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: Array.isArray(body.tools) ? body.tools : [],
    top_p: 1,
    truncation: 'disabled',
    usage,
    metadata: {},
  };
}

export function sendResponses(res: ServerResponse, reply: Reply, body: Json, stream: boolean): void {
  const items = outputItems(reply, body);
  const id = newId('resp_');
  const createdAt = unixSeconds();
  const headers = { 'x-request-id': newId('req_') };
  const done = responseObject(id, createdAt, body, 'completed', items, usageOf(reply));
  if (!stream) {
    sendJson(res, 200, done, headers);
    return;
  }
  startSse(res, headers);
  let seq = 0;
  const emit = (type: string, data: Json): void => sse(res, type, { type, sequence_number: seq++, ...data });
  emit('response.created', { response: responseObject(id, createdAt, body, 'in_progress', [], null) });
  emit('response.in_progress', { response: responseObject(id, createdAt, body, 'in_progress', [], null) });
  items.forEach((item, output_index) => {
    const item_id = item.id;
    if (item.type === 'message') {
      const text = ((item.content as Json[])[0]!.text as string);
      emit('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', content: [] } });
      const part = { type: 'output_text', text: '', annotations: [], logprobs: [] };
      emit('response.content_part.added', { item_id, output_index, content_index: 0, part });
      for (const delta of chunks(text)) emit('response.output_text.delta', { item_id, output_index, content_index: 0, delta, logprobs: [] });
      emit('response.output_text.done', { item_id, output_index, content_index: 0, text, logprobs: [] });
      emit('response.content_part.done', { item_id, output_index, content_index: 0, part: { ...part, text } });
    } else if (item.type === 'function_call') {
      const args = item.arguments as string;
      emit('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', arguments: '' } });
      for (const delta of chunks(args, 24)) emit('response.function_call_arguments.delta', { item_id, output_index, delta });
      emit('response.function_call_arguments.done', { item_id, output_index, name: item.name, arguments: args });
    } else if (item.type === 'custom_tool_call') {
      const input = item.input as string;
      emit('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', input: '' } });
      for (const delta of chunks(input, 24)) emit('response.custom_tool_call_input.delta', { item_id, output_index, delta });
      emit('response.custom_tool_call_input.done', { item_id, output_index, input });
    } else {
      emit('response.output_item.added', { output_index, item: { ...item, status: 'in_progress' } });
    }
    emit('response.output_item.done', { output_index, item });
  });
  emit('response.completed', { response: done });
  res.end();
}
