// What the dashboard keeps per watched session, folded from its events: the transcript (for a
// headless pane), whether it runs on a PTY (an interactive pane), and, per ask, the action and
// rules behind it — the `asks` op only lists a prompt, and a person deciding wants the details.
import { summarizeAction, type ActionSummary } from './format.js';
import { emptyTranscript, foldEvents, type StoredEvent, type Transcript } from './transcript.js';

export interface AskDetail {
  action: ActionSummary;
  rules: string[];
}

export interface Feed {
  transcript: Transcript;
  /** A `lifecycle pty` event was seen: the session's output is a terminal, not a transcript. */
  interactive: boolean;
  asks: Record<string, AskDetail>;
  /** Recent tool calls (newest last): an ask is matched to the one its prompt names. */
  recentTools: ReadonlyArray<{ name?: string; input?: Record<string, unknown> }>;
}

export const emptyFeed: Feed = { transcript: emptyTranscript, interactive: false, asks: {}, recentTools: [] };

type P = Record<string, unknown>;

export function foldFeed(feed: Feed, events: readonly StoredEvent[]): Feed {
  const fresh = events.filter((e) => e.seq > feed.transcript.lastSeq);
  if (fresh.length === 0) return feed;
  let { interactive, asks, recentTools } = feed;
  for (const ev of fresh) {
    const p = (ev.payload ?? {}) as P;
    if (ev.type === 'lifecycle' && p.kind === 'pty') interactive = true;
    else if (ev.type === 'tool_call' && p.kind === 'tool_call' && p.tool) recentTools = [...recentTools.slice(-15), p.tool as Feed['recentTools'][number]];
    else if (ev.type === 'lifecycle' && p.kind === 'ask' && typeof p.ask_id === 'string') {
      const what = typeof p.prompt === 'string' ? p.prompt.split(' — ')[0]! : 'action';
      // Several calls may be waiting at once: the prompt names the action, so match on its text.
      const tool = p.phase === 'tool_call' ? [...recentTools].reverse().find((t) => t.name && what.includes(summarizeAction({ tool: t }).text)) : undefined;
      const action = tool ? summarizeAction({ phase: 'tool_call', tool }) : { kind: 'other' as const, text: what };
      const rules = Array.isArray(p.rules) ? p.rules.filter((r): r is string => typeof r === 'string') : [];
      asks = { ...asks, [p.ask_id]: { action, rules } };
    }
  }
  return { transcript: foldEvents(feed.transcript, fresh), interactive, asks, recentTools };
}
