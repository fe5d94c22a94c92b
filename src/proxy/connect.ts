// CONNECT: the HTTPS side of the forward proxy. A host one of the session's credentials is bound
// to is TLS-intercepted (our per-daemon CA mints its certificate) so each request inside can be
// checked and get its credential swapped; any other host is decided by policy as a whole and, if
// allowed, tunnelled untouched to the exact address that passed the check.
import type { IncomingMessage, Server } from 'node:http';
import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import type { InterceptionCa } from './ca.js';
import { decideAll } from './decide.js';
import type { ProxyCore } from './exchange.js';
import { refuseSocket, splitAuthority } from './http-util.js';
import { tokenFromProxyAuthorization } from './proxy-auth.js';
import { addressRefusal, resolveChecked } from './resolve.js';
import { hasBoundCredential, internalAllowed, track, type ProxySession } from './session.js';
import type { EgressAction, EgressEventPayload } from './types.js';

/** What an intercepted TLS connection was opened for; looked up by the inner HTTP server. */
export interface InterceptedTarget {
  session: ProxySession;
  host: string;
  port: number;
}

export interface ConnectDeps {
  core: ProxyCore;
  ca: InterceptionCa;
  sessionByToken(token: string): ProxySession | undefined;
  isSelf(host: string, port: number): boolean;
  /** The HTTP server that parses requests inside intercepted TLS. */
  inner: Server;
  intercepted: WeakMap<Socket, InterceptedTarget>;
}

export const PROXY_AUTH_CHALLENGE = { 'proxy-authenticate': 'Basic realm="bridle"' };

export async function handleConnect(deps: ConnectDeps, req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
  socket.on('error', () => socket.destroy());
  const token = tokenFromProxyAuthorization(req.headers['proxy-authorization']);
  const session = token ? deps.sessionByToken(token) : undefined;
  if (!session) return refuseSocket(socket, 407, 'unknown-session', 'proxy credentials required', PROXY_AUTH_CHALLENGE);
  const target = splitAuthority(req.url ?? '', 443);
  if (!target) return refuseSocket(socket, 400, 'bad-request', 'CONNECT needs host:port');
  const { host, port } = target;
  if (deps.isSelf(host, port)) return refuseSocket(socket, 403, 'loop', 'CONNECT to the proxy itself');
  track(session, socket);
  const { core } = deps;
  const allowInternal = internalAllowed(session, core.allowInternal, host, port);

  if (hasBoundCredential(session, host, port)) {
    // Refuse internal destinations up front; each request inside resolves and checks again.
    try {
      await resolveChecked(host, core.resolver, allowInternal);
    } catch (err) {
      return refuseConnect(deps, session, socket, host, port, 'intercept', err);
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) socket.unshift(head);
    const tlsSocket = new tls.TLSSocket(socket, {
      isServer: true,
      secureContext: deps.ca.contextFor(host),
      ALPNProtocols: ['http/1.1'],
    });
    tlsSocket.on('error', () => tlsSocket.destroy());
    deps.intercepted.set(tlsSocket as unknown as Socket, { session, host, port });
    track(session, tlsSocket);
    deps.inner.emit('connection', tlsSocket);
    return;
  }

  const action: EgressAction = {
    phase: 'egress',
    session: { id: session.id },
    egress: { method: 'CONNECT', scheme: 'https', host, port, path: '', route: 'tunnel' },
  };
  const decision = await decideAll(session.decide, core.options.ask, [action]);
  const base: EgressEventPayload = { ...action.egress, verdict: decision.action };
  if (decision.message !== undefined) base.message = decision.message;
  if (decision.rules !== undefined) base.rules = decision.rules;
  if (decision.action === 'deny' || session.closed) {
    core.emit(session.id, { ...base, verdict: 'deny', reason: decision.asked ? 'ask-denied' : 'policy' });
    return refuseSocket(socket, 403, 'policy', decision.message ?? 'denied by policy');
  }
  let address: { address: string; family: 4 | 6 };
  try {
    address = await resolveChecked(host, core.resolver, allowInternal);
  } catch (err) {
    return refuseConnect(deps, session, socket, host, port, 'tunnel', err);
  }
  core.emit(session.id, base);
  const upstream = net.connect({ host: address.address, port, family: address.family });
  track(session, upstream);
  upstream.setNoDelay(true);
  socket.setNoDelay(true);
  let connected = false;
  upstream.once('connect', () => {
    connected = true;
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.once('error', (err) => {
    if (!connected) {
      refuseSocket(socket, 502, 'upstream', `cannot reach ${host}:${port} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    socket.destroy();
  });
  socket.once('close', () => upstream.destroy());
  upstream.once('close', () => socket.destroy());
}

function refuseConnect(deps: ConnectDeps, session: ProxySession, socket: Socket, host: string, port: number, route: string, err: unknown): void {
  const { code, status, message } = addressRefusal(err);
  deps.core.emit(session.id, { method: 'CONNECT', scheme: 'https', host, port, path: '', route, verdict: 'deny', reason: code, message });
  refuseSocket(socket, status, code, message);
}
