// The proxy's small parts, each against an independent reading of the same fact where one exists
// (openssl for certificates, Node's own parsers for wire formats).
import test from 'ava';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { isInternalAddress } from '../../src/proxy/address.js';
import { InterceptionCa } from '../../src/proxy/ca.js';
import { parseReceivePackCommands, recognizeGit } from '../../src/proxy/git.js';
import { hostMatches, parseHostPattern } from '../../src/proxy/hosts.js';
import { ResponseMeter } from '../../src/proxy/metering/meter.js';
import { costOf, priceFor, SHIPPED_PRICES } from '../../src/proxy/metering/prices.js';
import { SseParser } from '../../src/proxy/metering/sse.js';
import { makePlaceholder } from '../../src/proxy/placeholder.js';
import { PatternDetector, PatternFound, Redactor } from '../../src/proxy/scan.js';
import { Vault } from '../../src/proxy/vault.js';

test('internal addresses are recognized, public ones are not', (t) => {
  for (const a of ['127.0.0.1', '127.9.9.9', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.100.100.200', '0.0.0.0', '224.0.0.1', '255.255.255.255',
    '::1', '::', 'fe80::1', 'fd00:ec2::254', 'fc00::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '64:ff9b::a9fe:a9fe', '2002:7f00:1::1', 'ff02::1', 'not-an-ip']) {
    t.true(isInternalAddress(a), a);
  }
  for (const a of ['93.184.216.34', '1.1.1.1', '8.8.8.8', '2606:4700:4700::1111', '::ffff:93.184.216.34', '172.32.0.1', '100.128.0.1']) {
    t.false(isInternalAddress(a), a);
  }
});

test('host patterns: bare names mean 443, ports and wildcards as written', (t) => {
  const p = parseHostPattern('api.github.com');
  t.true(hostMatches(p, 'API.github.com', 443));
  t.false(hostMatches(p, 'api.github.com', 8443));
  t.false(hostMatches(p, 'evilapi.github.com', 443));
  const w = parseHostPattern('*.example.com:*');
  t.true(hostMatches(w, 'a.b.example.com', 1234));
  t.false(hostMatches(w, 'example.com', 443));
  t.false(hostMatches(w, 'example.com.evil.net', 443));
  t.true(hostMatches(parseHostPattern('[::1]:8080'), '::1', 8080));
  t.throws(() => parseHostPattern('a*b.com'));
});

test('placeholders keep the vendor prefix, carry 256 random bits, and differ each time', (t) => {
  const a = makePlaceholder('sk-ant-api03-abcdef');
  const b = makePlaceholder('sk-ant-api03-abcdef');
  t.regex(a, /^sk-ant-api03-[0-9A-Za-z]{43}$/);
  t.not(a, b);
  t.regex(makePlaceholder('ghp_xyz'), /^ghp_[0-9A-Za-z]{43}$/);
  t.regex(makePlaceholder('sk-proj-xyz'), /^sk-proj-/);
  t.regex(makePlaceholder('plainsecretwithoutprefix'), /^[0-9A-Za-z]{43}$/);
});

test('vault: spec sources, defaults, missing entries, and redaction of every form', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridle-vault-'));
  const file = path.join(dir, 'tok');
  fs.writeFileSync(file, 'file-secret-value-123\n', { mode: 0o600 });
  const v = new Vault({ env: { ANTHROPIC_API_KEY: 'sk-ant-envsecret', MINE: 'mine-secret-999' } });
  const s = v.open('s1', [
    { name: 'MY_TOKEN', hosts: ['api.example.com'], source: { kind: 'env', env: 'MINE' } },
    { name: 'FILE_TOKEN', hosts: ['x.example.com'], source: { file } },
    { name: 'GONE', hosts: ['x.example.com'] },
  ]);
  t.deepEqual(s.credentials.map((c) => c.name).sort(), ['ANTHROPIC_API_KEY', 'FILE_TOKEN', 'MY_TOKEN']);
  t.is(s.missing[0]?.name, 'GONE');
  t.false(JSON.stringify(s.missing).includes('secret'));
  t.is(s.credentials.find((c) => c.name === 'FILE_TOKEN')!.secret, 'file-secret-value-123');
  const red = v.redact({ a: 'x sk-ant-envsecret y', b: ['file-secret-value-123'], c: 1, 'mine-secret-999': true }) as Record<string, unknown>;
  t.deepEqual(red, { a: 'x [REDACTED:ANTHROPIC_API_KEY] y', b: ['[REDACTED:FILE_TOKEN]'], c: 1, '[REDACTED:MY_TOKEN]': true });
  v.close('s1');
  t.is(v.placeholderPatterns().length, 0);
  fs.rmSync(dir, { recursive: true });
});

