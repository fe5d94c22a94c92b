// Bridle's gate for pi's interactive TUI (compiled to plain JS that pi loads with `-e`). There is
// no RPC host to ask in this mode, so before every tool call the extension POSTs the call to the
// session's hook endpoint over loopback HTTP (URL in BRIDLE_HOOK_URL) and waits for the decision.
// Fails closed: no URL, an unreachable endpoint, a non-200 answer, a timeout, anything unparsable
// or anything but an explicit allow blocks the call.
//
// Kept free of imports (pi loads it standalone); Node's global fetch does the request.

interface ToolCallEvent {
  toolName: string;
  toolCallId: string;
  input: Record<string, unknown>;
}

interface ExtensionContext {
  cwd?: string;
}

interface ExtensionApi {
  on(event: 'tool_call', handler: (event: ToolCallEvent, ctx: ExtensionContext) => Promise<{ block: true; reason: string } | undefined>): void;
}

const REFUSED = 'Bridle policy: no decision could be obtained, so the tool call is refused.';

export default function bridleHttpGate(pi: ExtensionApi): void {
  const url = process.env.BRIDLE_HOOK_URL;
  const timeoutS = Number(process.env.BRIDLE_HOOK_TIMEOUT_S) || 600;
  pi.on('tool_call', async (event, ctx) => {
    if (!url) return { block: true, reason: `${REFUSED} (no hook endpoint configured)` };
    const body = JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: event.toolName, tool_use_id: event.toolCallId, tool_input: event.input, cwd: ctx.cwd ?? process.cwd() });
    let answer: unknown;
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(timeoutS * 1000) });
      if (res.status !== 200) return { block: true, reason: `${REFUSED} (HTTP ${res.status})` };
      answer = JSON.parse(await res.text());
    } catch (err) {
      return { block: true, reason: `${REFUSED} (${err instanceof Error ? err.message : String(err)})` };
    }
    const a = typeof answer === 'object' && answer !== null ? (answer as Record<string, unknown>) : {};
    if (a.allow === true) return undefined;
    return { block: true, reason: typeof a.reason === 'string' && a.reason ? a.reason : REFUSED };
  });
}
