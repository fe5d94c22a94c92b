// Bridle's gate, as a pi extension (compiled to plain JS that pi loads with `-e`). Before every
// tool call it asks the host over pi's extension-UI sub-protocol (an `input` dialog whose title
// marks it as a gate request and whose placeholder carries the call as JSON); the host answers
// with a decision as JSON. No answer, a cancelled dialog, anything unparsable or anything but
// an explicit allow blocks the call.
//
// Kept free of imports: pi loads it standalone, and its types are described locally.

export const GATE_TITLE = 'bridle-gate/v1';

interface ToolCallEvent {
  toolName: string;
  toolCallId: string;
  input: Record<string, unknown>;
}

interface ExtensionContext {
  hasUI: boolean;
  cwd?: string;
  ui: { input(title: string, placeholder?: string): Promise<string | undefined> };
}

interface ExtensionApi {
  on(event: 'tool_call', handler: (event: ToolCallEvent, ctx: ExtensionContext) => Promise<{ block: true; reason: string } | undefined>): void;
}

const REFUSED = 'Bridle policy: no decision could be obtained, so the tool call is refused.';

export default function bridleGate(pi: ExtensionApi): void {
  pi.on('tool_call', async (event, ctx) => {
    if (!ctx.hasUI) return { block: true, reason: REFUSED };
    const request = JSON.stringify({ toolName: event.toolName, toolCallId: event.toolCallId, input: event.input, cwd: ctx.cwd });
    let answer: unknown;
    try {
      const text = await ctx.ui.input(GATE_TITLE, request);
      answer = text === undefined ? undefined : JSON.parse(text);
    } catch {
      return { block: true, reason: REFUSED };
    }
    const a = typeof answer === 'object' && answer !== null ? (answer as Record<string, unknown>) : {};
    if (a.allow === true) return undefined;
    return { block: true, reason: typeof a.reason === 'string' && a.reason ? a.reason : REFUSED };
  });
}
