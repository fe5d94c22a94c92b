// A small world for proxy tests: the tests' CA, named HTTPS/HTTP upstreams on loopback, a resolver
// mapping test names to addresses, and a proxy with event and usage sinks collected in arrays.
import { startEgressProxy, type EgressProxy, type EgressProxyOptions, type EgressEventPayload, type UsageRecord } from '../../../src/proxy/index.js';
import type { ResolvedAddress } from '../../../src/proxy/index.js';
import { makeTestPki, type TestPki } from './pki.js';

export interface Recorded {
  events: { sessionId: string; payload: EgressEventPayload }[];
  usage: UsageRecord[];
  resolved: string[];
}

export function recorder(): Recorded {
  return { events: [], usage: [], resolved: [] };
}

/** Names resolve per this table (all tests only ever connect to loopback). */
export function mapResolver(table: Record<string, string[]>, rec?: Recorded) {
  return async (host: string): Promise<ResolvedAddress[]> => {
    rec?.resolved.push(host);
    const a = table[host];
    if (!a) throw new Error(`ENOTFOUND ${host}`);
    return a.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

let pkiCache: TestPki | null = null;
export const TEST_NAMES = ['api.bound.test', 'open.test', 'blocked.test', 'git.test', 'api.anthropic.test', 'plain.test', 'other.test'];

export function testPki(): TestPki {
  pkiCache ??= makeTestPki(TEST_NAMES);
  return pkiCache;
}

export async function startProxy(rec: Recorded, opts: Partial<EgressProxyOptions> & Pick<EgressProxyOptions, 'decide'>): Promise<EgressProxy> {
  return startEgressProxy({
    env: {},
    upstreamCa: testPki().caPem,
    onEvent: (sessionId, e) => rec.events.push({ sessionId, payload: e.payload }),
    onUsage: (u) => rec.usage.push(u),
    ...opts,
  });
}
