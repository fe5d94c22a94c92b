// Asking the gate, fail-closed: whatever goes wrong on the way to a decision is a deny, so a
// broken policy engine, a lost daemon or a slow human can never let a tool call through.
import type { Gate, GateDecision, NormalizedAction } from './types.js';

export const DEFAULT_GATE_TIMEOUT_MS = 10 * 60 * 1000;

/** Extra seconds a vendor hook waits beyond the gate timeout, so the gate's own deny arrives first. */
const HOOK_MARGIN_S = 30;

/** Seconds a vendor's hook may wait for Bridle's answer, given the session's gate timeout. */
export function hookTimeoutSeconds(gateTimeoutMs: number | undefined): number {
  return Math.ceil((gateTimeoutMs ?? DEFAULT_GATE_TIMEOUT_MS) / 1000) + HOOK_MARGIN_S;
}

/** Prefix of every deny message Bridle writes itself, so agents (and readers) know who refused. */
const BY = 'Bridle policy';

/** Checks an answer's shape; anything but a well-formed allow/warn/deny is a deny. */
export function validDecision(value: unknown): GateDecision | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.action !== 'allow' && v.action !== 'warn' && v.action !== 'deny') return undefined;
  if (v.message !== undefined && typeof v.message !== 'string') return undefined;
  if (v.rule !== undefined && typeof v.rule !== 'string') return undefined;
  const out: GateDecision = { action: v.action };
  if (typeof v.message === 'string') out.message = v.message;
  if (typeof v.rule === 'string') out.rule = v.rule;
  return out;
}

/** Calls the gate once, with a timeout; never rejects. */
export async function decide(gate: Gate, action: NormalizedAction, timeoutMs = DEFAULT_GATE_TIMEOUT_MS): Promise<GateDecision> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<GateDecision>((resolve) => {
    timer = setTimeout(() => resolve({ action: 'deny', message: `${BY}: no decision within ${Math.round(timeoutMs / 1000)}s, so the call is refused.` }), timeoutMs);
  });
  try {
    const answer = await Promise.race([
      Promise.resolve()
        .then(() => gate(action))
        .then(
          (value) => validDecision(value) ?? { action: 'deny' as const, message: `${BY}: the decision was malformed, so the call is refused.` },
          (err: unknown) => ({ action: 'deny' as const, message: `${BY}: the decision failed (${err instanceof Error ? err.message : String(err)}), so the call is refused.` }),
        ),
      timeout,
    ]);
    return answer;
  } finally {
    clearTimeout(timer);
  }
}

/** The text an agent reads when a call is refused. */
export function denyText(decision: GateDecision, tool: string): string {
  const why = decision.message?.trim() || 'denied by policy';
  const rule = decision.rule ? ` (rule: ${decision.rule})` : '';
  return why.startsWith(BY) ? `${why}${rule}` : `${BY} denied ${tool}: ${why}${rule}`;
}

export function allows(decision: GateDecision): boolean {
  return decision.action === 'allow' || decision.action === 'warn';
}
