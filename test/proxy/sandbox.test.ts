// Under `bridle sandbox run --network proxy`, the proxy is the only way out: direct connects and
// `curl --noproxy '*'` fail, the same request through the proxy works, and a placeholder sent to an
// allowed host it is not bound to is refused. Each denial has a control that succeeds unconfined or
// via the proxy, so the test can tell "blocked" from "broken".
import test from 'ava';
import path from 'node:path';
import { proxyEnvFor, type EgressProxy, type SessionRoute } from '../../src/proxy/index.js';
import { packageRoot } from '../../src/paths.js';
import { rules } from './helpers/policy.js';
import { cleanEnv, run } from './helpers/proc.js';
import { echo, startUpstream, type Upstream } from './helpers/upstream.js';
import { mapResolver, recorder, startProxy, testPki, type Recorded } from './helpers/world.js';

const REAL = 'ghp_REALsandboxTOKEN0123456789abcdefghij';
const bridle = path.join(packageRoot, 'bin', 'bridle.js');

let rec: Recorded;
let proxy: EgressProxy;
let route: SessionRoute;
let tlsUp: Upstream;
let plain: Upstream;
let env: NodeJS.ProcessEnv;

test.before(async () => {
  tlsUp = await startUpstream(testPki(), echo);
  plain = await startUpstream(null, echo);
  rec = recorder();
  proxy = await startProxy(rec, {
    env: { SERVICE_TOKEN: REAL },
    defaultCredentials: false,
    decide: rules([]),
    resolver: mapResolver({ 'open.test': ['127.0.0.1'], 'plain.test': ['127.0.0.1'], 'api.bound.test': ['127.0.0.1'] }),
    allowInternal: ['open.test', 'plain.test', 'api.bound.test'],
  });
  route = proxy.addSession({ id: 's_sbx', credentials: [{ name: 'SERVICE_TOKEN', hosts: [`api.bound.test:${tlsUp.port}`] }] });
  env = cleanEnv(proxyEnvFor(route));
});

test.after.always(async () => {
  await proxy?.close();
  await tlsUp?.close();
  await plain?.close();
});

const confined = (args: string[]) =>
  run(process.execPath, [bridle, 'sandbox', 'run', '--network', 'proxy', '--allow-port', String(proxy.port), '--', 'curl', '-sS', '--max-time', '15', ...args], env, { timeoutMs: 60_000 });

test.serial('through the proxy, HTTPS to an allowed host works inside the sandbox', async (t) => {
  const r = await confined([`https://open.test:${tlsUp.port}/inside`]);
  t.is(r.code, 0, r.stderr);
  t.is(JSON.parse(r.stdout).url, '/inside');
});

test.serial("curl --noproxy '*' straight at the upstream fails inside the sandbox (and works outside)", async (t) => {
  const target = `http://127.0.0.1:${plain.port}/direct`;
  const outside = await run('curl', ['-sS', '--max-time', '15', '--noproxy', '*', target], env);
  t.is(outside.code, 0, outside.stderr);
  const inside = await confined(['--noproxy', '*', target]);
  t.not(inside.code, 0);
  t.regex(inside.stderr, /Failed to connect|Couldn't connect|Permission denied|not permitted/i);
});

test.serial('a direct TLS connect bypassing the proxy fails inside the sandbox', async (t) => {
  const inside = await confined(['--noproxy', '*', '-k', `https://127.0.0.1:${tlsUp.port}/`]);
  t.not(inside.code, 0);
});

test.serial('inside the sandbox, a placeholder sent to an allowed host it is not bound to is refused', async (t) => {
  const ph = route.placeholders.SERVICE_TOKEN!;
  const n = plain.seen.length;
  const r = await confined(['-i', '-H', `Authorization: Bearer ${ph}`, `http://plain.test:${plain.port}/leak`]);
  t.regex(r.stdout, /^HTTP\/1.1 403/);
  t.regex(r.stdout, /x-bridle-deny: exfiltration/);
  t.is(plain.seen.length, n);
  // The same host without the placeholder is allowed.
  const ok = await confined([`http://plain.test:${plain.port}/fine`]);
  t.is(JSON.parse(ok.stdout).url, '/fine');
  t.like(rec.events.find((e) => e.payload.path === '/leak')?.payload, { verdict: 'deny', exfiltration: { kind: 'plain-http', credential: 'SERVICE_TOKEN' } });
});

test.serial('inside the sandbox, the bound host gets the real credential via interception', async (t) => {
  const ph = route.placeholders.SERVICE_TOKEN!;
  const r = await confined(['-H', `Authorization: Bearer ${ph}`, `https://api.bound.test:${tlsUp.port}/ok`]);
  t.is(r.code, 0, r.stderr);
  t.is(tlsUp.seen.at(-1)!.headers.authorization, `Bearer ${REAL}`);
  t.false(r.stdout.includes(REAL));
});
