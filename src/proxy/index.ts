// Public surface of the egress proxy. Everything else in this folder is internal.
export { startEgressProxy } from './server.js';
export { proxyEnvFor } from './env.js';
export { InterceptionCa } from './ca.js';
export { SHIPPED_PRICES, costOf, priceFor, type ModelPrice, type PriceTable } from './metering/prices.js';
export { DEFAULT_CREDENTIALS, type CredentialEntry, type DefaultCredential } from './vault.js';
export type { Resolver, ResolvedAddress } from './resolve.js';
export type { GitInfo, GitOp } from './git.js';
export type {
  AskResolver,
  Decide,
  DecideContext,
  EgressAction,
  EgressDecision,
  EgressEventPayload,
  EgressProxy,
  EgressProxyOptions,
  EventSink,
  ScreenedToolResult,
  ScreenToolResult,
  SessionOptions,
  SessionRoute,
  UsageRecord,
  UsageSink,
  Verdict,
  WireToolResult,
} from './types.js';
