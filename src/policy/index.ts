// The policy engine's public surface.
export {
  PolicyEngine,
  PolicySession,
  HumanAuthority,
  defineRule,
  describeAction,
  DEFAULT_ASK_TIMEOUT_MS,
  DEFAULT_RULE_TIMEOUT_MS,
  type EngineOptions,
  type SessionOptions,
  type CodeRule,
} from './engine.js';
export {
  loadPolicyFile,
  loadPolicyFiles,
  parsePolicyText,
  compilePolicyNode,
  validatePolicyFile,
  claimsPolicyDocument,
  type PolicySet,
  type PhaseDefaults,
  type LoadResult,
} from './loader.js';
export type { CompiledRule } from './rules.js';
export { toDecisionRecord, decisionJson } from './record.js';
export { SessionState, type StateSnapshot } from './state.js';
export { parseShell, type ShellParse, type SimpleCommand } from './shell/index.js';
export * from './types.js';
