// The proxy's side of the policy contract: the egress action it builds, `ask` holding a request
// open until answered, and failure modes that must end in refusal (a throwing rule, an ask nobody
// can answer, a session removed while its tunnel is open).
import test from 'ava';
import net from 'node:net';
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
  const closed = new Promise<void>((r) => sock.once('close', () => r()));
  proxy.removeSession('s_gone');
  await closed;
  t.pass('the tunnel was closed');
  const env = cleanEnv(proxyEnvFor(route));
  const r = await run('curl', ['-sS', '-v', '--max-time', '20', `https://open.test:${up.port}/`], env);
  t.regex(r.stderr, /< HTTP\/1.1 407/);
});