test('interception CA: the CA and minted leaves pass openssl -x509_strict verification for the host', (t) => {
  const ca = new InterceptionCa();
  const files = ca.writePublicFiles({ parent: fs.mkdtempSync(path.join(os.tmpdir(), 'bridle-ca-t-')) });
  const leafPem = ca.certificateFor('api.github.com');
  const leafPath = path.join(files.dir, 'leaf.pem');
  fs.writeFileSync(leafPath, leafPem);
  const out = execFileSync('openssl', ['verify', '-x509_strict', '-purpose', 'sslserver', '-verify_hostname', 'api.github.com', '-CAfile', files.certPath, leafPath], { encoding: 'utf8' });
  t.regex(out, /OK/);
  const bad = (() => {
    try {
      execFileSync('openssl', ['verify', '-verify_hostname', 'evil.com', '-CAfile', files.certPath, leafPath], { stdio: 'pipe' });
      return false;
    } catch {
      return true;
    }
  })();
  t.true(bad, 'the leaf is not valid for another name');
  t.true(fs.readFileSync(files.bundlePath, 'utf8').includes(ca.certPem.trim()));
  t.is(fs.statSync(files.certPath).mode & 0o777, 0o644);
  fs.rmSync(files.dir, { recursive: true });
});

/** A TLS server presenting `ca.contextFor(host)` the way the proxy does (server side over a plain socket). */
async function interceptingServer(ca: InterceptionCa, host: string): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((socket) => {
    const tlsSocket = new tls.TLSSocket(socket, { isServer: true, secureContext: ca.contextFor(host) });
    tlsSocket.on('error', () => tlsSocket.destroy());
    tlsSocket.on('secure', () => tlsSocket.end('hello'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Handshake as a client that trusts only `caPem`: the peer's leaf, or the verification error. */
function handshake(port: number, servername: string, caPem: string): Promise<{ leaf: crypto.X509Certificate; issuer?: crypto.X509Certificate } | { error: string }> {
  return new Promise((resolve) => {
    const c = tls.connect({ port, host: '127.0.0.1', servername, ca: caPem }, () => {
      const peer = c.getPeerCertificate(true);
      const leaf = c.getPeerX509Certificate()!;
      const issuer = peer.issuerCertificate && peer.issuerCertificate !== peer ? new crypto.X509Certificate(peer.issuerCertificate.raw) : undefined;
      c.destroy();
      resolve(issuer ? { leaf, issuer } : { leaf });
    });
    c.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
  });
}

test('interception CA: a TLS handshake with contextFor(host) presents a leaf for that host, signed by the CA', async (t) => {
  const ca = new InterceptionCa();
  const server = await interceptingServer(ca, 'api.github.com');
  t.teardown(() => server.close());
  const caCert = new crypto.X509Certificate(ca.certPem);

  const ok = await handshake(server.port, 'api.github.com', ca.certPem);
  if ('error' in ok) return t.fail(`handshake failed: ${ok.error}`);
  t.is(ok.leaf.subjectAltName, 'DNS:api.github.com');
  t.regex(ok.leaf.subject, /CN=api\.github\.com/);
  t.true(ok.leaf.checkIssued(caCert), 'the leaf names the CA as its issuer');
  t.true(ok.leaf.verify(caCert.publicKey), "the leaf carries the CA's signature");
  t.is(ok.leaf.toString(), new crypto.X509Certificate(ca.certificateFor('api.github.com')).toString());
  // The CA certificate travels with the leaf, so a client holding only the bundle can build the chain.
  t.is(ok.issuer?.fingerprint256, caCert.fingerprint256);

  // The same leaf is refused for another name, and by a client that does not trust this CA.
  const wrongName = await handshake(server.port, 'evil.example', ca.certPem);
  t.deepEqual(wrongName, { error: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  const otherCa = await handshake(server.port, 'api.github.com', new InterceptionCa().certPem);
  t.true('error' in otherCa && /CERT|SIGNATURE|ISSUER/.test(otherCa.error), JSON.stringify(otherCa));
});

test('interception CA: a cached leaf is minted again a day before it expires; the CA tells when its leaves would outlive it', (t) => {
  const DAY = 24 * 60 * 60 * 1000;
  let clock = Date.now();
  const ca = new InterceptionCa({ now: () => clock });
  const first = ca.certificateFor('h.test');
  t.is(ca.certificateFor('H.test'), first, 'cached per host');
  clock += 28 * DAY;
  t.is(ca.certificateFor('h.test'), first, 'two days left: still served');
  clock += 1.5 * DAY;
  const second = ca.certificateFor('h.test');
  t.not(second, first, 'half a day left: minted again');
  const leaf = new crypto.X509Certificate(second);
  t.true(Date.parse(leaf.validTo) > clock + 29 * DAY);
  t.true(leaf.verify(new crypto.X509Certificate(ca.certPem).publicKey));
  t.true(ca.mintsValidLeaves());
  clock = ca.notAfter - 31 * DAY;
  t.true(ca.mintsValidLeaves());
  clock = ca.notAfter - 29 * DAY;
  t.false(ca.mintsValidLeaves(), 'a leaf minted now would outlive the CA');
});

test('git: smart-HTTP requests are classified', (t) => {
  t.deepEqual(recognizeGit('GET', 'https://h', '/o/r.git/info/refs?service=git-receive-pack'), { op: 'discover', service: 'push', remote: 'https://h/o/r.git' });
  t.deepEqual(recognizeGit('POST', 'https://h', '/o/r.git/git-receive-pack'), { op: 'push', remote: 'https://h/o/r.git' });
  t.deepEqual(recognizeGit('POST', 'https://h', '/o/r/git-upload-pack'), { op: 'fetch', remote: 'https://h/o/r' });
  t.is(recognizeGit('GET', 'https://h', '/o/r.git/info/refs'), null);
  t.is(recognizeGit('POST', 'https://h', '/v1/messages'), null);
});

const pkt = (s: string): string => (s.length + 4).toString(16).padStart(4, '0') + s;
const Z = '0'.repeat(40);
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

test('git: pkt-line ref updates, incomplete input and garbage', (t) => {
  const body = pkt(`${Z} ${A} refs/heads/main\0report-status side-band-64k\n`) + pkt(`${A} ${Z} refs/heads/old\n`) + pkt(`${B} ${A} refs/tags/v1\n`) + '0000PACK...';
  const r = parseReceivePackCommands(Buffer.from(body));
  t.true(r.done && 'updates' in r);
  if (!(r.done && 'updates' in r)) return;
  t.deepEqual(r.updates.map((u) => [u.ref, u.branch, u.delete]), [['refs/heads/main', 'main', false], ['refs/heads/old', 'old', true], ['refs/tags/v1', undefined, false]]);
  for (let cut = 0; cut < body.indexOf('0000PACK'); cut += 7) t.false(parseReceivePackCommands(Buffer.from(body.slice(0, cut))).done, `cut ${cut}`);
  const bad = parseReceivePackCommands(Buffer.from('zzzz'));
  t.true(bad.done && 'error' in bad);
  t.deepEqual(parseReceivePackCommands(Buffer.from('0000')), { done: true, updates: [] });
});

test('SSE parser: identical events whatever the chunking (CRLF, split UTF-8, comments)', (t) => {
  const stream = Buffer.from(': keep-alive\r\nevent: a\r\ndata: {"x":"é€"}\r\n\r\nevent: b\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n');
  const collect = (chunks: Buffer[]): string[] => {
    const out: string[] = [];
    const p = new SseParser((e, d) => out.push(`${e}|${d}`));
    for (const c of chunks) p.write(c);
    p.end();
    return out;
  };
  const whole = collect([stream]);
  t.deepEqual(whole, ['a|{"x":"é€"}', 'b|line1\nline2', 'message|[DONE]']);
  for (let i = 1; i < stream.length; i++) t.deepEqual(collect([stream.subarray(0, i), stream.subarray(i)]), whole, `split at ${i}`);
  t.deepEqual(collect([...stream].map((b) => Buffer.from([b]))), whole);
});

test('meters: Anthropic stream, Responses stream, Chat final chunk, JSON bodies', (t) => {
  const a = new ResponseMeter('anthropic-messages', 'text/event-stream');
  a.write(Buffer.from('event: message_start\ndata: {"type":"message_start","message":{"model":"claude-haiku-4-5","usage":{"input_tokens":10,"output_tokens":1,"cache_creation_input_tokens":5,"cache_read_input_tokens":7}}}\n\n'));
  a.write(Buffer.from('event: message_delta\ndata: {"type":"message_delta","usage":{"output_tokens":33}}\n\n'));
  t.deepEqual(a.end(), { api: 'anthropic-messages', model: 'claude-haiku-4-5', inputTokens: 10, outputTokens: 33, cacheReadTokens: 7, cacheWriteTokens: 5 });
  const r = new ResponseMeter('openai-responses', 'text/event-stream; charset=utf-8');
  r.write(Buffer.from('event: response.created\ndata: {"type":"response.created","response":{"model":"gpt-5"}}\n\nevent: response.completed\ndata: {"type":"response.completed","response":{"model":"gpt-5","usage":{"input_tokens":100,"input_tokens_details":{"cached_tokens":40},"output_tokens":9}}}\n\n'));
  t.like(r.end(), { model: 'gpt-5', inputTokens: 60, cacheReadTokens: 40, outputTokens: 9 });
  const c = new ResponseMeter('openai-chat', 'text/event-stream');
  c.write(Buffer.from('data: {"model":"gpt-4o-mini","choices":[{"delta":{"content":"hi"}}],"usage":null}\n\ndata: {"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":2}}}\n\ndata: [DONE]\n\n'));
  t.like(c.end(), { model: 'gpt-4o-mini', inputTokens: 10, cacheReadTokens: 2, outputTokens: 3 });
  const j = new ResponseMeter('openai-chat', 'application/json');
  j.write(Buffer.from('{"model":"gpt-4o","usage":{"prompt_tokens":5,'));
  j.write(Buffer.from('"completion_tokens":6}}'));
  t.like(j.end(), { model: 'gpt-4o', inputTokens: 5, outputTokens: 6 });
  const none = new ResponseMeter('openai-chat', 'text/event-stream');
  none.write(Buffer.from('data: {"model":"gpt-4o","choices":[]}\n\n'));
  t.is(none.end(), null);
});

test('meters: usage-bearing events are found whatever the chunking, among many small deltas', (t) => {
  const delta = (i: number): string => `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"w${i}"}}\n\n`;
  const anthropic = [
    'event: message_start\ndata: {"type":"message_start","message":{"model":"claude-haiku-4-5","usage":{"input_tokens":10,"output_tokens":1}}}\n\n',
    ...Array.from({ length: 6 }, (_, i) => delta(i)),
    'event: message_delta\ndata: {"type":"message_delta","usage":{"output_tokens":42}}\n\n',
    'event: message_stop\ndata: {"type":"message_stop"}\n\n',
  ].join('');
  const chat = [
    'data: {"model":"gpt-4o-mini","choices":[{"delta":{"content":"a"}}],"usage":null}\n\n',
    'data: {"choices":[{"delta":{"content":"b"}}],"usage":null}\n\n',
    'data: {"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3}}\n\n',
    'data: [DONE]\n\n',
  ].join('');
  const run = (api: 'anthropic-messages' | 'openai-chat', text: string, cuts: number[]): unknown => {
    const m = new ResponseMeter(api, 'text/event-stream');
    const buf = Buffer.from(text);
    let at = 0;
    for (const c of [...cuts, buf.length]) {
      m.write(buf.subarray(at, c));
      at = c;
    }
    return m.end();
  };
  for (const [api, text] of [['anthropic-messages', anthropic], ['openai-chat', chat]] as const) {
    const whole = run(api, text, []);
    t.truthy(whole);
    for (let i = 1; i < text.length; i++) t.deepEqual(run(api, text, [i]), whole, `${api} split at ${i}`);
    for (let i = 1; i + 3 < text.length; i += 7) t.deepEqual(run(api, text, [i, i + 3]), whole, `${api} split at ${i}, ${i + 3}`);
  }
  t.like(run('anthropic-messages', anthropic, []), { model: 'claude-haiku-4-5', inputTokens: 10, outputTokens: 42 });
  t.like(run('openai-chat', chat, []), { model: 'gpt-4o-mini', inputTokens: 12, outputTokens: 3 });
  // A CRLF stream takes the exact parser throughout and meters the same.
  t.like(run('anthropic-messages', anthropic.replace(/\n/g, '\r\n'), [50, 51, 300]), { model: 'claude-haiku-4-5', outputTokens: 42 });
});

test('redactor: several secrets, duplicates and adjacent matches, split at every point', (t) => {
  const a = 'sk-ant-REALa0123456789';
  const b = 'Basic c2VjcmV0OnRva2Vu';
  const from = [a, b, a].map((s) => Buffer.from(s));
  const to = ['PHA', 'PHB', 'ignored'].map((s) => Buffer.from(s));
  const input = `x${a}${b}y${a}sk-ant-REALz${b}`;
  const want = 'xPHAPHByPHAsk-ant-REALzPHB';
  for (let i = 0; i <= input.length; i++) {
    const r = new Redactor(from, to);
    const out = Buffer.concat([r.push(Buffer.from(input.slice(0, i))), r.push(Buffer.from(input.slice(i))), r.end()]).toString();
    t.is(out, want, `split at ${i}`);
  }
  // Bytes that cannot start a secret are never held.
  const r = new Redactor(from, to);
  t.is(r.push(Buffer.from('data: {"x":1}\n\n')).toString(), 'data: {"x":1}\n\n');
});

test('pattern detector: a placeholder split three ways (short middle chunk) is caught; clean bytes pass', async (t) => {
  const ph = Buffer.from('sk-PLACEHOLDER-0123456789abcdef');
  const input = Buffer.concat([Buffer.from('abc'), ph, Buffer.from('xyz')]);
  const feed = async (parts: Buffer[]): Promise<boolean> => {
    const d = new PatternDetector([ph]);
    let caught = false;
    d.on('error', (e) => (caught = e instanceof PatternFound));
    d.on('data', () => {});
    for (const p of parts) d.write(p);
    await new Promise((r) => setImmediate(r)); // errors surface on a later tick
    return caught;
  };
  for (let i = 1; i < input.length; i++) {
    for (let j = i; j < Math.min(input.length, i + 6); j++) {
      t.true(await feed([input.subarray(0, i), input.subarray(i, j), input.subarray(j)]), `split at ${i}, ${j}`);
    }
  }
  t.false(await feed([Buffer.from('sk-PLACEHOLDER-0123'), Buffer.from('456789abcdeX')]));
});

test('prices: exact, dated snapshot, longest prefix; unknown model has no cost', (t) => {
  t.is(priceFor(SHIPPED_PRICES, 'claude-sonnet-4-5-20250929'), SHIPPED_PRICES['claude-sonnet-4-5']!);
  t.is(priceFor(SHIPPED_PRICES, 'gpt-4o-mini-2024-07-18'), SHIPPED_PRICES['gpt-4o-mini']!);
  t.is(priceFor(SHIPPED_PRICES, 'gpt-5-mini'), SHIPPED_PRICES['gpt-5-mini']!);
  t.is(priceFor(SHIPPED_PRICES, 'gpt-5x'), null);
  const u = { api: 'openai-chat' as const, inputTokens: 1_000_000, outputTokens: 1_000_000, cacheReadTokens: 0, cacheWriteTokens: 0 };
  t.is(costOf(SHIPPED_PRICES, { ...u, model: 'gpt-4o' }), 12.5);
  t.is(costOf(SHIPPED_PRICES, { ...u, model: 'mystery-model' }), null);
  t.is(costOf({ ...SHIPPED_PRICES, 'mystery-model': { input: 1, output: 1 } }, { ...u, model: 'mystery-model' }), 2);
});

test('redactor: a secret split three ways (short middle chunk) is still replaced; nothing else is delayed', (t) => {
  const secret = 'sk-REAL-0123456789';
  const input = `a${secret}b${secret}${secret}`;
  for (let i = 0; i <= input.length; i++) {
    for (let j = i; j <= input.length; j += 5) {
      const r = new Redactor([Buffer.from(secret)], [Buffer.from('PH')]);
      const parts = [input.slice(0, i), input.slice(i, j), input.slice(j)].map((p) => r.push(Buffer.from(p)));
      t.is(Buffer.concat([...parts, r.end()]).toString(), 'aPHbPHPH', `split at ${i}, ${j}`);
    }
  }
  // An SSE event that cannot start a secret passes whole and at once; a possible start is held.
  const r = new Redactor([Buffer.from(secret)], [Buffer.from('PH')]);
  t.is(r.push(Buffer.from('data: {"x":1}\n\n')).toString(), 'data: {"x":1}\n\n');
  t.is(r.push(Buffer.from('data: sk-RE')).toString(), 'data: ');
  t.is(r.end().toString(), 'sk-RE');
});

test('pattern detector: a placeholder split across chunks is caught before its last part passes', async (t) => {
  const ph = Buffer.from(`sk-${crypto.randomBytes(20).toString('hex')}`);
  const d = new PatternDetector([ph]);
  const passed: Buffer[] = [];
  d.on('data', (c: Buffer) => passed.push(c));
  const err = await new Promise<unknown>((resolve) => {
    d.on('error', resolve);
    d.write(Buffer.concat([Buffer.from('xxxx'), ph.subarray(0, 10)]));
    d.write(ph.subarray(10));
  });
  t.true(err instanceof PatternFound);
  t.false(Buffer.concat(passed).includes(ph));
});
