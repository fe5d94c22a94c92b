// A pending ask as its pane shows it: the daemon's row, enriched with what the session's events
// say about it (the action and the rules). Pure.
import type { AskView } from './components/AskPrompt.js';
import type { Feed } from './feed.js';
import type { PendingAsk } from './source.js';

export function askView(a: PendingAsk, agent: string, feed: Feed | undefined): AskView {
  // The session writes `<action> — <message>`.
  const [what = a.prompt, ...rest] = a.prompt.split(' — ');
  const detail = feed?.asks[a.id];
  return {
    id: a.id,
    sessionId: a.sessionId,
    agent,
    action: detail?.action ?? { kind: 'other', text: what },
    rules: detail?.rules ?? [],
    message: rest.length > 0 ? rest.join(' — ') : a.prompt,
    expiresAt: a.expiresAt,
  };
}

/** Pending asks, oldest first, without those answered from here and not yet gone from the list. */
export function openAsks(asks: readonly PendingAsk[], answered: ReadonlySet<string>): PendingAsk[] {
  return asks.filter((a) => !answered.has(a.id)).sort((x, y) => x.createdAt - y.createdAt || x.id.localeCompare(y.id));
}
