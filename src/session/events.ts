// Harness events → store events. The store's `type` is the normalized phase (tool_call,
// tool_result, response, usage, …) so clients and policy replays can filter on it; `payload.kind`
// keeps the finer event name. Every payload is plain JSON.
import type { EventInput } from '../store/index.js';
import type { HarnessEvent } from '../harness/types.js';

export function storeEventOf(event: HarnessEvent): EventInput {
  const { type, ...rest } = event;
  switch (event.type) {
    case 'text_delta':
      return { type: 'text', payload: { kind: type, ...rest } };
    case 'tool_call':
      return { type: 'tool_call', payload: { kind: type, ...rest } };
    case 'tool_decision':
      // The gate's answer, next to the call it decided (the decisions table has the rules).
      return { type: 'tool_call', payload: { kind: 'decision', ...rest } };
    case 'tool_result':
      return { type: 'tool_result', payload: { kind: type, ...rest } };
    case 'turn_end':
      return { type: 'response', payload: { kind: type, ...rest } };
    case 'usage':
      // What the vendor reports about itself; the proxy's metering is the figure that counts.
      return { type: 'usage', payload: { kind: 'reported', ...rest } };
    case 'error':
      return { type: 'error', payload: { kind: type, ...rest } };
    case 'session_start':
    case 'turn_start':
    case 'session_end':
    case 'approval_request':
      return { type: 'lifecycle', payload: { kind: type, ...rest } };
  }
}
