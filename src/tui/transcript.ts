// Folds a headless session's stored events (docs/protocol.md, "Events") into what the transcript
// pane shows: messages, tool calls with their decision and rule, results, usage. Pure; the pane
// re-folds only new events because the fold is incremental.

export interface StoredEvent {
  seq: number;
  ts: number;
  type: string;
  payload: unknown;
}

export type TranscriptEntry =
  | { kind: 'user'; seq: number; text: string }
  | { kind: 'assistant'; seq: number; turn: number; text: string; done: boolean }
  | {
      kind: 'tool';
      seq: number;
      callId: string;
      name: string;
      detail: string;
      decision?: { action: string; rule?: string; message?: string };
      result?: { text: string; isError: boolean };
    }
  | { kind: 'ask'; seq: number; askId: string; prompt: string; answer?: string }
  | { kind: 'state'; seq: number; state: string; reason?: string }
  | { kind: 'error'; seq: number; message: string };

export interface Transcript {
  entries: TranscriptEntry[];
  usage: { costUsd: number; inputTokens: number; outputTokens: number };
  state: string | null;
  lastSeq: number;
}

export const emptyTranscript: Transcript = { entries: [], usage: { costUsd: 0, inputTokens: 0, outputTokens: 0 }, state: null, lastSeq: 0 };

type P = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Adds events (already-seen sequence numbers are skipped) and returns a new transcript. */
export function foldEvents(t: Transcript, events: readonly StoredEvent[]): Transcript {
  const entries = t.entries.slice();
  let { usage, state, lastSeq } = t;
  const replace = (i: number, e: TranscriptEntry) => (entries[i] = e);
  for (const ev of events) {
    if (ev.seq <= lastSeq) continue;
    lastSeq = ev.seq;
    const p = (ev.payload ?? {}) as P;
    const kind = str(p.kind);
    if (ev.type === 'request' && kind === 'user_message') entries.push({ kind: 'user', seq: ev.seq, text: str(p.text) ?? '' });
    else if (ev.type === 'text' && kind === 'text_delta') {
      const turn = num(p.turn);
      const i = entries.findLastIndex((e) => e.kind === 'assistant' && e.turn === turn && !e.done);
      const prev = entries[i];
      if (prev?.kind === 'assistant') replace(i, { ...prev, text: prev.text + (str(p.text) ?? '') });
      else entries.push({ kind: 'assistant', seq: ev.seq, turn, text: str(p.text) ?? '', done: false });
    } else if (ev.type === 'response' && kind === 'turn_end') {
      const turn = num(p.turn);
      const i = entries.findLastIndex((e) => e.kind === 'assistant' && e.turn === turn);
      const prev = entries[i];
      const text = str(p.text);
      if (prev?.kind === 'assistant') replace(i, { ...prev, text: text ?? prev.text, done: true });
      else if (text) entries.push({ kind: 'assistant', seq: ev.seq, turn, text, done: true });
      if (str(p.error)) entries.push({ kind: 'error', seq: ev.seq, message: str(p.error)! });
    } else if (ev.type === 'tool_call' && kind === 'tool_call') {
      const tool = (p.tool ?? {}) as P;
      const input = (tool.input ?? {}) as P;
      const detail = str(input.command) ?? str(input.path) ?? str(input.url) ?? str(input.agent) ?? '';
      entries.push({ kind: 'tool', seq: ev.seq, callId: str(p.call_id) ?? '', name: str(tool.name) ?? '?', detail });
    } else if (ev.type === 'tool_call' && kind === 'decision') {
      const i = entries.findLastIndex((e) => e.kind === 'tool' && e.callId === str(p.call_id));
      const prev = entries[i];
      const d = (p.decision ?? {}) as P;
      if (prev?.kind === 'tool')
        replace(i, { ...prev, decision: { action: str(d.action) ?? '?', ...(str(d.rule) ? { rule: str(d.rule)! } : {}), ...(str(d.message) ? { message: str(d.message)! } : {}) } });
    } else if (ev.type === 'tool_result' && kind === 'tool_result') {
      const i = entries.findLastIndex((e) => e.kind === 'tool' && e.callId === str(p.call_id));
      const prev = entries[i];
      const out = typeof p.output === 'string' ? p.output : JSON.stringify(p.output ?? '');
      if (prev?.kind === 'tool') replace(i, { ...prev, result: { text: out, isError: p.is_error === true } });
    } else if (ev.type === 'lifecycle' && kind === 'state') {
      state = str(p.state) ?? state;
      entries.push({ kind: 'state', seq: ev.seq, state: str(p.state) ?? '?', ...(str(p.reason) ? { reason: str(p.reason)! } : {}) });
    } else if (ev.type === 'lifecycle' && kind === 'ask') {
      entries.push({ kind: 'ask', seq: ev.seq, askId: str(p.ask_id) ?? '', prompt: str(p.prompt) ?? '' });
    } else if (ev.type === 'lifecycle' && kind === 'ask_answered') {
      const i = entries.findLastIndex((e) => e.kind === 'ask' && e.askId === str(p.ask_id));
      const prev = entries[i];
      if (prev?.kind === 'ask') replace(i, { ...prev, answer: str(p.answer) ?? str(p.verdict) ?? '?' });
    } else if (ev.type === 'usage' && kind === 'metered') {
      usage = {
        costUsd: usage.costUsd + num(p.costUsd),
        inputTokens: usage.inputTokens + num(p.inputTokens),
        outputTokens: usage.outputTokens + num(p.outputTokens),
      };
    } else if (ev.type === 'error') entries.push({ kind: 'error', seq: ev.seq, message: str(p.message) ?? str(p.reason) ?? kind ?? 'error' });
  }
  return { entries, usage, state, lastSeq };
}
