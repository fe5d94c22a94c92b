// TLS in front of a plain-HTTP server on loopback. The egress proxy swaps real credentials only
// into TLS upstreams, so tests that check the swap put their model server behind one of these.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { makeTestPki } from '../proxy/helpers/pki.js';

export interface TlsFront {
  port: number;
  /** Where requests go; may be repointed later (a file-wide front, a model server per test). */
  target: { port: number };
  close(): Promise<void>;
}

export async function tlsFront(pki: ReturnType<typeof makeTestPki>, targetPort = 0): Promise<TlsFront> {
  const target = { port: targetPort };
  const server = https.createServer({ key: pki.key, cert: pki.cert }, (req, res) => {
    const up = http.request({ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    target,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
