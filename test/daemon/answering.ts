// Driving a one-shot session over the daemon protocol as a client that answers its asks.
import type { DaemonClient, EventsPush } from '../../src/daemon/index.js';

export interface Stored {
  seq: number;
  type: string;
  payload: Record<string, unknown>;
}

/** Starts a one-shot session, answers each ask with `answer(prompt)`, and waits for its end. */
export async function runAnswering(c: DaemonClient, spec: string, ws: string, prompt: string, answer: (prompt: string) => string): Promise<{ id: string; events: Stored[]; asks: Stored[] }> {
  const { session: id } = await c.request<{ session: string }>('start', { spec, cwd: ws, prompt, one_shot: true });
  const events: Stored[] = [];
  const asks: Stored[] = [];
  let stop = (): void => undefined;
  const ended = new Promise<void>((resolve) => {
    stop = c.onEvents((push: EventsPush) => {
      if (push.session !== id) return;
      for (const e of push.events) {
        const p = e.payload as Record<string, unknown>;
        const stored = { seq: e.seq, type: e.type, payload: p };
        events.push(stored);
        if (p.kind === 'ask') {
          asks.push(stored);
          void c.request('resolve', { ask: p.ask_id, answer: answer(String(p.prompt)) });
        }
        if (p.kind === 'state' && ['done', 'failed', 'interrupted'].includes(String(p.state))) resolve();
      }
    });
  });
  await c.request('subscribe', { session: id, after_seq: 0 });
  await ended;
  stop();
  await c.request('unsubscribe', { session: id });
  return { id, events, asks };
}

/** The events, one per line, for an assertion's message. */
export function dump(events: Stored[]): string {
  return events.map((e) => `${e.seq} ${e.type} ${JSON.stringify(e.payload).slice(0, 400)}`).join('\n');
}
