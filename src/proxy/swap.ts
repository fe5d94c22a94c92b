// Credential swap in request headers. A placeholder may ride only in `x-api-key` or
// `Authorization` (Bearer / token / Basic), only to a host its credential is bound to, and only over
// TLS upstream; anything else is an exfiltration attempt and the request is refused whole.
import type { IncomingHttpHeaders } from 'node:http';
import { Vault, type SessionCredential } from './vault.js';

export type ExfilKind = 'unbound-host' | 'plain-http' | 'header' | 'url' | 'body' | 'foreign-placeholder' | 'tunnel';

export interface Exfiltration {
  kind: ExfilKind;
  /** Credential name (never its value). */
  credential: string;
  /** Where it was found, e.g. a header name. */
  where?: string;
}

export interface SwapResult {
  headers: IncomingHttpHeaders;
  /** Credential names swapped in. */
  swapped: string[];
  /** [bytes upstream may echo, what the agent should see instead], for response redaction. */
  echoes: [string, string][];
}

const CARRIERS = new Set(['x-api-key', 'authorization']);

export interface SwapTarget {
  sessionId: string;
  scheme: string;
  host: string;
  port: number;
}

function decodeBasic(value: string): { scheme: string; decoded: string } | null {
  const m = /^(basic)\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(value);
  if (!m) return null;
  return { scheme: m[1]!, decoded: Buffer.from(m[2]!, 'base64').toString('utf8') };
}

/** Returns the rewritten headers, or the exfiltration that forbids sending this request at all. */
export function swapCredentials(vault: Vault, target: SwapTarget, headers: IncomingHttpHeaders): SwapResult | Exfiltration {
  const out: IncomingHttpHeaders = {};
  const swapped: string[] = [];
  const echoes: [string, string][] = [];
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const values = Array.isArray(raw) ? raw : [raw];
    const rewritten: string[] = [];
    for (const value of values) {
      const basic = name === 'authorization' ? decodeBasic(value) : null;
      const owners = vault.placeholdersIn(basic ? `${value}\n${basic.decoded}` : value);
      if (owners.length === 0) {
        rewritten.push(value);
        continue;
      }
      let next = basic ? basic.decoded : value;
      for (const { sessionId, credential } of owners) {
        const refusal = refuse(credential, sessionId, name, target);
        if (refusal) return refusal;
        next = next.split(credential.placeholder).join(credential.secret);
        swapped.push(credential.name);
      }
      if (basic) next = `${basic.scheme} ${Buffer.from(next, 'utf8').toString('base64')}`;
      echoes.push([next, value]);
      rewritten.push(next);
    }
    out[name] = Array.isArray(raw) ? rewritten : rewritten[0];
  }
  return { headers: out, swapped, echoes };
}

function refuse(cred: SessionCredential, ownerSession: string, header: string, t: SwapTarget): Exfiltration | null {
  if (ownerSession !== t.sessionId) return { kind: 'foreign-placeholder', credential: cred.name, where: header };
  if (!CARRIERS.has(header)) return { kind: 'header', credential: cred.name, where: header };
  if (t.scheme !== 'https') return { kind: 'plain-http', credential: cred.name, where: header };
  if (!Vault.bound(cred, t.host, t.port)) return { kind: 'unbound-host', credential: cred.name, where: header };
  return null;
}

export function isExfiltration(r: SwapResult | Exfiltration): r is Exfiltration {
  return 'kind' in r;
}

/** A placeholder anywhere in the request target (path or query, raw or percent-decoded). */
export function placeholderInUrl(vault: Vault, url: string): Exfiltration | null {
  let decoded = url;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    // malformed escapes: the raw form is still checked
  }
  const owners = vault.placeholdersIn(`${url}\n${decoded}`);
  const first = owners[0];
  return first ? { kind: 'url', credential: first.credential.name } : null;
}
