// The row the store keeps for each decision: what was decided, by which rules, reading which state.
// No payloads (commands, texts, redacted content) — those live in the event log, once.
import type { Decision, DecisionRecord, NormalizedAction } from './types.js';

export function toDecisionRecord(d: Decision, action?: NormalizedAction): DecisionRecord {
  const r: DecisionRecord = { ts: d.ts, phase: String(d.phase), action: d.action, rules: d.rules.map((x) => ({ ...x })) };
  const sid = action?.session?.id;
  if (typeof sid === 'string') r.session_id = sid;
  if (typeof action?.agent === 'string') r.agent = action.agent;
  if (typeof action?.tool?.name === 'string') r.tool = action.tool.name;
  if (d.message !== undefined) r.message = d.message;
  if (d.default) r.default = true;
  if (d.state) r.state = { ...d.state };
  if (d.notes) r.notes = [...d.notes];
  if (d.ask) r.ask_id = d.ask.id;
  if (d.answer) r.answer = d.answer;
  if (d.redactions) r.redactions = d.redactions.map((x) => ({ ...x }));
  return r;
}

/** The decision as `bridle policy check` prints it: action, rules, message first; extras when set. */
export function decisionJson(d: Decision): Record<string, unknown> {
  const out: Record<string, unknown> = {
    action: d.action,
    rules: d.rules.map(({ name, level, action, reason, resolved_by }) => ({ name, level, action, reason, ...(resolved_by ? { resolved_by } : {}) })),
    message: d.message ?? null,
  };
  if (d.default) out.default = true;
  if (d.notes) out.notes = d.notes;
  if (d.state) out.state = d.state;
  if (d.ask) out.ask = d.ask;
  if (d.answer) out.answer = d.answer;
  if (d.redactions) out.redactions = d.redactions;
  if (d.rewritten) out.rewritten = d.rewritten;
  return out;
}
