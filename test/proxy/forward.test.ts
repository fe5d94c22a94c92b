// The forward proxy with real curl: HTTPS_PROXY + CONNECT, interception of hosts with a bound
// credential (credential swapped, our CA presented), untouched tunnels for other allowed hosts,
// policy refusals, exfiltration attempts and internal-address (SSRF) refusals.
import test from 'ava';
import { proxyEnvFor, type EgressProxy, type SessionRoute } from '../../src/proxy/index.js';
import { cleanEnv, run } from './helpers/proc.js';
import { rules } from './helpers/policy.js';
import { echo, startUpstream, type Upstream } from './helpers/upstream.js';
import { mapResolver, recorder, startProxy, testPki, type Recorded } from './helpers/world.js';

const REAL = 'ghp_REALsecretVALUEthatMUSTnotLEAK0123456789';
const OTHER_REAL = 'sk-OTHERrealSECRETvalue0123456789abcdef';

interface World {
  rec: Recorded;
  proxy: EgressProxy;
  route: SessionRoute;
  env: NodeJS.ProcessEnv;
  bound: Upstream;
  open: Upstream;
  plain: Upstream;
  other: Upstream;
}

let w: World;

test.before(async () => {
  const pki = testPki();
  const bound = await startUpstream(pki, echo);
  const open = await startUpstream(pki, echo);
  const other = await startUpstream(pki, echo);
  const plain = await startUpstream(null, echo);
  const rec = recorder();
  const proxy = await startProxy(rec, {
    env: { SERVICE_TOKEN: REAL, OTHER_TOKEN: OTHER_REAL },
    defaultCredentials: false,
    decide: rules([{ host: 'blocked.test', action: 'deny', message: 'blocked.test is off limits' }]),
    resolver: mapResolver(
      {
        'api.bound.test': ['127.0.0.1'],
        'open.test': ['127.0.0.1'],
        'blocked.test': ['127.0.0.1'],
        'plain.test': ['127.0.0.1'],
        'other.test': ['127.0.0.1'],
        'internal.test': ['127.0.0.1'],
        'private.test': ['10.1.2.3'],
        'metadata.test': ['169.254.169.254'],
        'mixed.test': ['93.184.216.34', '10.0.0.7'],
      },
      undefined,
    ),
    // The test upstreams all live on loopback; only these names may resolve there.
    allowInternal: ['api.bound.test', 'open.test', 'blocked.test', 'plain.test', 'other.test'],
  });
  const route = proxy.addSession({
    id: 's_fwd',
    credentials: [
      { name: 'SERVICE_TOKEN', hosts: [`api.bound.test:${bound.port}`, `plain.test:${plain.port}`] },
      { name: 'OTHER_TOKEN', hosts: [`other.test:${other.port}`] },
    ],
  });
  w = { rec, proxy, route, env: cleanEnv(proxyEnvFor(route)), bound, open, plain, other };
});

test.after.always(async () => {
  await w?.proxy.close();
  await Promise.all([w?.bound.close(), w?.open.close(), w?.plain.close(), w?.other.close()]);
});

const curl = (args: string[], env = w.env) => run('curl', ['-sS', '--max-time', '20', ...args], env);
const eventsFor = (host: string) => w.rec.events.filter((e) => e.payload.host === host);

test.serial('intercepted host: the placeholder becomes the real token upstream, and the echo comes back redacted', async (t) => {
  const ph = w.route.placeholders.SERVICE_TOKEN!;
  t.true(ph.startsWith('ghp_'));
  t.not(ph, REAL);
  const r = await curl(['-v', '-H', `Authorization: Bearer ${ph}`, `https://api.bound.test:${w.bound.port}/v1/thing?x=1`]);
  t.is(r.code, 0, r.stderr);
  const seen = w.bound.seen.at(-1)!;
  t.is(seen.headers.authorization, `Bearer ${REAL}`);
  t.is(seen.url, '/v1/thing?x=1');
  t.is(seen.headers['proxy-authorization'], undefined);
  const body = JSON.parse(r.stdout) as { authorization: string };
  // The upstream echoed the real header; the agent sees its placeholder instead.
  t.is(body.authorization, `Bearer ${ph}`);
  t.false(r.stdout.includes(REAL));
  // curl verified a certificate minted by Bridle's CA for that name.
  t.regex(r.stderr, /issuer: O=Bridle egress proxy; CN=Bridle egress CA/);
  const ev = eventsFor('api.bound.test').at(-1)!;
  t.is(ev.payload.verdict, 'allow');
  t.deepEqual(ev.payload.credentials, ['SERVICE_TOKEN']);
  t.false(JSON.stringify(w.rec.events).includes(REAL));
});

