// `npm run bench -- proxy [--requests N] [--mib N]`: what the egress proxy costs.
//
// What is compared, and why:
//  - direct  = client <-TLS-> upstream. This is what an agent does without Bridle.
//  - proxied = client <-plain loopback-> proxy (reverse route) <-TLS-> upstream. This is what the
//    agent does under Bridle. The TLS decryption moves from the client into the proxy, and the
//    proxy adds one plain loopback hop plus its own work: credential swap, policy hook, body
//    scan, response redaction and SSE metering, all active here.
//  - relay   = the same topology through a bare node:http -> node:https pipe with no checks. It is
//    printed as a floor: what any Node reverse proxy hop costs on this machine.
// The latency test sends sequential keep-alive POSTs. The streaming test runs an Anthropic-style
// SSE stream that the upstream writes event by event, as fast as the reader takes it, in two mixes:
// "small" (text deltas of 50-200 bytes, like real token streams; most events are ~250 bytes on
// the wire) and "large" (~1 KiB events).
//
// Upstream, proxy and client each run on their own thread. The direct case keeps two threads busy
// and the proxied case keeps three. On a machine with fewer free cores than that, the proxied
// wall-clock figure is limited by CPU share, not only by the proxy's own cost. That is why the CPU
// time of every thread per MiB streamed is printed next to the MiB/s figures (from
// /proc/thread-self/schedstat, in ns). The "one core per thread" bound is 1 / (CPU s per MiB of
// the busiest thread). It is an estimate computed from those figures, not a measurement.
// Goals: <= 0.5 ms p50 added, >= 90% of direct throughput (the measured wall-clock ratio).
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { fileURLToPath } from 'node:url';

const dist = new URL('../../dist/src/proxy/', import.meta.url);
const SECRET = 'sk-ant-api03-benchREALsecret0123456789abcdefghijklmnopqrstuv';

/** CPU time of the calling thread in ns (Linux); falls back to the whole process elsewhere. */
let cpuSource = 'thread';
function threadCpuNs() {
  try {
    return Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
  } catch {
    cpuSource = 'process';
    const u = process.cpuUsage();
    return (u.user + u.system) * 1000;
  }
}

/** Answers 'cpu' messages with this thread's CPU time. */
function serveCpu() {
  parentPort.on('message', (m) => {
    if (m === 'cpu') parentPort.postMessage({ cpu: threadCpuNs() });
  });
}

/** SSE events for a mix: deterministic, so every run streams the same bytes. */
function events(mix) {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const words = 'the quick brown fox jumps over a lazy dog while tokens stream out one delta at a time'.split(' ');
  const out = [];
  for (let i = 0; i < 512; i++) {
    const len = mix === 'small' ? 50 + Math.floor(rnd() * 151) : 900;
    let text = '';
    while (text.length < len) text += `${words[Math.floor(rnd() * words.length)]} `;
    text = text.slice(0, len);
    out.push(Buffer.from(`event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })}\n\n`));
  }
  return out;
}

