// The proxy server: one listener on 127.0.0.1 serving reverse routes (`/s/<token>/<route>/…`),
// plain-HTTP forward requests and CONNECT, plus an unlistened HTTP server that parses requests
// inside intercepted TLS connections. Everything funnels into runExchange.
//
// node:http / node:https are used directly rather than http-proxy-3: every path needs to hold the
// request for policy, rewrite credential headers, scan the body, pin the dialed address and tap
// the response for redaction and metering, which leaves a reverse-proxy library nothing to do.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import fs from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import tls from 'node:tls';
import { InterceptionCa } from './ca.js';
import { handleConnect, PROXY_AUTH_CHALLENGE, type InterceptedTarget } from './connect.js';
import { runExchange, type ProxyCore } from './exchange.js';
import { refuseResponse, refuseSocket, splitAuthority } from './http-util.js';
import { mergePrices } from './metering/prices.js';
import { tokenFromProxyAuthorization, tokenKey } from './proxy-auth.js';
import { systemResolver } from './resolve.js';
import { configureUpstreams, parseReversePath, upstreamHostPattern, upstreamPath, type Upstream } from './routes.js';
import { parseInternalPattern, type ProxySession } from './session.js';
import { makeRouteToken } from './placeholder.js';
import type { EgressProxy, EgressProxyOptions, SessionOptions, SessionRoute } from './types.js';
import { Vault } from './vault.js';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * The context for TLS towards upstreams, one per extra CA and shared by every proxy in the process,
 * built on first use. Each one parses all of Node's root certificates (about 1 MB of native memory);
 * the daemon runs a proxy per session, and sessions without network access never dial out.
 */
const upstreamContexts = new Map<string, tls.SecureContext>();
function upstreamContextFor(extraCa: string | undefined): tls.SecureContext {
  const key = extraCa ?? '';
  let ctx = upstreamContexts.get(key);
  if (!ctx) {
    ctx = tls.createSecureContext({ ca: extraCa ? [...tls.rootCertificates, extraCa] : [...tls.rootCertificates] });
    upstreamContexts.set(key, ctx);
  }
  return ctx;
}