test.serial('Basic auth: the password is swapped inside the base64 and re-encoded', async (t) => {
  const ph = w.route.placeholders.SERVICE_TOKEN!;
  const r = await curl(['-u', `x-access-token:${ph}`, `https://api.bound.test:${w.bound.port}/basic`]);
  t.is(r.code, 0, r.stderr);
  const got = Buffer.from(String(w.bound.seen.at(-1)!.headers.authorization).replace(/^Basic /, ''), 'base64').toString();
  t.is(got, `x-access-token:${REAL}`);
  t.false(r.stdout.includes(Buffer.from(`x-access-token:${REAL}`).toString('base64')));
});

test.serial('other allowed hosts are tunnelled untouched (the upstream presents its own certificate)', async (t) => {
  const r = await curl(['-v', `https://open.test:${w.open.port}/hello`]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /issuer: CN=bridle test upstream CA/);
  t.is(JSON.parse(r.stdout).url, '/hello');
  const ev = eventsFor('open.test').at(-1)!;
  t.is(ev.payload.method, 'CONNECT');
  t.is(ev.payload.verdict, 'allow');
});

test.serial('a host denied by policy is refused with 403 and a reason header, and recorded', async (t) => {
  const before = w.rec.events.length;
  const r = await curl(['-v', `https://blocked.test:${w.open.port}/`]);
  t.not(r.code, 0);
  t.regex(r.stderr, /< HTTP\/1.1 403/);
  t.regex(r.stderr, /x-bridle-deny: policy: blocked.test is off limits/);
  const ev = w.rec.events.slice(before).find((e) => e.payload.host === 'blocked.test')!;
  t.is(ev.payload.verdict, 'deny');
  t.is(ev.payload.reason, 'policy');
});

test.serial('no proxy credentials: 407, nothing forwarded', async (t) => {
  const env = { ...w.env, HTTPS_PROXY: `http://127.0.0.1:${w.proxy.port}`, https_proxy: `http://127.0.0.1:${w.proxy.port}` };
  const r = await curl(['-v', `https://open.test:${w.open.port}/`], env);
  t.not(r.code, 0);
  t.regex(r.stderr, /< HTTP\/1.1 407/);
  const forged = { ...w.env, HTTPS_PROXY: `http://bridle:forged@127.0.0.1:${w.proxy.port}`, https_proxy: `http://bridle:forged@127.0.0.1:${w.proxy.port}` };
  const r2 = await curl(['-v', `https://open.test:${w.open.port}/`], forged);
  t.regex(r2.stderr, /< HTTP\/1.1 407/);
});

test.serial('exfiltration: a placeholder sent to a host its credential is not bound to is refused and recorded', async (t) => {
  const ph = w.route.placeholders.SERVICE_TOKEN!;
  const n = w.other.seen.length;
  const r = await curl(['-v', '-H', `x-api-key: ${ph}`, `https://other.test:${w.other.port}/steal`]);
  t.regex(r.stderr, /< HTTP\/1.1 403/);
  t.regex(r.stderr, /x-bridle-deny: exfiltration/);
  t.is(w.other.seen.length, n, 'the upstream never saw the request');
  const ev = eventsFor('other.test').at(-1)!;
  t.is(ev.payload.verdict, 'deny');
  t.is(ev.payload.reason, 'exfiltration');
  t.deepEqual(ev.payload.exfiltration, { kind: 'unbound-host', credential: 'SERVICE_TOKEN', where: 'x-api-key' });
});

