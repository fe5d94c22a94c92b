// A per-session loopback HTTP endpoint that vendor hooks call before each tool call. Its only
// power is to submit an action and hear the decision: it cannot resolve asks, change rules or
// see other sessions. The path carries a random token so that other local processes (or other
// sessions' sandboxes) cannot submit actions in this session's name.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/** Hook bodies are tool inputs (a file being written can be large), but not unbounded. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface HookEndpoint {
  /** Full URL to POST a hook's JSON to: `http://127.0.0.1:PORT/hook/TOKEN`. */
  url: string;
  /** The loopback port (a sandbox must let the agent connect to it). */
  port: number;
  close(): Promise<void>;
}

/** `handle` gets the parsed JSON body and returns the JSON to answer with; it should not throw. */
export async function startHookEndpoint(handle: (body: unknown) => Promise<unknown>): Promise<HookEndpoint> {
  const token = randomBytes(24).toString('hex');
  const route = `/hook/${token}`;
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== route) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413).end();
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        // A vendor that sends garbage gets an error status; its hook then fails closed.
        res.writeHead(400).end();
        return;
      }
      handle(body).then(
        (answer) => {
          const text = JSON.stringify(answer);
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
        },
        () => res.writeHead(500).end(),
      );
    });
  });
  // Long asks keep a hook request open for minutes; the default timeouts would cut it.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${route}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