export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  if (typeof options.decide !== 'function') throw new TypeError('egress proxy: a decide() policy hook is required');
  const env = options.env ?? process.env;
  const log = options.log;
  const upstreams = configureUpstreams(env, options.upstreams, log);
  const routeHosts: Record<string, string[]> = {};
  for (const up of upstreams.values()) if (!up.isDefault) routeHosts[up.name] = [upstreamHostPattern(up)];

  const vault = new Vault({ env, defaults: options.defaultCredentials ?? undefined, routeHosts });
  // One CA per daemon: the session manager hands every session's proxy the same one, so leaves
  // are minted once per host and every session's agents trust the same root. A proxy started on
  // its own mints its own. Either way, this proxy writes its own copy of the public files.
  const ca = options.ca ?? new InterceptionCa();
  const caFiles = ca.writePublicFiles({ ...(options.caDir ? { parent: options.caDir } : {}), ...(options.upstreamCa ? { extraCaPem: options.upstreamCa } : {}) });

  const sessions = new Map<string, ProxySession>();
  const byToken = new Map<string, ProxySession>();
  const sessionByToken = (token: string): ProxySession | undefined => byToken.get(tokenKey(token));

  const core: ProxyCore = {
    vault,
    resolver: options.resolver ?? systemResolver,
    // Keep-alive to upstreams saves a TCP+TLS handshake per model call. maxSockets bounds one
    // origin (address + SNI) without making concurrent long SSE streams of many sessions queue
    // behind each other; lifo reuses the warmest socket and lets surplus idle ones time out.
    httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo', noDelay: true }),
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo', noDelay: true }),
    get upstreamContext() {
      return upstreamContextFor(options.upstreamCa);
    },
    prices: mergePrices(options.prices),
    options,
    allowInternal: (options.allowInternal ?? []).map(parseInternalPattern),
    emit: (sessionId, payload) => {
      if (!options.onEvent) return;
      try {
        options.onEvent(sessionId, { type: 'egress', payload: vault.redact(payload) as typeof payload });
      } catch (err) {
        log?.(vault.redactText(`egress event sink failed: ${String(err)}`));
      }
    },
  };

  let port = 0;
  const isSelf = (host: string, p: number): boolean => p === port && LOOPBACK_NAMES.has(host);
  const intercepted = new WeakMap<Socket, InterceptedTarget>();

  const reverse = (req: IncomingMessage, res: ServerResponse, url: string): void => {
    const parsed = parseReversePath(url);
    const session = parsed ? sessionByToken(parsed.token) : undefined;
    if (!parsed || !session) return refuseResponse(res, 403, 'unknown-session', 'no such route');
    const up: Upstream | undefined = upstreams.get(parsed.route);
    if (!up) return refuseResponse(res, 404, 'unknown-route', `no upstream named ${parsed.route}`);
    void runExchange(core, session, req, res, {
      scheme: up.scheme,
      host: up.host,
      port: up.port,
      path: upstreamPath(up, parsed.rest),
      route: up.name,
      trusted: true,
    }).catch((err: unknown) => failed(res, err));
  };

  const failed = (res: ServerResponse, err: unknown): void => {
    log?.(vault.redactText(`egress proxy: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
    refuseResponse(res, 502, 'internal', 'proxy error');
  };

  // noDelay: SSE events and small replies leave at once instead of waiting on Nagle's algorithm.
  const server = http.createServer({ requestTimeout: 0, noDelay: true }, (req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/')) return reverse(req, res, url);
    // Absolute-form: a forward-proxy request for a plain-HTTP URL.
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return refuseResponse(res, 400, 'bad-request', 'unparseable request target');
    }
    if (target.protocol !== 'http:') return refuseResponse(res, 400, 'bad-request', 'only http:// URLs may be proxied without CONNECT');
    const authority = splitAuthority(target.host, 80);
    if (!authority) return refuseResponse(res, 400, 'bad-request', 'bad host');
    const pathAndQuery = target.pathname + target.search;
    // Clients honouring HTTP_PROXY send even our own base URLs through the proxy: serve them as routes.
    if (isSelf(authority.host, authority.port)) return reverse(req, res, pathAndQuery);
    const token = tokenFromProxyAuthorization(req.headers['proxy-authorization']);
    const session = token ? sessionByToken(token) : undefined;
    if (!session) return refuseResponse(res, 407, 'unknown-session', 'proxy credentials required', PROXY_AUTH_CHALLENGE);
    void runExchange(core, session, req, res, {
      scheme: 'http',
      host: authority.host,
      port: authority.port,
      path: pathAndQuery,
      route: 'forward',
      trusted: false,
    }).catch((err: unknown) => failed(res, err));
  });
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    void handleConnect({ core, ca, sessionByToken, isSelf, inner, intercepted }, req, socket, head).catch(() => socket.destroy());
  });
  server.on('upgrade', (_req: IncomingMessage, socket: Socket) => refuseSocket(socket, 403, 'upgrade', 'protocol upgrades are not supported'));
  server.on('clientError', (_err, socket: Socket) => refuseSocket(socket, 400, 'bad-request', 'malformed request'));

  const inner = http.createServer({ requestTimeout: 0 }, (req, res) => {
    const t = intercepted.get(req.socket);
    if (!t) return refuseResponse(res, 403, 'internal', 'unknown connection');
    // The CONNECT target is where we dial and what credentials are bound against; a Host header
    // naming somewhere else (domain fronting) is refused rather than silently retargeted.
    const hostHeader = splitAuthority(String(req.headers.host ?? ''), 443);
    if (!hostHeader || hostHeader.host !== t.host || hostHeader.port !== t.port) {
      return refuseResponse(res, 403, 'host-mismatch', `Host header does not match the CONNECT target ${t.host}:${t.port}`);
    }
    let path = req.url ?? '/';
    if (!path.startsWith('/')) {
      try {
        const u = new URL(path);
        path = u.pathname + u.search;
      } catch {
        return refuseResponse(res, 400, 'bad-request', 'unparseable request target');
      }
    }
    void runExchange(core, t.session, req, res, { scheme: 'https', host: t.host, port: t.port, path, route: 'intercept', trusted: false }).catch(
      (err: unknown) => failed(res, err),
    );
  });
  inner.on('upgrade', (_req: IncomingMessage, socket: Socket) => refuseSocket(socket, 403, 'upgrade', 'protocol upgrades are not supported'));
  inner.on('clientError', (_err, socket: Socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  const removeSession = (sessionId: string): void => {
    const s = sessions.get(sessionId);
    if (!s) return;
    s.closed = true;
    sessions.delete(sessionId);
    byToken.delete(tokenKey(s.token));
    for (const a of s.active) a.destroy();
    s.active.clear();
    vault.close(sessionId);
    vault.removeSensitive(s.token);
  };

  return {
    port,
    caCertPath: caFiles.certPath,
    caBundlePath: caFiles.bundlePath,
    addSession(opts: SessionOptions): SessionRoute {
      if (sessions.has(opts.id)) throw new Error(`egress proxy: session ${opts.id} already added`);
      const token = makeRouteToken();
      const creds = vault.open(opts.id, opts.credentials ?? []);
      const screen = opts.screenToolResult ?? options.screenToolResult;
      const session: ProxySession = {
        id: opts.id,
        token,
        creds,
        decide: opts.decide ?? options.decide,
        ...(screen ? { screenToolResult: screen } : {}),
        allowInternal: (opts.allowInternal ?? []).map(parseInternalPattern),
        active: new Set(),
        closed: false,
      };
      sessions.set(opts.id, session);
      byToken.set(tokenKey(token), session);
      vault.addSensitive(token, 'route-token');
      const baseUrls: Record<string, string> = {};
      for (const name of upstreams.keys()) baseUrls[name] = `http://127.0.0.1:${port}/s/${token}/${name}`;
      return {
        sessionId: opts.id,
        token,
        port,
        proxyUrl: `http://bridle:${token}@127.0.0.1:${port}`,
        baseUrls,
        placeholders: Object.fromEntries(creds.credentials.map((c) => [c.name, c.placeholder])),
        missing: creds.missing,
        caCertPath: caFiles.certPath,
        caBundlePath: caFiles.bundlePath,
      };
    },
    removeSession,
    redact: (value: unknown) => vault.redact(value),
    async close(): Promise<void> {
      for (const id of [...sessions.keys()]) removeSession(id);
      core.httpsAgent.destroy();
      core.httpAgent.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      inner.closeAllConnections();
      fs.rmSync(caFiles.dir, { recursive: true, force: true });
    },
  };
}
