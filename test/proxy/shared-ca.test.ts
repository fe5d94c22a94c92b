// One interception CA shared by several proxies (the daemon runs one proxy per session and hands
// each the same CA): every proxy writes its own public files holding the same certificate, and a
// real client trusting any one of those bundles gets through every proxy sharing the CA — and
// through no proxy with a CA of its own.
import test from 'ava';
import fs from 'node:fs';
import { InterceptionCa, proxyEnvFor, type EgressProxy, type SessionRoute } from '../../src/proxy/index.js';
import { cleanEnv, run } from './helpers/proc.js';
import { echo, startUpstream, type Upstream } from './helpers/upstream.js';
import { mapResolver, recorder, startProxy, testPki } from './helpers/world.js';

const REAL = 'ghp_SHAREDcaREALtokenNEVERforTHEagent0123456';

let bound: Upstream;
const proxies: EgressProxy[] = [];
const routes: SessionRoute[] = [];
let shared: InterceptionCa;

test.before(async () => {
  bound = await startUpstream(testPki(), echo);
  shared = new InterceptionCa();
  // Two proxies on the shared CA, a third minting its own.
  for (const ca of [shared, shared, undefined]) {
    const proxy = await startProxy(recorder(), {
      env: { SERVICE_TOKEN: REAL },
      defaultCredentials: false,
      decide: () => ({ action: 'allow' }),
      resolver: mapResolver({ 'api.bound.test': ['127.0.0.1'] }),
      allowInternal: ['api.bound.test'],
      ...(ca ? { ca } : {}),
    });
    proxies.push(proxy);
    routes.push(proxy.addSession({ id: `s_ca_${proxies.length}`, credentials: [{ name: 'SERVICE_TOKEN', hosts: [`api.bound.test:${bound.port}`] }] }));
  }
});

test.after.always(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await bound?.close();
});

/** curl through `route`'s proxy to the intercepted host, trusting only `bundle`. */
function curlVia(route: SessionRoute, bundle: string) {
  const env = cleanEnv({ ...proxyEnvFor(route), CURL_CA_BUNDLE: bundle, SSL_CERT_FILE: bundle });
  return run('curl', ['-sS', '--max-time', '20', '-H', `Authorization: Bearer ${route.placeholders.SERVICE_TOKEN}`, `https://api.bound.test:${bound.port}/shared`], env);
}

test.serial('each proxy writes its own CA files; the proxies sharing a CA write the same certificate', (t) => {
  const [a, b, own] = routes as [SessionRoute, SessionRoute, SessionRoute];
  t.not(a.caCertPath, b.caCertPath, 'each proxy has its own files (its own agent reads them)');
  t.is(fs.readFileSync(a.caCertPath, 'utf8'), shared.certPem);
  t.is(fs.readFileSync(b.caCertPath, 'utf8'), shared.certPem);
  t.not(fs.readFileSync(own.caCertPath, 'utf8'), shared.certPem);
  for (const r of [a, b]) t.true(fs.readFileSync(r.caBundlePath, 'utf8').includes(shared.certPem.trim()), r.caBundlePath);
});

test.serial('a client trusting one proxy\'s bundle connects through every proxy sharing the CA, and the credential is swapped', async (t) => {
  const [a, b] = routes as [SessionRoute, SessionRoute];
  for (const [via, bundle] of [[a, b.caBundlePath], [b, a.caBundlePath], [a, a.caBundlePath], [b, b.caBundlePath]] as const) {
    const n = bound.seen.length;
    const r = await curlVia(via, bundle);
    t.is(r.code, 0, r.stderr);
    t.is(JSON.parse(r.stdout).url, '/shared');
    // Intercepted, not tunnelled: the upstream got the real token in place of the placeholder.
    t.is(bound.seen.length, n + 1);
    t.is(bound.seen.at(-1)!.headers.authorization, `Bearer ${REAL}`);
  }
});

test.serial('a proxy with a CA of its own is not trusted by the shared bundle', async (t) => {
  const [a, , own] = routes as [SessionRoute, SessionRoute, SessionRoute];
  const n = bound.seen.length;
  const r = await curlVia(own, a.caBundlePath);
  t.not(r.code, 0);
  t.regex(r.stderr, /certificate|SSL/i);
  t.is(bound.seen.length, n, 'nothing reached the upstream');
  // Its own bundle works, so the refusal above is the CA and nothing else.
  const ok = await curlVia(own, own.caBundlePath);
  t.is(ok.code, 0, ok.stderr);
});
