// Public surface of the egress proxy. Everything else in this folder is internal.
export { startEgressProxy } from './server.js';
export { proxyEnvFor } from './env.js';
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
  SessionOptions,
  SessionRoute,
  UsageRecord,
  UsageSink,
  Verdict,
} from './types.js';
