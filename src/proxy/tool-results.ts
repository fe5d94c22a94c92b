// The tool results a model request carries back to the model, found in each wire format's JSON.
// A vendor CLI runs its tools itself and sends their output upstream in the next request, and
// that request is the last point Bridle sees before the model does: policy `redact` (and `deny`)
// decisions on `tool_result` are applied to these slots in the proxy.
import type { WireApi } from './metering/usage.js';

/** One piece of tool output in a request body, with a setter that rewrites it in place. */
export interface ToolResultSlot {
  /** The call it answers (`tool_use_id`, `call_id`, `tool_call_id`), when the wire names one. */
  callId: string | undefined;
  /** The vendor's tool name, from the matching call earlier in the same request. */
  tool: string | undefined;
  text: string;
  set(text: string): void;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Text slots of a result's content: a plain string, or the text parts of a content array
 * (images and other parts carry no text to rewrite).
 */
function contentSlots(holder: Obj, key: string, callId: string | undefined, tool: string | undefined, textTypes: ReadonlySet<string>, out: ToolResultSlot[]): void {
  const content = holder[key];
  if (typeof content === 'string') {
    out.push({ callId, tool, text: content, set: (t) => (holder[key] = t) });
    return;
  }
  if (!Array.isArray(content)) return;
  for (const part of content) {
    if (isObj(part) && typeof part.text === 'string' && textTypes.has(String(part.type))) {
      out.push({ callId, tool, text: part.text, set: (t) => (part.text = t) });
    }
  }
}

const ANTHROPIC_TEXT = new Set(['text']);
const RESPONSES_TEXT = new Set(['input_text', 'output_text', 'text']);
const CHAT_TEXT = new Set(['text']);

function anthropic(body: Obj, out: ToolResultSlot[]): void {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const names = new Map<string, string>();
  for (const m of messages) {
    if (!isObj(m) || !Array.isArray(m.content)) continue;
    for (const b of m.content) if (isObj(b) && b.type === 'tool_use' && typeof b.id === 'string' && typeof b.name === 'string') names.set(b.id, b.name);
  }
  for (const m of messages) {
    if (!isObj(m) || !Array.isArray(m.content)) continue;
    for (const b of m.content) {
      if (!isObj(b) || b.type !== 'tool_result') continue;
      const id = str(b.tool_use_id);
      contentSlots(b, 'content', id, id !== undefined ? names.get(id) : undefined, ANTHROPIC_TEXT, out);
    }
  }
}

const RESPONSES_OUTPUTS = new Set(['function_call_output', 'custom_tool_call_output', 'local_shell_call_output', 'computer_call_output', 'mcp_call_output']);

function responses(body: Obj, out: ToolResultSlot[]): void {
  const input = Array.isArray(body.input) ? body.input : [];
  const names = new Map<string, string>();
  for (const item of input) {
    if (!isObj(item) || typeof item.call_id !== 'string') continue;
    if ((item.type === 'function_call' || item.type === 'custom_tool_call') && typeof item.name === 'string') names.set(item.call_id, item.name);
    if (item.type === 'local_shell_call') names.set(item.call_id, 'local_shell');
  }
  for (const item of input) {
    if (!isObj(item) || !RESPONSES_OUTPUTS.has(String(item.type))) continue;
    const id = str(item.call_id) ?? str(item.id);
    contentSlots(item, 'output', id, id !== undefined ? names.get(id) : undefined, RESPONSES_TEXT, out);
  }
}

function chat(body: Obj, out: ToolResultSlot[]): void {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const names = new Map<string, string>();
  for (const m of messages) {
    if (!isObj(m) || !Array.isArray(m.tool_calls)) continue;
    for (const c of m.tool_calls) if (isObj(c) && typeof c.id === 'string' && isObj(c.function) && typeof c.function.name === 'string') names.set(c.id, c.function.name);
  }
  for (const m of messages) {
    if (!isObj(m)) continue;
    if (m.role === 'tool') {
      const id = str(m.tool_call_id);
      contentSlots(m, 'content', id, id !== undefined ? names.get(id) : undefined, CHAT_TEXT, out);
    } else if (m.role === 'function') {
      // The legacy form: the function's name on the message, no call id.
      contentSlots(m, 'content', undefined, str(m.name), CHAT_TEXT, out);
    }
  }
}

/** Every tool-result text in a parsed request body of `api`, in request order. */
export function toolResultSlots(api: WireApi, body: unknown): ToolResultSlot[] {
  const out: ToolResultSlot[] = [];
  if (!isObj(body)) return out;
  if (api === 'anthropic-messages') anthropic(body, out);
  else if (api === 'openai-responses') responses(body, out);
  else chat(body, out);
  return out;
}
