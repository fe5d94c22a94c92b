// A session's stored events as a readable transcript (headless `bridle run`, `sessions events`):
// the agent's text as it streams, one line per tool call and per refusal, asks and errors on
// stderr so stdout stays the conversation.

export interface RenderState {
  atLineStart: boolean;
  /** Calls already reported as denied (their error result is not repeated). */
  denied: Set<string>;
}

export interface RenderIO {
  stdout(text: string): void;
  stderr(text: string): void;
}

interface Payload {
  kind?: string;
  text?: string;
  call_id?: string;
  tool?: { name?: string; input?: Record<string, unknown> };
  decision?: { action?: string; message?: string; rule?: string };
  output?: string;
  is_error?: boolean;
  status?: string;
  error?: string;
  message?: string;
  state?: string;
  ask_id?: string;
  prompt?: string;
  answer?: string | null;
  verdict?: string;
  by?: string | null;
  name?: string;
  reason?: string;
}

function summary(tool: Payload['tool']): string {
  const input = tool?.input ?? {};
  const detail = ['command', 'path', 'url', 'agent'].map((k) => input[k]).find((v) => typeof v === 'string') as string | undefined;
  const one = (detail ?? '').split('\n')[0]!;
  return `${tool?.name ?? '?'}${one ? ` ${one.length > 120 ? `${one.slice(0, 120)}…` : one}` : ''}`;
}

export function renderEvent(e: { type: string; payload: unknown }, st: RenderState, io: RenderIO): void {
  const p = (e.payload ?? {}) as Payload;
  const line = (text: string): void => {
    io.stdout(`${st.atLineStart ? '' : '\n'}${text}\n`);
    st.atLineStart = true;
  };
  switch (p.kind) {
    case 'text_delta':
      if (p.text) {
        io.stdout(p.text);
        st.atLineStart = p.text.endsWith('\n');
      }
      return;
    case 'tool_call':
      line(`▸ ${summary(p.tool)}`);
      return;
    case 'decision':
      if (p.decision?.action === 'deny') {
        if (p.call_id) st.denied.add(p.call_id);
        line(`✗ denied: ${p.decision.message ?? 'by policy'}${p.decision.rule ? ` (rule: ${p.decision.rule})` : ''}`);
      } else if (p.decision?.action === 'warn') line(`! warning: ${p.decision.message ?? ''}${p.decision.rule ? ` (rule: ${p.decision.rule})` : ''}`);
      return;
    case 'tool_result':
      if (p.is_error && !(p.call_id && st.denied.has(p.call_id))) line(`✗ ${(p.output ?? '').split('\n')[0]}`);
      return;
    case 'turn_end':
      if (!st.atLineStart) line('');
      if (p.status !== 'completed') io.stderr(`bridle: the turn ${p.status}${p.error ? `: ${p.error}` : ''}\n`);
      return;
    case 'ask':
      io.stderr(`bridle: ask ${p.ask_id}: ${p.prompt} — waiting for an answer from an attached client\n`);
      return;
    case 'ask_answered':
      io.stderr(`bridle: ask ${p.ask_id}: ${p.verdict === 'deny' ? 'denied' : 'allowed'}${p.answer === 'timeout' ? ' (nobody answered in time)' : p.by ? ` by ${p.by}` : ''}\n`);
      return;
    case 'error':
    case 'credential_missing':
    case 'teardown':
      io.stderr(`bridle: ${p.kind === 'credential_missing' ? `credential ${p.name} missing: ${p.reason}` : (p.message ?? JSON.stringify(p))}\n`);
      return;
    case 'state':
      if (p.state === 'failed' || p.state === 'interrupted') io.stderr(`bridle: session ${p.state}\n`);
      return;
    default:
      return;
  }
}
