// Small HTTP helpers shared by the reverse, forward and intercepted paths.
import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Hop-by-hop headers (RFC 9110 §7.6.1) plus proxy credentials, which must never travel on. */
const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-authenticate',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
]);

/** `Connection` values that name no header: the common case needs no per-request parsing. */
const PLAIN_CONNECTION = new Set(['', 'keep-alive', 'close']);

export function stripHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const connection = String(headers.connection ?? '').trim().toLowerCase();
  const listed = PLAIN_CONNECTION.has(connection)
    ? null
    : new Set(
        connection
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
  const out: IncomingHttpHeaders = {};
  for (const k in headers) {
    const v = headers[k];
    if (v === undefined || HOP.has(k) || (listed !== null && listed.has(k))) continue;
    out[k] = v;
  }
  return out;
}

/** Header values may carry neither CR/LF nor non-Latin-1; reasons are short ASCII. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, ' ').slice(0, 200);
}

export function refuseResponse(res: ServerResponse, status: number, reason: string, message: string, extra: OutgoingHttpHeaders = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `bridle: ${message}\n`;
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-bridle-deny': headerSafe(`${reason}: ${message}`),
    ...extra,
  });
  res.end(body);
}

/** The same refusal on a raw socket (CONNECT, upgrade), then close. */
export function refuseSocket(socket: Socket, status: number, reason: string, message: string, extra: Record<string, string> = {}): void {
  const body = `bridle: ${message}\n`;
  const statusText: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 407: 'Proxy Authentication Required', 502: 'Bad Gateway' };
  const head = [
    `HTTP/1.1 ${status} ${statusText[status] ?? 'Error'}`,
    'content-type: text/plain; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    `x-bridle-deny: ${headerSafe(`${reason}: ${message}`)}`,
    'connection: close',
    ...Object.entries(extra).map(([k, v]) => `${k}: ${headerSafe(v)}`),
  ];
  if (!socket.writable) return void socket.destroy();
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

/** Splits `host:port` / `[v6]:port` (CONNECT authority or Host header). */
export function splitAuthority(authority: string, defaultPort: number): { host: string; port: number } | null {
  let host: string;
  let portText: string | undefined;
  if (authority.startsWith('[')) {
    const end = authority.indexOf(']');
    if (end < 0) return null;
    host = authority.slice(1, end);
    const rest = authority.slice(end + 1);
    if (rest) {
      if (!rest.startsWith(':')) return null;
      portText = rest.slice(1);
    }
  } else {
    const parts = authority.split(':');
    if (parts.length > 2) return null;
    host = parts[0]!;
    portText = parts[1];
  }
  if (!host || !/^[A-Za-z0-9.\-_:]+$/.test(host)) return null;
  let port = defaultPort;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText)) return null;
    port = Number(portText);
    if (port < 1 || port > 65535) return null;
  }
  return { host: host.toLowerCase().replace(/\.$/, ''), port };
}

/** Authority text for a Host header (brackets for v6, port only when not the scheme's default). */
export function authorityOf(host: string, port: number, scheme: 'http' | 'https'): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return port === (scheme === 'https' ? 443 : 80) ? h : `${h}:${port}`;
}
