// The proxy's side of the policy contract: the egress action it builds, `ask` holding a request
// open until answered, and failure modes that must end in refusal (a throwing rule, an ask nobody
// can answer, a session removed while its tunnel is open).
import test from 'ava';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import zlib from 'node:zlib';
import { proxyEnvFor, type EgressAction, type EgressProxy, type SessionRoute } from '../../src/proxy/index.js';
import { cleanEnv, run } from './helpers/proc.js';
import { echo, startUpstream, type Upstream } from './helpers/upstream.js';
import { mapResolver, recorder, startProxy, testPki, type Recorded } from './helpers/world.js';

let rec: Recorded;
let proxy: EgressProxy;
let up: Upstream;
let plain: Upstream;
const seen: EgressAction[] = [];
const pendingAsks: ((a: 'allow' | 'deny') => void)[] = [];
let askArrived: (() => void) | null = null;

test.before(async () => {
  up = await startUpstream(testPki(), echo);
  plain = await startUpstream(null, echo);
  rec = recorder();
  proxy = await startProxy(rec, {
    decide: (a) => {
      seen.push(a);
      if (a.egress.path.startsWith('/throw')) throw new Error('rule exploded');
      if (a.egress.path.startsWith('/ask')) return { action: 'ask', message: 'may it?' };
      if (a.egress.path.startsWith('/admin')) return { action: 'deny', message: 'no admin' };
      return { action: 'allow' };
    },
    ask: () =>
      new Promise((resolve) => {
        pendingAsks.push(resolve);
        askArrived?.();
      }),
    resolver: mapResolver({ 'open.test': ['127.0.0.1'], 'plain.test': ['127.0.0.1'] }),
    allowInternal: ['open.test', 'plain.test'],
  });
});

test.after.always(async () => {
  await proxy?.close();
  await up?.close();
  await plain?.close();
});

function session(id: string): { route: SessionRoute; env: NodeJS.ProcessEnv } {
  const route = proxy.addSession({ id });
  return { route, env: cleanEnv(proxyEnvFor(route)) };
}

test.serial('the egress action: method, scheme, host, port, and the normalized path policy sees is the one sent', async (t) => {
  const { env } = session('s_action');
  const r = await run('curl', ['-sS', '--path-as-is', '-X', 'PUT', '--max-time', '20', `http://plain.test:${plain.port}/a/../admin/x?q=1`], env);
  t.regex(r.stdout, /no admin/);
  const a = seen.at(-1)!;
  t.deepEqual(a.egress, { method: 'PUT', scheme: 'http', host: 'plain.test', port: plain.port, path: '/admin/x', route: 'forward' });
  t.deepEqual(a.session, { id: 's_action' });
  t.is(a.phase, 'egress');
});

test.serial('ask holds the request until a human answers; allow lets it through', async (t) => {
  const { env } = session('s_ask');
  const n = plain.seen.length;
  const arrived = new Promise<void>((r) => (askArrived = r));
  const req = run('curl', ['-sS', '--max-time', '30', `http://plain.test:${plain.port}/ask/me`], env);
  await arrived;
  t.is(plain.seen.length, n, 'nothing reached the upstream while the ask is open');
  pendingAsks.shift()!('allow');
  const r = await req;
  t.is(JSON.parse(r.stdout).url, '/ask/me');
  t.like(rec.events.at(-1)!.payload, { verdict: 'allow', path: '/ask/me' });
});

test.serial('ask answered deny → 403', async (t) => {
  const { env } = session('s_ask_deny');
  const arrived = new Promise<void>((r) => (askArrived = r));
  const req = run('curl', ['-sS', '-i', '--max-time', '30', `http://plain.test:${plain.port}/ask/no`], env);
  await arrived;
  pendingAsks.shift()!('deny');
  const r = await req;
  t.regex(r.stdout, /^HTTP\/1.1 403/);
  t.like(rec.events.at(-1)!.payload, { verdict: 'deny', reason: 'ask-denied' });
});

test.serial('a rule that throws is a deny', async (t) => {
  const { env } = session('s_throw');
  const r = await run('curl', ['-sS', '-i', '--max-time', '20', `http://plain.test:${plain.port}/throw`], env);
  t.regex(r.stdout, /^HTTP\/1.1 403/);
  t.regex(r.stdout, /policy error: rule exploded/);
});

