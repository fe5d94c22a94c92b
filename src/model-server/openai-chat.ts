// OpenAI Chat Completions (`POST /v1/chat/completions`): reading the conversation out of
// `messages`, and rendering a reply as a completion or as `chat.completion.chunk` SSE (content
// deltas, `tool_calls` deltas, a finish chunk, the usage chunk when
// `stream_options.include_usage` is set, then `[DONE]`).
import type { ServerResponse } from 'node:http';
import { isObject, textOf, type Json } from './content.js';
import type { LastEntry, Probe } from './match.js';
import { argumentsText, chunks, newId, type Reply } from './reply.js';
import { sendJson, sse, startSse, unixSeconds } from './http-util.js';

function lastEntry(messages: unknown[]): LastEntry {
  const toolNames = new Map<string, string>();
  for (const m of messages) {
    if (!isObject(m) || m.role !== 'assistant' || !Array.isArray(m.tool_calls)) continue;
    for (const c of m.tool_calls) {
      if (isObject(c) && typeof c.id === 'string' && isObject(c.function) && typeof c.function.name === 'string') {
        toolNames.set(c.id, c.function.name);
      }
    }
  }
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (!isObject(m)) continue;
    if (m.role === 'user') return { kind: 'user', text: textOf(m.content) };
    if (m.role === 'tool' || m.role === 'function') {
      const entry: LastEntry = { kind: 'tool_result', text: textOf(m.content) };
      if (typeof m.tool_call_id === 'string') {
        entry.callId = m.tool_call_id;
        const name = toolNames.get(m.tool_call_id);
        if (name !== undefined) entry.toolName = name;
      } else if (typeof m.name === 'string') {
        entry.toolName = m.name; // the legacy `function` role names its function directly
      }
      return entry;
    }
  }
  return { kind: 'none' };
}

export function probeChat(body: Json): Probe {
  return {
    api: 'chat',
    model: typeof body.model === 'string' ? body.model : '',
    stream: body.stream === true,
    last: lastEntry(Array.isArray(body.messages) ? body.messages : []),
  };
}

function usageOf(reply: Reply): Json {
  // OpenAI counts cached tokens inside prompt_tokens; scripts state them apart, Anthropic-style.
  const prompt = reply.usage.input_tokens + reply.usage.cache_read_input_tokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: reply.usage.output_tokens,
    total_tokens: prompt + reply.usage.output_tokens,
    prompt_tokens_details: { cached_tokens: reply.usage.cache_read_input_tokens },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

export function sendChat(res: ServerResponse, reply: Reply, body: Json, stream: boolean): void {
  const id = newId('chatcmpl-');
  const created = unixSeconds();
  const model = typeof body.model === 'string' ? body.model : '';
  const finish = reply.tool_calls.length > 0 ? 'tool_calls' : 'stop';
  const headers = { 'x-request-id': newId('req_') };
  const toolCalls = reply.tool_calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: argumentsText(c.input) } }));
  if (!stream) {
    const message: Json = { role: 'assistant', content: reply.text ?? (toolCalls.length > 0 ? null : ''), refusal: null };
    if (toolCalls.length > 0) message.tool_calls = toolCalls;
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
      usage: usageOf(reply),
    }, headers);
    return;
  }
  const options = isObject(body.stream_options) ? body.stream_options : {};
  const withUsage = options.include_usage === true;
  startSse(res, headers);
  const chunk = (delta: Json, finishReason: string | null = null): void => {
    const data: Json = { id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }] };
    // With include_usage every chunk carries `usage: null` until the final usage chunk.
    if (withUsage) data.usage = null;
    sse(res, undefined, data);
  };
  chunk({ role: 'assistant', content: '', refusal: null });
  for (const piece of chunks(reply.text ?? '')) chunk({ content: piece });
  toolCalls.forEach((call, index) => {
    chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] });
    for (const piece of chunks(call.function.arguments, 24)) chunk({ tool_calls: [{ index, function: { arguments: piece } }] });
  });
  chunk({}, finish);
  if (withUsage) sse(res, undefined, { id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageOf(reply) });
  sse(res, undefined, '[DONE]');
  res.end();
}
