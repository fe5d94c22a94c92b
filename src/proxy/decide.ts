// Running the policy hook: errors and missing answers are denials, `ask` waits for a human, and a
// push of several refs is decided per ref with the strictest verdict winning.
import { RANK } from '../policy/types.js';
import type { AskResolver, Decide, EgressAction, EgressDecision, Verdict } from './types.js';

/**
 * The verdicts a policy hook may answer the proxy with. `redact` is not one: a request cannot be
 * sent with rewritten content, so the session runtime turns it into a deny before it gets here.
 * Which verdict is stricter is the policy engine's ranking (RANK), not a copy of it.
 */
const PROXY_VERDICTS: ReadonlySet<string> = new Set<Verdict>(['allow', 'warn', 'ask', 'deny']);

export interface FinalDecision extends EgressDecision {
  /** Whether a human was asked. */
  asked: boolean;
}

async function one(decide: Decide, action: EgressAction): Promise<EgressDecision> {
  try {
    const d = await decide(action, { sessionId: action.session.id });
    if (!d || !PROXY_VERDICTS.has(d.action)) return { action: 'deny', message: 'policy returned no valid verdict' };
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
