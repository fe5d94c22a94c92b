// Session identity on the forward-proxy path: the route token rides as the proxy password
// (`http://bridle:<token>@127.0.0.1:PORT`), which every HTTP(S)_PROXY-aware client sends as
// Proxy-Authorization. An agent can only present its own token: it never sees another's.
import crypto from 'node:crypto';

export function tokenFromProxyAuthorization(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^\s*(basic|bearer)\s+(\S+)\s*$/i.exec(header);
  if (!m) return null;
  if (m[1]!.toLowerCase() === 'bearer') return m[2]!;
  const decoded = Buffer.from(m[2]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : null;
}

/** Lookup key for a token: a digest, so the map lookup leaks no timing about the token itself. */
export function tokenKey(token: string): string {
  return crypto.createHash('sha256').update(token).digest('base64');
}
