// Which scripted turn answers a request.
//
// Every wire format is first reduced to a Probe: the latest user-side entry of the conversation,
// which is either a human message (`user`) or the result of a tool call (`tool_result`). System,
// developer and assistant entries are skipped because clients append their own (Claude Code's
// last message can be a `system` one), and they say nothing about where the conversation is.
//
// Selection rule: the first turn, in script order, that is still available and whose matcher
// accepts the probe. A `once` turn (the default) is used up when it answers, so a script reads
// as a conversation that proceeds turn by turn, and two turns with the same matcher answer
// successive requests in order. `once: false` turns answer every time (handy for side
// requests). A turn without a matcher accepts any request, so a script with no matchers at all
// is a strict sequence. Nothing matching gets a scripted fallback that says why.
import type { Script, Turn } from './script.js';

export type Api = 'anthropic' | 'responses' | 'chat';

/** The latest user-side entry of a conversation. */
export type LastEntry =
  | { kind: 'user'; text: string }
  | { kind: 'tool_result'; text: string; toolName?: string; callId?: string }
  | { kind: 'none' };

export interface Probe {
  api: Api;
  model: string;
  stream: boolean;
  last: LastEntry;
}

function textMatches(turn: Turn, text: string): boolean {
  const m = turn.match;
  if (m.regex) return m.regex.test(text);
  return text.includes(m.substring ?? '');
}

/** Whether a turn's matcher accepts the probe (ignoring whether the turn is used up). */
export function turnMatches(turn: Turn, probe: Probe): boolean {
  if (turn.match.model !== undefined && !probe.model.includes(turn.match.model)) return false;
  if (turn.match.on === 'any') return true;
  if (probe.last.kind !== turn.match.on) return false;
  return textMatches(turn, probe.last.text);
}

/** One line describing a turn's matcher, for fallback texts and logs. */
export function describeTurn(turn: Turn): string {
  const m = turn.match;
  const label = turn.name ? ` "${turn.name}"` : '';
  let what = 'any request';
  if (m.on !== 'any') {
    const key = m.regex ? `${m.on}_regex` : m.on;
    what = `${key}: ${JSON.stringify(m.regex ? m.regex.source : m.substring)}`;
  }
  const model = m.model !== undefined ? ` (model contains ${JSON.stringify(m.model)})` : '';
  return `turn ${turn.index}${label} [line ${turn.line}]: ${what}${model}`;
}

/**
 * Text for humans reading a fallback: Claude Code prepends `<system-reminder>` blocks to the
 * user's words, so those go, and long text keeps its end, where the newest words are.
 */
function clip(text: string, max = 160): string {
  const flat = text.replace(/<system-reminder>[\s\S]*?<\/system-reminder>/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `…${flat.slice(flat.length - (max - 1))}` : flat;
}

/** One line describing what a request ends with. */
export function describeProbe(probe: Probe): string {
  const last = probe.last;
  if (last.kind === 'none') return 'no user message or tool result';
  if (last.kind === 'user') return `user message ${JSON.stringify(clip(last.text))}`;
  const tool = last.toolName ? ` of ${last.toolName}` : '';
  return `tool result${tool} ${JSON.stringify(clip(last.text))}`;
}

/** The script plus which turns are used up. One per server. */
export class TurnBook {
  private readonly used = new Set<number>();
  constructor(readonly script: Script) {}

  /** Picks the turn for a request and marks a `once` turn used. */
  take(probe: Probe): Turn | undefined {
    const turn = this.script.turns.find((t) => !this.used.has(t.index) && turnMatches(t, probe));
    if (turn?.once) this.used.add(turn.index);
    return turn;
  }

  /** Turns that can still answer, in script order. */
  available(): Turn[] {
    return this.script.turns.filter((t) => !this.used.has(t.index));
  }

  /** The text answered when nothing matches: the script's own, or an explanation. */
  fallbackText(probe: Probe): string {
    if (this.script.fallback !== undefined) return this.script.fallback;
    const left = this.available();
    const lines = [
      `[bridle model-server] No scripted turn in ${this.script.file} matches this request (${describeProbe(probe)}, model ${JSON.stringify(probe.model)}).`,
      left.length === 0 ? 'Every turn of the script has been used.' : `Turns still available:\n${left.map((t) => `- ${describeTurn(t)}`).join('\n')}`,
    ];
    return lines.join('\n');
  }
}
