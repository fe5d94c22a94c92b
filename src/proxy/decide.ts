// Running the policy hook: errors and missing answers are denials, `ask` waits for a human, and a
// push of several refs is decided per ref with the strictest verdict winning.
import type { AskResolver, Decide, EgressAction, EgressDecision, Verdict } from './types.js';

const RANK: Record<Verdict, number> = { allow: 0, warn: 1, ask: 2, deny: 3 };

export interface FinalDecision extends EgressDecision {
  /** Whether a human was asked. */
  asked: boolean;
}

async function one(decide: Decide, action: EgressAction): Promise<EgressDecision> {
  try {
    const d = await decide(action, { sessionId: action.session.id });
    if (!d || !(d.action in RANK)) return { action: 'deny', message: 'policy returned no valid verdict' };
    return d;
  } catch (err) {
    return { action: 'deny', message: `policy error: ${err instanceof Error ? err.message : String(err)}` };
  }
}

export async function decideAll(decide: Decide, ask: AskResolver | undefined, actions: readonly EgressAction[]): Promise<FinalDecision> {
  let worst: EgressDecision | null = null;
  let worstAction = actions[0]!;
  for (const a of actions) {
    const d = await one(decide, a);
    if (worst === null || RANK[d.action] > RANK[worst.action]) {
      worst = d;
      worstAction = a;
    }
    if (d.action === 'deny') break;
  }
  const d = worst ?? { action: 'deny' as const, message: 'no decision' };
  if (d.action !== 'ask') return { ...d, asked: false };
  if (!ask) return { ...d, action: 'deny', message: d.message ?? 'approval required but nobody can answer', asked: false };
  try {
    const answer = await ask(worstAction, d, { sessionId: worstAction.session.id });
    return { ...d, action: answer === 'allow' ? 'allow' : 'deny', asked: true };
  } catch {
    return { ...d, action: 'deny', asked: true };
  }
}
