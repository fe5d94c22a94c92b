// One HTTP request on its way out, whichever door it came in by (reverse route, plain forward
// proxy, or an intercepted TLS connection): exfiltration checks, policy, address check, credential
// swap, tool-result policy on model requests, then streaming both ways with request-body
// scanning, response redaction and metering.
import http, { type IncomingMessage, type ServerResponse, type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import zlib from 'node:zlib';
import { PassThrough, pipeline, type Readable, type Transform } from 'node:stream';
import { decideAll } from './decide.js';
import { recognizeGit, parseReceivePackCommands, type GitInfo } from './git.js';
import { authorityOf, refuseResponse, stripHopByHop } from './http-util.js';
import { ResponseMeter, wireApiFor } from './metering/meter.js';
import { costOf, type PriceTable } from './metering/prices.js';
import { addressRefusal, resolveChecked, type Resolver } from './resolve.js';
import { PatternDetector, PatternFound, RedactionSet, Redactor } from './scan.js';
import { internalAllowed, track, type ProxySession } from './session.js';
import { isExfiltration, placeholderInUrl, swapCredentials, type Exfiltration } from './swap.js';
import type { HostPattern } from './hosts.js';
import { toolResultSlots } from './tool-results.js';
import type { EgressAction, EgressEventPayload, EgressProxyOptions, ScreenToolResult, Verdict } from './types.js';
import type { WireApi } from './metering/usage.js';
import type { Vault } from './vault.js';

/** Bodies are read this far ahead before anything goes upstream: small bodies are fully checked first. */
const READ_AHEAD = 1024 * 1024;
/** Encoded (gzip/deflate) request bodies are buffered whole to be scanned decoded; larger ones are refused. */
const MAX_ENCODED_BODY = 32 * 1024 * 1024;

export interface ProxyCore {
  vault: Vault;
  resolver: Resolver;
  httpsAgent: https.Agent;
  httpAgent: http.Agent;
  upstreamContext: tls.SecureContext;
  prices: PriceTable;
  options: EgressProxyOptions;
  allowInternal: readonly HostPattern[];
  emit(sessionId: string, payload: EgressEventPayload): void;
}

export interface ExchangeTarget {
  scheme: 'http' | 'https';
  host: string;
  port: number;
  /** Path and query as they will be requested upstream (before normalization). */
  path: string;
  route: string;
  /** A configured upstream (the user's own choice): exempt from the internal-address check. */
  trusted: boolean;
}

interface BodyAhead {
  buf: Buffer;
  ended: boolean;
}

function readAhead(req: IncomingMessage, limit: number): Promise<BodyAhead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (ended: boolean): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (!ended) req.pause();
      resolve({ buf: Buffer.concat(chunks), ended });
    };
    const onData = (c: Buffer): void => {
      chunks.push(c);
      size += c.length;
      if (size >= limit) done(false);
    };
    const onEnd = (): void => done(true);
    const onError = (e: Error): void => reject(e);
    const onClose = (): void => {
      if (!req.complete) reject(new Error('client went away'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function hasBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  if (len !== undefined) return len !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

function decodeForScan(buf: Buffer, encoding: string): Buffer | null {
  const opts = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') return zlib.gunzipSync(buf, opts);
    if (encoding === 'deflate') return zlib.inflateSync(buf, opts);
    if (encoding === 'br') return zlib.brotliDecompressSync(buf);
  } catch {
    return null;
  }
  return null;
}

/** A JSON request body, parsed; undefined when it is not JSON. */
function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** The top-level `model` of a parsed request body; undefined when there is none. */
function modelOf(value: unknown): string | undefined {
  const model = typeof value === 'object' && value !== null ? (value as { model?: unknown }).model : undefined;
  return typeof model === 'string' && model !== '' ? model : undefined;
}

interface Screened {
  /** The body to send instead, when policy rewrote a tool result. */
  body?: Buffer;
  redactions: { rule: string; count: number }[];
  withheld: number;
}

/**
 * Puts each tool result of a parsed model request to the session's tool-result policy and
 * rewrites the ones it changes. The body is re-serialized only when something changed.
 */
function screenToolResults(screen: ScreenToolResult, sessionId: string, api: WireApi, parsed: unknown): Screened {
  const counts = new Map<string, number>();
  let withheld = 0;
  let changed = false;
  for (const slot of toolResultSlots(api, parsed)) {
    const r = screen({ ...(slot.callId !== undefined ? { callId: slot.callId } : {}), ...(slot.tool !== undefined ? { tool: slot.tool } : {}), text: slot.text }, { sessionId });
    if (!r || r.text === slot.text) continue;
    slot.set(r.text);
    changed = true;
    if (r.withheld !== undefined) withheld++;
    for (const x of r.redactions ?? []) counts.set(x.rule, (counts.get(x.rule) ?? 0) + x.count);
  }
  return {
    ...(changed ? { body: Buffer.from(JSON.stringify(parsed)) } : {}),
    redactions: [...counts].map(([rule, count]) => ({ rule, count })),
    withheld,
  };
}

function responseDecoder(encoding: string): Transform | null {
  if (encoding === 'gzip' || encoding === 'x-gzip') return zlib.createGunzip();
  if (encoding === 'deflate') return zlib.createInflate();
  if (encoding === 'br') return zlib.createBrotliDecompress();
  return null;
}

function normalizePath(raw: string): { pathname: string; query: string } {
  const q = raw.indexOf('?');
  const rawPath = q >= 0 ? raw.slice(0, q) : raw;
  const query = q >= 0 ? raw.slice(q) : '';
  // Resolve dot segments so the path policy sees is the path the upstream gets.
  const pathname = new URL(rawPath.startsWith('/') ? rawPath : `/${rawPath}`, 'http://x').pathname;
  return { pathname, query };
}

export async function runExchange(core: ProxyCore, session: ProxySession, req: IncomingMessage, res: ServerResponse, target: ExchangeTarget): Promise<void> {
  const { vault } = core;
  const method = (req.method ?? 'GET').toUpperCase();
  let pathname: string;
  let query: string;
  try {
    ({ pathname, query } = normalizePath(target.path));
  } catch {
    return refuseResponse(res, 400, 'bad-request', 'unparseable request path');
  }
  const base: EgressAction = {
    phase: 'egress',
    session: { id: session.id },
    egress: { method, scheme: target.scheme, host: target.host, port: target.port, path: pathname, route: target.route },
  };
  const record = (verdict: Verdict, extra: Partial<EgressEventPayload>): void =>
    core.emit(session.id, { ...base.egress, verdict, ...extra });
  const refuseExfil = (x: Exfiltration): void => {
    const message = `credential ${x.credential} refused: ${describeExfil(x)}`;
    record('deny', { reason: 'exfiltration', exfiltration: x, message });
    refuseResponse(res, 403, 'exfiltration', message);
    req.resume(); // drain what the client still sends; nothing of it goes anywhere
  };

  // 1. Placeholders where they never belong: the URL, the wrong header, the wrong host, plain HTTP.
  const inUrl = placeholderInUrl(vault, target.path);
  if (inUrl) return refuseExfil(inUrl);
  const swap = swapCredentials(vault, { sessionId: session.id, scheme: target.scheme, host: target.host, port: target.port }, req.headers);
  if (isExfiltration(swap)) return refuseExfil(swap);

  // 2. Read the body ahead (whole, if small) so it can be checked before anything leaves. A model
  // API call is read whole (up to the same bound as encoded bodies): policy decides on the model
  // it names. Only the request waits; the response still streams unbuffered.
  const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const encoded = encoding !== 'identity' && encoding !== '';
  const llmApi = wireApiFor(method, pathname);
  let ahead: BodyAhead = { buf: Buffer.alloc(0), ended: true };
  if (hasBody(req)) {
    try {
      ahead = await readAhead(req, encoded || llmApi ? MAX_ENCODED_BODY + 1 : READ_AHEAD);
    } catch {
      return;
    }
  }
  let plainAhead = ahead.buf;
  if (encoded && ahead.buf.length > 0) {
    if (!ahead.ended) return refuseResponse(res, 413, 'body-too-large', 'encoded request body too large to inspect');
    const decoded = decodeForScan(ahead.buf, encoding);
    if (!decoded) return refuseResponse(res, 415, 'bad-request', `cannot inspect request body with content-encoding ${encoding}`);
    plainAhead = decoded;
  }
  const patterns = vault.placeholderPatterns();
  const hit = PatternDetector.find(plainAhead, patterns);
  if (hit) return refuseExfil(bodyExfil(vault, hit));

  // 3. Git smart-HTTP: what kind of operation, and for a push which refs.
  const origin = `${target.scheme}://${authorityOf(target.host, target.port, target.scheme)}`;
  const gitReq = recognizeGit(method, origin, pathname + query);
  const actions: EgressAction[] = [];
  let git: GitInfo | undefined;
  if (gitReq && gitReq.op === 'push') {
    const parsed = parseReceivePackCommands(plainAhead);
    if (!parsed.done || 'error' in parsed) {
      const why = parsed.done && 'error' in parsed ? parsed.error : 'ref updates not found in the first MiB';
      git = { op: 'push', remote: gitReq.remote };
      record('deny', { reason: 'git-unparsed', git, message: `cannot read the pushed refs: ${why}` });
      return refuseResponse(res, 403, 'git-unparsed', `cannot read the pushed refs: ${why}`);
    }
    const refs = parsed.updates.map((u) => u.ref);
    git = { op: 'push', remote: gitReq.remote, refs };
    if (parsed.updates.length === 0) actions.push({ ...base, git });
    for (const u of parsed.updates) {
      const g: GitInfo = { op: 'push', remote: gitReq.remote, ref: u.ref, refs };
      if (u.branch !== undefined) g.branch = u.branch;
      actions.push({ ...base, git: g });
    }
  } else if (gitReq) {
    git = { op: gitReq.op, remote: gitReq.remote };
    if (gitReq.service) git.service = gitReq.service;
    actions.push({ ...base, git });
  } else {
    actions.push(base);
  }
  // A model request's body is parsed once: for the model it names, and for its tool results.
  const parsed = llmApi && ahead.ended && plainAhead.length > 0 ? parseJson(plainAhead) : undefined;
  if (llmApi) {
    const model = modelOf(parsed);
    actions.push({ ...base, phase: 'llm_request', ...(model !== undefined ? { model } : {}) });
  }

  // 4. Policy. `ask` holds the request here until a human answers.
  const decision = await decideAll(session.decide, core.options.ask, actions);
  const verdictInfo: Partial<EgressEventPayload> = {};
  if (decision.message !== undefined) verdictInfo.message = decision.message;
  if (decision.rules !== undefined) verdictInfo.rules = decision.rules;
  if (git) verdictInfo.git = git;
  if (session.closed) return refuseResponse(res, 403, 'session-ended', 'session ended');
  // The client may have given up while a human was being asked: then nothing goes out.
  if (res.destroyed) return;
  if (decision.action === 'deny') {
    record('deny', { ...verdictInfo, reason: decision.asked ? 'ask-denied' : 'policy' });
    req.resume();
    return refuseResponse(res, 403, 'policy', decision.message ?? 'denied by policy');
  }

  // 4b. Tool results on their way to the model: what policy redacts or withholds never leaves.
  // A body that could not be read whole cannot be screened, so it does not go (fail closed).
  let sendBody = ahead.buf;
  let rewritten = false;
  if (llmApi && session.screenToolResult && hasBody(req)) {
    if (!ahead.ended) {
      const message = 'model request too large to screen its tool results';
      record('deny', { ...verdictInfo, reason: 'body-too-large', message });
      req.resume();
      return refuseResponse(res, 413, 'body-too-large', message);
    }
    let screened: Screened;
    try {
      screened = screenToolResults(session.screenToolResult, session.id, llmApi, parsed);
    } catch (err) {
      const message = `tool result policy failed: ${err instanceof Error ? err.message : String(err)}`;
      record('deny', { ...verdictInfo, reason: 'policy', message });
      return refuseResponse(res, 403, 'policy', message);
    }
    if (screened.body) {
      sendBody = screened.body;
      rewritten = true;
    }
    if (screened.redactions.length > 0) verdictInfo.redactions = screened.redactions;
    if (screened.withheld > 0) verdictInfo.withheld = screened.withheld;
  }

  // 5. Where to connect: resolved once, checked, and that exact address dialed.
  let address: { address: string; family: 4 | 6 };
  try {
    const allowInternal = target.trusted || internalAllowed(session, core.allowInternal, target.host, target.port);
    address = await resolveChecked(target.host, core.resolver, allowInternal);
  } catch (err) {
    const { code, status, message } = addressRefusal(err);
    record('deny', { ...verdictInfo, reason: code, message });
    req.resume();
    return refuseResponse(res, status, code, message);
  }
  record(decision.action, { ...verdictInfo, ...(swap.swapped.length ? { credentials: swap.swapped } : {}) });

  // 6. Upstream request with the swapped headers.
  const headers: IncomingHttpHeaders = stripHopByHop(swap.headers);
  headers.host = authorityOf(target.host, target.port, target.scheme);
  if (rewritten) {
    // The rewritten body is plain JSON of a new length, whatever the agent's encoding was.
    delete headers['content-encoding'];
    delete headers['transfer-encoding'];
    headers['content-length'] = String(sendBody.length);
  }
  // Plain bodies come back so they can be redacted and metered; compressed ones are decoded below.
  headers['accept-encoding'] = 'identity';
  const isIp = net.isIP(target.host) !== 0;
  const upReq = (target.scheme === 'https' ? https : http).request({
    host: address.address,
    family: address.family,
    port: target.port,
    method,
    path: pathname + query,
    headers,
    setHost: false,
    agent: target.scheme === 'https' ? core.httpsAgent : core.httpAgent,
    ...(target.scheme === 'https' ? { secureContext: core.upstreamContext, ...(isIp ? {} : { servername: target.host }) } : {}),
  });
  track(session, upReq);
  res.once('close', () => {
    if (!res.writableFinished) upReq.destroy();
  });

  // Request body: what was read ahead, then the rest, scanned for placeholders on the way.
  const bodyDone = new Promise<Error | null>((resolve) => {
    if (ahead.ended) {
      // Already read and scanned whole: no stream machinery needed.
      upReq.once('error', (err) => resolve(err));
      upReq.end(sendBody, () => resolve(null));
      return;
    }
    const source = new PassThrough();
    source.write(ahead.buf);
    req.pipe(source);
    req.resume();
    pipeline(source, new PatternDetector(patterns), upReq, (err) => resolve(err ?? null));
  });

  let upstreamError: Error | null = null;
  upReq.on('error', (err) => {
    upstreamError = err;
  });
  const upRes = await new Promise<IncomingMessage | null>((resolve) => {
    upReq.once('response', resolve);
    upReq.once('error', () => resolve(null));
    upReq.once('close', () => resolve(null));
  });
  const bodyErr = await bodyDone;
  if (bodyErr instanceof PatternFound) {
    upReq.destroy();
    upRes?.destroy();
    return refuseExfil(bodyExfil(vault, bodyErr.pattern));
  }
  if (!upRes) {
    const detail = (upstreamError as NodeJS.ErrnoException | null)?.code ?? 'connection closed';
    return refuseResponse(res, 502, 'upstream', `cannot reach ${target.host}:${target.port} (${detail})`);
  }

  // 7. Response: decode if needed, redact secrets, meter model usage, stream unbuffered.
  const { pairs, set: redactions } = redactionFor(session, swap.echoes);
  const outHeaders = redactHeaders(stripHopByHop(upRes.headers), pairs);
  const resEncoding = String(upRes.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  let source: Readable = upRes;
  if (resEncoding !== 'identity' && resEncoding !== '') {
    const dec = responseDecoder(resEncoding);
    if (!dec) {
      upRes.destroy();
      return refuseResponse(res, 502, 'upstream', `cannot inspect response content-encoding ${resEncoding}`);
    }
    // Rare (we ask for identity): a pipeline is fine here and carries upstream errors into dec.
    source = pipeline(upRes, dec, () => {});
    delete outHeaders['content-encoding'];
    delete outHeaders['content-length'];
  }
  const status = upRes.statusCode ?? 502;
  const api = status >= 200 && status < 300 ? llmApi : null;
  const meter = api ? new ResponseMeter(api, upRes.headers['content-type']) : null;
  const redactor = redactions.maxLen > 0 ? new Redactor(redactions) : null;
  if (redactor) delete outHeaders['content-length']; // replacement may change the length
  res.writeHead(status, outHeaders);
  const streaming = String(upRes.headers['content-type'] ?? '').includes('text/event-stream');
  if (streaming) res.flushHeaders(); // the client sees the stream open before the first event
  relay(source, res, meter, redactor, () => {
    if (!meter) return;
    const usage = meter.end();
    if (!usage || !core.options.onUsage) return;
    const cost = costOf(core.prices, usage);
    core.options.onUsage({
      sessionId: session.id,
      ts: Date.now(),
      api: usage.api,
      host: target.host,
      model: usage.model,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cacheReadTokens: usage.cacheReadTokens,
      cacheWriteTokens: usage.cacheWriteTokens,
      costUsd: cost,
      costKnown: cost !== null,
      source: 'proxy',
    });
  });
}

/**
 * Streams the upstream body to the client with one 'data' handler: no Transform stages, no
 * per-chunk callbacks or promises. Chunks that arrive in the same tick (one TLS record each, so a
 * burst of small SSE events is many chunks) are joined and then metered, redacted and written
 * once; the join is released on process.nextTick, before any I/O, so no byte waits for more input
 * and streaming stays unbuffered. Backpressure: the source pauses while the client is not draining.
 * `done` runs once the upstream body is complete, before the client's response is ended; an
 * upstream that breaks off mid-body destroys the client response, so the client sees a truncated
 * body rather than a clean end.
 */
function relay(source: Readable, res: ServerResponse, meter: ResponseMeter | null, redactor: Redactor | null, done: () => void): void {
  let pending: Buffer[] = [];
  let scheduled = false;
  let ended = false;
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0 || res.destroyed) return;
    const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    pending = [];
    meter?.write(chunk);
    const out = redactor ? redactor.push(chunk) : chunk;
    if (out.length > 0 && !res.write(out)) source.pause();
  };
  source.on('data', (chunk: Buffer) => {
    pending.push(chunk);
    if (!scheduled) {
      scheduled = true;
      process.nextTick(flush);
    }
  });
  res.on('drain', () => source.resume());
  source.once('end', () => {
    ended = true;
    flush();
    if (res.destroyed) return;
    const rest = redactor?.end();
    try {
      // Usage is complete with the upstream body, and is recorded before the client sees the end
      // of the response: the agent's next action (a tool call, its next request) is then decided
      // on the new spend, with no race between metering and budget rules.
      done();
    } finally {
      if (rest && rest.length > 0) res.end(rest);
      else res.end();
    }
  });
  source.on('error', () => res.destroy());
  source.once('close', () => {
    if (!ended) res.destroy();
  });
}

function bodyExfil(vault: Vault, pattern: Buffer): Exfiltration {
  const owner = vault.owner(pattern.toString('utf8'));
  return { kind: 'body', credential: owner?.credential.name ?? 'unknown' };
}

function describeExfil(x: Exfiltration): string {
  switch (x.kind) {
    case 'unbound-host':
      return 'its placeholder was sent to a host it is not bound to';
    case 'plain-http':
      return 'its placeholder would travel over plain HTTP';
    case 'header':
      return `its placeholder is in header ${x.where ?? ''}, which never carries credentials`;
    case 'url':
      return 'its placeholder is in the URL';
    case 'body':
      return 'its placeholder is in the request body';
    case 'foreign-placeholder':
      return "another session's placeholder was used";
    case 'tunnel':
      return 'its placeholder was sent through a tunnel';
  }
}

interface Pairs {
  from: Buffer[];
  to: Buffer[];
}

/** What upstream might echo and what the agent sees instead: real values become placeholders. */
function redactionPairs(session: ProxySession, echoes: readonly [string, string][]): Pairs {
  const from: Buffer[] = [];
  const to: Buffer[] = [];
  for (const [real, shown] of echoes) {
    from.push(Buffer.from(real));
    to.push(Buffer.from(shown));
  }
  for (const c of session.creds.credentials) {
    from.push(Buffer.from(c.secret));
    to.push(Buffer.from(c.placeholder));
  }
  return { from, to };
}

/**
 * The last prepared pairs and set per session, keyed by its echoes: consecutive requests carry the
 * same ones, and a session's credentials never change, so neither needs rebuilding per request.
 */
const lastRedaction = new WeakMap<ProxySession, { key: string; pairs: Pairs; set: RedactionSet }>();

function redactionFor(session: ProxySession, echoes: readonly [string, string][]): { pairs: Pairs; set: RedactionSet } {
  const key = echoes.map(([real, shown]) => `${real}\0${shown}`).join('\0');
  const cached = lastRedaction.get(session);
  if (cached && cached.key === key) return cached;
  const pairs = redactionPairs(session, echoes);
  const entry = { key, pairs, set: new RedactionSet(pairs.from, pairs.to) };
  lastRedaction.set(session, entry);
  return entry;
}

function redactHeaders(h: IncomingHttpHeaders, pairs: Pairs): IncomingHttpHeaders {
  if (pairs.from.length === 0) return h;
  const fix = (v: string): string => {
    let out = v;
    pairs.from.forEach((f, i) => {
      const s = f.toString();
      if (out.includes(s)) out = out.split(s).join(pairs.to[i]!.toString());
    });
    return out;
  };
  const out: IncomingHttpHeaders = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map(fix) : fix(v);
  }
  return out;
}
