// The answer to a vendor's PreToolUse hook. Claude Code defined this shape and Codex reads the
// same one, so both adapters (headless and interactive) answer with exactly this object.

/** `hookSpecificOutput` allowing or refusing one tool call, with the reason the agent is shown. */
export function preToolUseAnswer(decision: 'allow' | 'deny', reason: string): Record<string, unknown> {
  return { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: decision, permissionDecisionReason: reason } };
}
