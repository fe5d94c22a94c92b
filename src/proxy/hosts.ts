// Host patterns for credential bindings and private-address allowances: `api.example.com` (port
// 443 only), `api.example.com:8443` (that port), `*.example.com` (subdomains, port 443), and
// `*.example.com:*` / `host:*` (any port). A bare pattern means 443 so a secret bound to a vendor
// never travels to some other service that happens to listen on another port of the same name.
export interface HostPattern {
  host: string;
  wildcard: boolean;
  /** null = any port. */
  port: number | null;
}

export function parseHostPattern(text: string): HostPattern {
  let s = text.trim().toLowerCase();
  let port: number | null = 443;
  let portText: string | undefined;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) throw new Error(`bad host pattern: ${text}`);
    if (s.length > end + 1) {
      if (s[end + 1] !== ':') throw new Error(`bad host pattern: ${text}`);
      portText = s.slice(end + 2);
    }
    s = s.slice(1, end);
  } else if (s.split(':').length === 2) {
    [s, portText] = s.split(':') as [string, string];
  }
  if (portText !== undefined) {
    if (portText === '*') port = null;
    else if (/^\d{1,5}$/.test(portText) && Number(portText) > 0 && Number(portText) < 65536) port = Number(portText);
    else throw new Error(`bad port in host pattern: ${text}`);
  }
  const wildcard = s.startsWith('*.');
  const host = wildcard ? s.slice(2) : s;
  if (!host || host.includes('*') || host.includes('/')) throw new Error(`bad host pattern: ${text}`);
  return { host, wildcard, port };
}

export function hostMatches(p: HostPattern, host: string, port: number): boolean {
  if (p.port !== null && p.port !== port) return false;
  const h = host.toLowerCase().replace(/\.$/, '');
  return p.wildcard ? h.endsWith(`.${p.host}`) : h === p.host;
}

export function anyHostMatches(patterns: readonly HostPattern[], host: string, port: number): boolean {
  return patterns.some((p) => hostMatches(p, host, port));
}
