// A session as the proxy sees it: its route token, its vault entry, its policy hook, and the
// connections to tear down when it ends.
import type { HostPattern } from './hosts.js';
import { anyHostMatches, parseHostPattern } from './hosts.js';
import type { SessionCredentials } from './vault.js';
import type { Decide, ScreenToolResult } from './types.js';

export interface ProxySession {
  id: string;
  token: string;
  creds: SessionCredentials;
  decide: Decide;
  screenToolResult?: ScreenToolResult;
  allowInternal: readonly HostPattern[];
  /** In-flight upstream requests and client sockets, destroyed when the session is removed. */
  active: Set<{ destroy(): unknown }>;
  closed: boolean;
}

/** Like a credential host pattern, but a bare name means any port (internal services rarely sit on 443). */
export function parseInternalPattern(text: string): HostPattern {
  const p = parseHostPattern(text);
  const t = text.trim();
  const explicitPort = t.startsWith('[') ? t.includes(']:') : t.split(':').length === 2;
  return explicitPort ? p : { ...p, port: null };
}

export function internalAllowed(session: ProxySession, global: readonly HostPattern[], host: string, port: number): boolean {
  return anyHostMatches(session.allowInternal, host, port) || anyHostMatches(global, host, port);
}

/** Whether any of the session's credentials is bound to host:port (then its TLS is intercepted). */
export function hasBoundCredential(session: ProxySession, host: string, port: number): boolean {
  return session.creds.credentials.some((c) => anyHostMatches(c.hosts, host, port));
}

export function track(session: ProxySession, thing: { destroy(): unknown; once(ev: 'close', fn: () => void): unknown }): void {
  session.active.add(thing);
  thing.once('close', () => session.active.delete(thing));
}