if (!isMainThread && workerData?.role === 'upstream') {
  const { createCertificate, toPem } = await import(new URL('x509.js', dist).href);
  const crypto = await import('node:crypto');
  const key = (() => crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }))();
  const now = Date.now();
  const caPem = toPem(createCertificate({ subjectCommonName: 'bench upstream CA', publicKey: key.publicKey, signingKey: key.privateKey, notBefore: new Date(now - 60_000), notAfter: new Date(now + 86_400_000), isCa: true }));
  const leafKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const leafPem = toPem(createCertificate({ subjectCommonName: '127.0.0.1', issuerCommonName: 'bench upstream CA', publicKey: leafKey.publicKey, signingKey: key.privateKey, issuerPublicKey: key.publicKey, notBefore: new Date(now - 60_000), notAfter: new Date(now + 86_400_000), isCa: false, altNames: ['127.0.0.1'] }));
  const mixes = { small: events('small'), large: events('large') };
  const server = https.createServer({ key: leafKey.privateKey.export({ type: 'pkcs8', format: 'pem' }), cert: leafPem }, (req, res) => {
    if (req.url.startsWith('/ping')) {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 11 });
      return res.end('{"ok":true}');
    }
    // /v1/messages?bytes=N&mix=small|large: an SSE stream of about N bytes, one write per event
    // (as a model server writes each delta), as fast as the reader takes it.
    const q = new URL(req.url, 'http://x').searchParams;
    const bytes = Number(q.get('bytes'));
    const list = mixes[q.get('mix') ?? 'large'];
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(`event: message_start\ndata: {"type":"message_start","message":{"model":"claude-sonnet-4-5","usage":{"input_tokens":10,"output_tokens":1}}}\n\n`);
    let sent = 0;
    let i = 0;
    const pump = () => {
      while (sent < bytes) {
        const ev = list[i++ & 511];
        sent += ev.length;
        if (!res.write(ev)) return res.once('drain', pump);
      }
      res.end('event: message_delta\ndata: {"type":"message_delta","usage":{"output_tokens":1000}}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n');
    };
    pump();
  });
  server.keepAliveTimeout = 60_000;
  serveCpu();
  server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port, caPem }));
} else if (!isMainThread && workerData?.role === 'proxy') {
  const { startEgressProxy } = await import(new URL('index.js', dist).href);
  let usage = 0;
  const proxy = await startEgressProxy({
    env: { ANTHROPIC_API_KEY: SECRET },
    upstreams: { bench: `https://127.0.0.1:${workerData.upstreamPort}` },
    defaultCredentials: [{ name: 'ANTHROPIC_API_KEY', hosts: [`127.0.0.1:${workerData.upstreamPort}`] }],
    upstreamCa: workerData.caPem,
    decide: async (a) => (a.egress.path === '/denied' ? { action: 'deny' } : { action: 'allow' }),
    onUsage: () => usage++,
  });
  const route = proxy.addSession({ id: 's_bench' });
  // The floor: a bare reverse proxy hop (no checks, no swap, no metering), same agent settings.
  const bareAgent = new https.Agent({ keepAlive: true, ca: workerData.caPem });
  const bare = http.createServer((req, res) => {
    const up = https.request({ host: '127.0.0.1', port: workerData.upstreamPort, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${workerData.upstreamPort}`, 'x-api-key': SECRET }, agent: bareAgent }, (upRes) => {
      res.writeHead(upRes.statusCode, upRes.headers);
      upRes.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise((r) => bare.listen(0, '127.0.0.1', r));
  serveCpu();
  parentPort.on('message', async (m) => {
    if (m === 'usage') parentPort.postMessage({ usage });
    if (m === 'close') {
      bare.close();
      bareAgent.destroy();
      await proxy.close();
      process.exit(0);
    }
  });
  parentPort.postMessage({ port: proxy.port, barePort: bare.address().port, base: route.baseUrls.bench, placeholder: route.placeholders.ANTHROPIC_API_KEY });
}

function started(role, data = {}) {
  const w = new Worker(fileURLToPath(import.meta.url), { workerData: { role, ...data } });
  return new Promise((resolve, reject) => {
    w.once('message', (m) => resolve({ worker: w, ...m }));
    w.once('error', reject);
  });
}

function ask(worker, what, key) {
  return new Promise((resolve) => {
    const on = (m) => {
      if (m && typeof m === 'object' && key in m) {
        worker.off('message', on);
        resolve(m[key]);
      }
    };
    worker.on('message', on);
    worker.postMessage(what);
  });
}

function request(agent, mod, opts, body) {
  return new Promise((resolve, reject) => {
    const req = mod.request({ agent, ...opts }, (res) => {
      let n = 0;
      res.on('data', (c) => (n += c.length));
      res.on('end', () => resolve({ status: res.statusCode, bytes: n }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function latencies(n, fire) {
  for (let i = 0; i < Math.min(300, n); i++) await fire(); // warm-up: connections, JIT, certs
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fire();
    out[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  return Array.from(out).sort((a, b) => a - b);
}

/** One stream: MiB/s plus the CPU ms per MiB of each thread involved. */
async function stream(fire, bytes, up, px) {
  const cpu0 = { client: threadCpuNs(), up: await ask(up.worker, 'cpu', 'cpu'), px: await ask(px.worker, 'cpu', 'cpu') };
  const t0 = process.hrtime.bigint();
  const r = await fire(bytes);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = { client: threadCpuNs(), up: await ask(up.worker, 'cpu', 'cpu'), px: await ask(px.worker, 'cpu', 'cpu') };
  const mib = r.bytes / (1024 * 1024);
  const per = (k) => (cpu1[k] - cpu0[k]) / 1e6 / mib;
  return { mibs: mib / s, cpu: { client: per('client'), up: per('up'), px: per('px') } };
}

export default async function main(args) {
  const arg = (name, dflt) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : dflt;
  };
  const N = arg('--requests', 3000);
  const MIB = arg('--mib', 64);
  const up = await started('upstream');
  const px = await started('proxy', { upstreamPort: up.port, caPem: up.caPem });
  const direct = new https.Agent({ keepAlive: true, maxSockets: 1, ca: up.caPem });
  const viaProxy = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const body = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'ping' }] });
  const headersDirect = { 'content-type': 'application/json', 'x-api-key': SECRET };
  const headersProxy = { 'content-type': 'application/json', 'x-api-key': px.placeholder };
  const basePath = new URL(px.base).pathname;

  const fireDirect = () => request(direct, https, { host: '127.0.0.1', port: up.port, method: 'POST', path: '/ping', headers: headersDirect }, body);
  const fireProxy = () => request(viaProxy, http, { host: '127.0.0.1', port: px.port, method: 'POST', path: `${basePath}/ping`, headers: headersProxy }, body);
  const check = await fireProxy();
  if (check.status !== 200) throw new Error(`proxy answered ${check.status}`);

  // Alternate rounds so drift (other load on the machine) hits both sides alike.
  const rounds = 3;
  const lat = [];
  for (let r = 0; r < rounds; r++) {
    const d = await latencies(Math.floor(N / rounds), fireDirect);
    const p = await latencies(Math.floor(N / rounds), fireProxy);
    lat.push({ d50: pct(d, 50), d99: pct(d, 99), p50: pct(p, 50), p99: pct(p, 99), added: pct(p, 50) - pct(d, 50) });
  }
  lat.sort((a, b) => a.added - b.added);
  const mid = lat[Math.floor(rounds / 2)];

  const bytes = MIB * 1024 * 1024;
  const viaBare = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const results = {};
  for (const mix of ['small', 'large']) {
    const q = `bytes=BYTES&mix=${mix}`;
    const paths = {
      direct: (b) => request(direct, https, { host: '127.0.0.1', port: up.port, method: 'POST', path: `/v1/messages?${q.replace('BYTES', b)}`, headers: headersDirect }, body),
      proxied: (b) => request(viaProxy, http, { host: '127.0.0.1', port: px.port, method: 'POST', path: `${basePath}/v1/messages?${q.replace('BYTES', b)}`, headers: headersProxy }, body),
      relay: (b) => request(viaBare, http, { host: '127.0.0.1', port: px.barePort, method: 'POST', path: `/v1/messages?${q.replace('BYTES', b)}`, headers: headersDirect }, body),
    };
    for (const fire of Object.values(paths)) await fire(bytes / 8); // warm-up
    const runs = { direct: [], proxied: [], relay: [] };
    for (let r = 0; r < rounds; r++) for (const [k, fire] of Object.entries(paths)) runs[k].push(await stream(fire, bytes, up, px));
    // Best round per path (the least disturbed by other load); its CPU figures come with it.
    results[mix] = Object.fromEntries(Object.entries(runs).map(([k, rs]) => [k, rs.reduce((a, b) => (b.mibs > a.mibs ? b : a))]));
  }
  const usage = await ask(px.worker, 'usage', 'usage');

  const f = (x, d = 3) => x.toFixed(d);
  console.log(`proxy bench: ${N} sequential requests (${rounds} alternating rounds, median round shown), ${MIB} MiB SSE x ${rounds} per path and mix (best shown)`);
  console.log(`  latency direct   p50 ${f(mid.d50)} ms  p99 ${f(mid.d99)} ms`);
  console.log(`  latency proxied  p50 ${f(mid.p50)} ms  p99 ${f(mid.p99)} ms`);
  console.log(`  added            p50 ${f(mid.added)} ms  p99 ${f(mid.p99 - mid.d99)} ms  (rounds: ${lat.map((l) => f(l.added)).join(', ')})   goal p50 <= 0.5 ms ${mid.added <= 0.5 ? '(met)' : '(MISSED)'}`);
  for (const mix of ['small', 'large']) {
    const { direct: d, proxied: p, relay: b } = results[mix];
    const ratio = p.mibs / d.mibs;
    const bound = (x) => 1000 / Math.max(...Object.values(x.cpu).filter((v) => v > 0.01));
    console.log(`  SSE ${mix.padEnd(5)} direct ${f(d.mibs, 1)} MiB/s  proxied ${f(p.mibs, 1)} MiB/s  = ${f(ratio * 100, 1)}% of direct   goal >= 90% ${ratio >= 0.9 ? '(met)' : '(MISSED)'}   bare relay ${f(b.mibs, 1)} MiB/s (${f((b.mibs / d.mibs) * 100, 1)}%)`);
    console.log(`     CPU ms/MiB (${cpuSource})  direct: client ${f(d.cpu.client, 2)} upstream ${f(d.cpu.up, 2)}   proxied: client ${f(p.cpu.client, 2)} proxy ${f(p.cpu.px, 2)} upstream ${f(p.cpu.up, 2)}   bare relay: proxy ${f(b.cpu.px, 2)}`);
    console.log(`     one-core-per-thread bound (estimate): direct ${f(bound(d), 0)} MiB/s  proxied ${f(bound(p), 0)} MiB/s  = ${f((bound(p) / bound(d)) * 100, 1)}%`);
  }
  console.log(`  usage records metered during the run: ${usage}`);
  direct.destroy();
  viaProxy.destroy();
  viaBare.destroy();
  px.worker.postMessage('close');
  await up.worker.terminate();
}