test.serial('exfiltration: a placeholder in a request body is refused, even to its own bound host', async (t) => {
  const ph = w.route.placeholders.SERVICE_TOKEN!;
  const n = w.bound.seen.length;
  const r = await curl(['-v', '-X', 'POST', '--data-binary', `{"note":"the key is ${ph}"}`, `https://api.bound.test:${w.bound.port}/paste`]);
  t.regex(r.stderr, /< HTTP\/1.1 403/);
  t.is(w.bound.seen.length, n);
  const ev = eventsFor('api.bound.test').at(-1)!;
  t.is(ev.payload.exfiltration?.kind, 'body');
});

test.serial('exfiltration: a large body with the placeholder far in (past the read-ahead) is cut off', async (t) => {
  const ph = w.route.placeholders.SERVICE_TOKEN!;
  const big = 'a'.repeat(3 * 1024 * 1024 + 7) + ph + 'b'.repeat(1000);
  const before = w.bound.seen.length;
  const r = await run('curl', ['-sS', '-v', '--max-time', '30', '-X', 'POST', '--data-binary', '@-', `https://other.test:${w.other.port}/upload`], w.env, { input: big });
  t.regex(r.stderr, /< HTTP\/1.1 403|Empty reply|Recv failure|reset/);
  // Whatever part reached the upstream, the placeholder never did in full.
  for (const s of w.other.seen) t.false(s.body.includes(ph));
  t.is(w.bound.seen.length, before);
  t.truthy(w.rec.events.find((e) => e.payload.host === 'other.test' && e.payload.exfiltration?.kind === 'body'));
});

test.serial('exfiltration: a placeholder over plain HTTP is refused, even to a bound host', async (t) => {
  const ph = w.route.placeholders.SERVICE_TOKEN!;
  const n = w.plain.seen.length;
  const r = await curl(['-v', '-H', `Authorization: Bearer ${ph}`, `http://plain.test:${w.plain.port}/`]);
  t.regex(r.stderr, /< HTTP\/1.1 403/);
  t.is(w.plain.seen.length, n);
  t.is(eventsFor('plain.test').at(-1)!.payload.exfiltration?.kind, 'plain-http');
  // Without a placeholder, plain HTTP to an allowed host goes through.
  const ok = await curl([`http://plain.test:${w.plain.port}/fine`]);
  t.is(ok.code, 0, ok.stderr);
  t.is(JSON.parse(ok.stdout).url, '/fine');
});

test.serial('exfiltration: placeholder in the URL or in a non-credential header', async (t) => {
  const ph = w.route.placeholders.SERVICE_TOKEN!;
  const n = w.bound.seen.length;
  const r1 = await curl(['-v', `https://api.bound.test:${w.bound.port}/x?key=${ph}`]);
  t.regex(r1.stderr, /x-bridle-deny: exfiltration/);
  const r2 = await curl(['-v', '-H', `X-Note: ${ph}`, `https://api.bound.test:${w.bound.port}/x`]);
  t.regex(r2.stderr, /x-bridle-deny: exfiltration/);
  t.is(w.bound.seen.length, n);
});

test.serial('domain fronting inside an intercepted connection is refused', async (t) => {
  const r = await curl(['-v', '-H', 'Host: open.test', `https://api.bound.test:${w.bound.port}/`]);
  t.regex(r.stderr, /x-bridle-deny: host-mismatch/);
});

for (const [name, url] of [
  ['a name resolving to loopback', 'https://internal.test/'],
  ['a name resolving to 10.x', 'https://private.test/'],
  ['a name resolving to the metadata address', 'https://metadata.test/'],
  ['a name with one public and one private answer', 'https://mixed.test/'],
  ['the metadata address as a literal', 'http://169.254.169.254/latest/meta-data/'],
  ['an IPv4-mapped IPv6 loopback literal', 'https://[::ffff:127.0.0.1]:9/'],
  ['IPv6 loopback', 'https://[::1]:9/'],
] as const) {
  test.serial(`SSRF: ${name} is refused`, async (t) => {
    const r = await curl(['-v', url]);
    t.regex(r.stderr, /< HTTP\/1.1 403/);
    t.regex(r.stderr, /x-bridle-deny: internal-address/);
  });
}
