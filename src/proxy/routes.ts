// Reverse routes: `/s/<token>/<route>/<rest>` → `<upstream base><rest>`, query preserved. Upstream
// bases come from Bridle's config, else the user's own ANTHROPIC_BASE_URL / OPENAI_BASE_URL from
// the environment Bridle started in (never the agent's), else the vendors' public APIs.
const DEFAULT_UPSTREAMS: Readonly<Record<string, string>> = {
  anthropic: 'https://api.anthropic.com',
  openai: 'https://api.openai.com/v1',
};

const ENV_OVERRIDES: Readonly<Record<string, string>> = {
  anthropic: 'ANTHROPIC_BASE_URL',
  openai: 'OPENAI_BASE_URL',
};

export interface Upstream {
  name: string;
  scheme: 'http' | 'https';
  host: string;
  port: number;
  /** Base path without a trailing slash ('' for the root). */
  basePath: string;
  /** Whether it is the vendor default (not a user's choice). */
  isDefault: boolean;
}

function parseUpstream(name: string, text: string, isDefault: boolean): Upstream {
  const u = new URL(text);
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`upstream ${name}: only http(s) URLs are supported`);
  if (u.username || u.password) throw new Error(`upstream ${name}: credentials in the URL are not supported; use a credential entry`);
  const scheme = u.protocol === 'https:' ? 'https' : 'http';
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  return {
    name,
    scheme,
    host: host.toLowerCase(),
    port: u.port ? Number(u.port) : scheme === 'https' ? 443 : 80,
    basePath: u.pathname.replace(/\/+$/, ''),
    isDefault,
  };
}

export function configureUpstreams(
  env: Readonly<Record<string, string | undefined>>,
  overrides: Readonly<Record<string, string>> = {},
  log?: (m: string) => void,
): Map<string, Upstream> {
  const out = new Map<string, Upstream>();
  for (const [name, url] of Object.entries(DEFAULT_UPSTREAMS)) out.set(name, parseUpstream(name, url, true));
  for (const [name, variable] of Object.entries(ENV_OVERRIDES)) {
    const v = env[variable];
    if (!v) continue;
    try {
      out.set(name, parseUpstream(name, v, false));
    } catch (err) {
      log?.(`ignoring ${variable}: ${(err as Error).message}`);
    }
  }
  for (const [name, url] of Object.entries(overrides)) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`bad route name ${name}`);
    out.set(name, parseUpstream(name, url, false));
  }
  return out;
}

/** `/s/<token>/<route><rest>`; rest starts with "/" or "?" or is empty. */
export function parseReversePath(url: string): { token: string; route: string; rest: string } | null {
  const m = /^\/s\/([A-Za-z0-9_-]+)\/([a-z][a-z0-9-]*)(\/[^]*|\?[^]*)?$/.exec(url);
  if (!m) return null;
  return { token: m[1]!, route: m[2]!, rest: m[3] ?? '' };
}

export function upstreamPath(up: Upstream, rest: string): string {
  if (rest === '' || rest.startsWith('?')) return (up.basePath || '/') + rest;
  return up.basePath + rest;
}

/** Host pattern text binding a default credential to a user-chosen upstream. */
export function upstreamHostPattern(up: Upstream): string {
  const h = up.host.includes(':') ? `[${up.host}]` : up.host;
  return `${h}:${up.port}`;
}
