// Anthropic Messages API (`POST /v1/messages`, `/v1/messages/count_tokens`): reading the
// conversation out of a request, and rendering a reply as a message or as its SSE stream
// (message_start, content blocks with text_delta / input_json_delta, message_delta with usage
// and stop_reason, message_stop).
import type { ServerResponse } from 'node:http';
import { isObject, textOf, type Json } from './content.js';
import type { LastEntry, Probe } from './match.js';
import { chunks, newId, type Reply, type ToolCall } from './reply.js';
import { sendJson, sse, startSse } from './http-util.js';

function lastEntry(messages: unknown[]): LastEntry {
  // Tool names come from the assistant's tool_use blocks, which results refer to by id.
  const toolNames = new Map<string, string>();
  for (const m of messages) {
    if (!isObject(m) || m.role !== 'assistant' || !Array.isArray(m.content)) continue;
    for (const b of m.content) {
      if (isObject(b) && b.type === 'tool_use' && typeof b.id === 'string' && typeof b.name === 'string') toolNames.set(b.id, b.name);
    }
  }
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (!isObject(m) || m.role !== 'user') continue;
    const results = Array.isArray(m.content) ? m.content.filter((b): b is Json => isObject(b) && b.type === 'tool_result') : [];
    if (results.length === 0) return { kind: 'user', text: textOf(m.content) };
    const entry: LastEntry = { kind: 'tool_result', text: results.map((r) => textOf(r.content)).join('\n') };
    const last = results[results.length - 1]!;
    if (typeof last.tool_use_id === 'string') {
      entry.callId = last.tool_use_id;
      const name = toolNames.get(last.tool_use_id);
      if (name !== undefined) entry.toolName = name;
    }
    return entry;
  }
  return { kind: 'none' };
}

export function probeAnthropic(body: Json): Probe {
  return {
    api: 'anthropic',
    model: typeof body.model === 'string' ? body.model : '',
    stream: body.stream === true,
    last: lastEntry(Array.isArray(body.messages) ? body.messages : []),
  };
}

/** Anthropic tool input is a JSON object; a scripted string must parse to one. */
function toolInput(call: ToolCall): Json {
  if (typeof call.input !== 'string') return call.input;
  let parsed: unknown;
  try {
    parsed = JSON.parse(call.input);
  } catch {
    parsed = undefined;
  }
  if (!isObject(parsed)) throw new Error(`tool call ${call.name}: Anthropic tool input must be a JSON object, got ${JSON.stringify(call.input)}`);
  return parsed;
}

/** Why a reply cannot be sent over this API (a string tool input that is no JSON object), if so. */
export function checkAnthropicReply(reply: Reply): string | undefined {
  try {
    for (const call of reply.tool_calls) toolInput(call);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function usageOf(reply: Reply): Json {
  return {
    input_tokens: reply.usage.input_tokens,
    output_tokens: reply.usage.output_tokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: reply.usage.cache_read_input_tokens,
  };
}

function blocks(reply: Reply): Json[] {
  const out: Json[] = [];
  // A message always has at least one block; an empty text block stands in when nothing else does.
  if ((reply.text !== undefined && reply.text !== '') || reply.tool_calls.length === 0) out.push({ type: 'text', text: reply.text ?? '' });
  for (const call of reply.tool_calls) out.push({ type: 'tool_use', id: call.id, name: call.name, input: toolInput(call) });
  return out;
}

export function sendAnthropic(res: ServerResponse, reply: Reply, model: string, stream: boolean): void {
  const content = blocks(reply); // before any byte is sent, so a bad input can still become an error
  const id = newId('msg_');
  const stopReason = reply.tool_calls.length > 0 ? 'tool_use' : 'end_turn';
  const headers = { 'request-id': newId('req_') };
  if (!stream) {
    sendJson(res, 200, { id, type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: null, usage: usageOf(reply) }, headers);
    return;
  }
  startSse(res, headers);
  const startUsage = { ...usageOf(reply), output_tokens: 0 };
  sse(res, 'message_start', {
    type: 'message_start',
    message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: startUsage },
  });
  sse(res, 'ping', { type: 'ping' });
  content.forEach((block, index) => {
    if (block.type === 'text') {
      sse(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      for (const piece of chunks(block.text as string)) {
        sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } });
      }
    } else {
      sse(res, 'content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      });
      for (const piece of chunks(JSON.stringify(block.input), 24)) {
        sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } });
      }
    }
    sse(res, 'content_block_stop', { type: 'content_block_stop', index });
  });
  sse(res, 'message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: usageOf(reply) });
  sse(res, 'message_stop', { type: 'message_stop' });
  res.end();
}

export function sendAnthropicError(res: ServerResponse, status: number, type: string, message: string): void {
  const requestId = newId('req_');
  sendJson(res, status, { type: 'error', error: { type, message }, request_id: requestId }, { 'request-id': requestId });
}

/** `/v1/messages/count_tokens`: a deterministic estimate of the request's size. */
export function sendCountTokens(res: ServerResponse, inputTokens: number): void {
  sendJson(res, 200, { input_tokens: inputTokens });
}