test.serial('ask without anyone to answer is a deny', async (t) => {
  const p2 = await startProxy(recorder(), {
    decide: () => ({ action: 'ask' }),
    resolver: mapResolver({ 'plain.test': ['127.0.0.1'] }),
    allowInternal: ['plain.test'],
  });
  try {
    const env = cleanEnv(proxyEnvFor(p2.addSession({ id: 's_noask' })));
    const r = await run('curl', ['-sS', '-i', '--max-time', '20', `http://plain.test:${plain.port}/x`], env);
    t.regex(r.stdout, /^HTTP\/1.1 403/);
  } finally {
    await p2.close();
  }
});

test.serial('removing a session closes its open tunnels and its token stops working', async (t) => {
  const { route } = session('s_gone');
  const sock = net.connect(proxy.port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  const auth = Buffer.from(`bridle:${route.token}`).toString('base64');
  sock.write(`CONNECT open.test:${up.port} HTTP/1.1\r\nHost: open.test:${up.port}\r\nProxy-Authorization: Basic ${auth}\r\n\r\n`);
  const first = await new Promise<string>((r) => sock.once('data', (d: Buffer) => r(d.toString())));
  t.regex(first, /^HTTP\/1.1 200/);
  // The tunnel is live: a TLS handshake with the upstream itself goes through it.
  const inner = tls.connect({ socket: sock, servername: 'open.test', ca: testPki().caPem });
  inner.on('error', () => undefined); // the proxy may reset rather than close; either ends it
  await once(inner, 'secureConnect');
  const before = up.seen.length;
  let received = 0;
  inner.on('data', (d: Buffer) => (received += d.length));
  // Whichever comes first: the tunnel closing, or a reply from the upstream (a tunnel left open).
  const outcome = new Promise<'closed' | 'data'>((resolve) => {
    inner.once('close', () => resolve('closed'));
    inner.once('data', () => resolve('data'));
  });
  // A request written as the session ends: the proxy tears the tunnel down before it reads it.
  inner.write(`GET /after-removal HTTP/1.1\r\nHost: open.test:${up.port}\r\n\r\n`);
  proxy.removeSession('s_gone');
  t.is(await outcome, 'closed');
  t.is(received, 0, 'no byte of the upstream came back through the tunnel');
  t.true(sock.destroyed);
  t.is(up.seen.length, before, 'the upstream never got the request');
  const env = cleanEnv(proxyEnvFor(route));
  const r = await run('curl', ['-sS', '-v', '--max-time', '20', `https://open.test:${up.port}/`], env);
  t.regex(r.stderr, /< HTTP\/1.1 407/);
});

const pkt = (line: string): string => (line.length + 4).toString(16).padStart(4, '0') + line;

/** POSTs `body` through the forward proxy as `session`; resolves with the status. */
function postThroughProxy(route: SessionRoute, url: string, body: Buffer, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port: route.port,
      method: 'POST',
      path: url,
      headers: { ...headers, 'content-length': String(body.length), 'proxy-authorization': `Basic ${Buffer.from(`bridle:${route.token}`).toString('base64')}` },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test.serial('a compressed push body is decoded before its refs are read: policy sees the branch (gzip, deflate, br)', async (t) => {
  const { route } = session('s_push_encoded');
  const a = 'a'.repeat(40);
  const b = 'b'.repeat(40);
  const commands = pkt(`${a} ${b} refs/heads/main\0report-status\n`) + pkt(`${'0'.repeat(40)} ${b} refs/tags/v2\n`) + '0000PACK';
  const encoders: Record<string, (buf: Buffer) => Buffer> = { gzip: zlib.gzipSync, deflate: zlib.deflateSync, br: zlib.brotliCompressSync };
  for (const [encoding, encode] of Object.entries(encoders)) {
    const n = seen.length;
    const status = await postThroughProxy(route, `http://plain.test:${plain.port}/o/r.git/git-receive-pack`, encode(Buffer.from(commands)), {
      'content-type': 'application/x-git-receive-pack-request',
      'content-encoding': encoding,
    });
    t.is(status, 200, encoding);
    const pushes = seen.slice(n).filter((x) => x.git?.op === 'push');
    // One action per ref, each naming its ref; the branch where there is one.
    t.deepEqual(
      pushes.map((x) => [x.git?.ref, x.git?.branch]),
      [['refs/heads/main', 'main'], ['refs/tags/v2', undefined]],
      encoding,
    );
    t.deepEqual(pushes[0]?.git?.refs, ['refs/heads/main', 'refs/tags/v2'], encoding);
  }
  // A body that does not decode as its encoding says is refused before policy or the upstream see it.
  const n = seen.length;
  const upstreamBefore = plain.seen.length;
  const status = await postThroughProxy(route, `http://plain.test:${plain.port}/o/r.git/git-receive-pack`, Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' });
  t.is(status, 415);
  t.is(seen.length, n);
  t.is(plain.seen.length, upstreamBefore);
});
