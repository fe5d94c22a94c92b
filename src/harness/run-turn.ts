// Convenience for one-shot callers (headless `bridle run`, tests): send a message and collect
// the turn's events until it ends.
import type { Harness, HarnessEvent } from './types.js';

export interface TurnOutcome {
  end: Extract<HarnessEvent, { type: 'turn_end' }>;
  /** Every event from the send to the turn's end, in order. */
  events: HarnessEvent[];
}

export function runTurn(harness: Harness, text: string): Promise<TurnOutcome> {
  return new Promise((resolve, reject) => {
    const events: HarnessEvent[] = [];
    let turn: number | undefined;
    const off = harness.on((event) => {
      events.push(event);
      if (event.type === 'turn_start' && turn === undefined) turn = event.turn;
      // A turn opened before we subscribed (the command harness opens its only turn at start).
      if (event.type === 'turn_end' && (turn === undefined || event.turn === turn)) {
        off();
        resolve({ end: event, events });
      }
      if (event.type === 'session_end') {
        off();
        reject(new Error(`the agent exited before the turn ended (code ${event.exit_code}, signal ${event.signal})`));
      }
    });
    harness.send(text).catch((err: unknown) => {
      off();
      reject(err instanceof Error ? err : new Error(String(err)));
    });
  });
}
