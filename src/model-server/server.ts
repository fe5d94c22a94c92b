// The HTTP side: routes requests to the wire formats, picks the scripted turn, records every
// request, and answers. Listens on 127.0.0.1 only; it is a test double, not a service.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { probeAnthropic, sendAnthropic, sendAnthropicError, sendCountTokens, checkAnthropicReply } from './anthropic.js';
import { probeResponses, sendResponses } from './openai-responses.js';
import { probeChat, sendChat } from './openai-chat.js';
import { sendJson, sendOpenAIError, unixSeconds } from './http-util.js';
import { TurnBook, type Api, type Probe } from './match.js';
import { estimateTokens, resolveReply, type Reply } from './reply.js';
import { RequestLog, type RecordedRequest } from './request-log.js';
import { loadScriptFile, scriptFrom, type Script, type ScriptSource } from './script.js';

export interface ModelServerOptions {
  /** The script as YAML text or plain objects (validated like a file). */
  script?: ScriptSource;
  /** A script file; used when `script` is not given. */
  scriptFile?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** JSONL file receiving one line per request (truncated at start). */
  logFile?: string;
  /** Called after each request is recorded (the CLI prints a line per request with it). */
  onRequest?: (entry: RecordedRequest) => void;
}

export interface ModelServer {
  /** `http://127.0.0.1:PORT`, without a trailing slash or `/v1`. */
  url: string;
  port: number;
  /** Every request so far, in arrival order. */
  requests(): RecordedRequest[];
  /** Turns that can still answer (unused `once` turns and every `once: false` turn). */
  unusedTurns(): Array<{ index: number; name?: string }>;
  close(): Promise<void>;
}

type Endpoint = NonNullable<RecordedRequest['endpoint']>;

const ENDPOINTS: Record<string, Endpoint> = {
  messages: 'anthropic',
  'messages/count_tokens': 'count_tokens',
  responses: 'responses',
  'chat/completions': 'chat',
  models: 'models',
};

/**
 * Which endpoint a path names. Anything may precede `/v1` (proxies mount routes such as
 * `/s/TOKEN/anthropic/v1/messages`); the last `/v1/` is the one that counts.
 */
export function endpointOf(pathname: string): { endpoint: Endpoint; rest?: string } | null {
  if (pathname === '/' || pathname === '') return { endpoint: 'root' };
  const at = pathname.lastIndexOf('/v1/');
  if (at < 0) return null;
  const tail = pathname.slice(at + 4).replace(/\/+$/, '');
  const exact = ENDPOINTS[tail];
  if (exact) return { endpoint: exact };
  if (tail.startsWith('models/')) return { endpoint: 'models', rest: decodeURIComponent(tail.slice('models/'.length)) };
  return null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function sendError(res: ServerResponse, api: Api | null, status: number, type: string, message: string): void {
  if (api === 'anthropic' || api === null) {
    // Unknown paths get the Anthropic shape: both SDKs read `error.message` from it.
    sendAnthropicError(res, status, type, message);
  } else {
    sendOpenAIError(res, status, type, message);
  }
}

/** Model ids the server advertises: any the script names, else a stand-in. */
function modelIds(script: Script): string[] {
  const named = [...new Set(script.turns.flatMap((t) => (t.match.model !== undefined ? [t.match.model] : [])))];
  return named.length > 0 ? named : ['scripted-model'];
}

function modelEntry(id: string): Record<string, unknown> {
  // One object that satisfies both vendors' model schemas.
  return { id, object: 'model', type: 'model', display_name: id, created: unixSeconds(), created_at: new Date().toISOString(), owned_by: 'bridle' };
}

export async function startModelServer(options: ModelServerOptions): Promise<ModelServer> {
  let script: Script;
  if (options.script !== undefined) script = scriptFrom(options.script);
  else if (options.scriptFile !== undefined) script = loadScriptFile(options.scriptFile);
  else throw new Error('startModelServer needs `script` or `scriptFile`');

  const book = new TurnBook(script);
  const log = new RequestLog(options.logFile);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = req.url ?? '/';
    const pathname = new URL(path, 'http://127.0.0.1').pathname;
    let body: unknown = raw;
    let json: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = raw === '' ? undefined : JSON.parse(raw);
      if (parsed !== undefined) body = parsed;
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
    } catch {
      // Not JSON: recorded as text; the message endpoints answer 400 below.
    }
    const route = endpointOf(pathname);
    const entry: RecordedRequest = {
      seq: log.nextSeq(),
      time: new Date().toISOString(),
      method: req.method ?? 'GET',
      path,
      headers: { ...req.headers },
      body,
      endpoint: route?.endpoint ?? null,
      status: 200,
      turn: null,
    };
    const finish = (status: number, send: () => void): void => {
      entry.status = status;
      log.record(entry);
      options.onRequest?.(entry);
      send();
    };

    if (!route) {
      finish(404, () => sendError(res, null, 404, 'not_found_error', `bridle model-server: no endpoint at ${req.method} ${pathname}; it serves /v1/messages, /v1/responses and /v1/chat/completions`));
      return;
    }
    const endpoint = route.endpoint;
    if (endpoint === 'root') {
      finish(200, () => sendJson(res, 200, { name: 'bridle model-server', script: script.file }));
      return;
    }
    if (endpoint === 'models') {
      const ids = modelIds(script);
      if (route.rest !== undefined) finish(200, () => sendJson(res, 200, modelEntry(route.rest!)));
      else finish(200, () => sendJson(res, 200, { object: 'list', data: ids.map(modelEntry), has_more: false, first_id: ids[0], last_id: ids[ids.length - 1] }));
      return;
    }
    const api: Api | null = endpoint === 'count_tokens' ? 'anthropic' : endpoint;
    if (req.method !== 'POST') {
      finish(405, () => sendError(res, api, 405, 'invalid_request_error', `${pathname} takes POST, not ${req.method}`));
      return;
    }
    if (!json) {
      finish(400, () => sendError(res, api, 400, 'invalid_request_error', 'request body must be a JSON object'));
      return;
    }
    if (endpoint === 'count_tokens') {
      finish(200, () => sendCountTokens(res, estimateTokens(raw.length)));
      return;
    }

    const probe: Probe = endpoint === 'anthropic' ? probeAnthropic(json) : endpoint === 'responses' ? probeResponses(json) : probeChat(json);
    const turn = book.take(probe);
    const spec = turn?.reply ?? { text: book.fallbackText(probe), tool_calls: [], usage: {} };
    const reply: Reply = resolveReply(spec, probe.api, raw.length);
    if (turn) {
      entry.turn = turn.index;
      if (turn.name !== undefined) entry.turn_name = turn.name;
    }
    entry.reply = structuredClone(reply);
    if (reply.error) {
      const { status, type, message } = reply.error;
      finish(status, () => sendError(res, probe.api, status, type, message));
      return;
    }
    if (endpoint === 'anthropic') {
      const problem = checkAnthropicReply(reply);
      if (problem !== undefined) {
        finish(500, () => sendError(res, 'anthropic', 500, 'api_error', `bridle model-server: turn ${turn?.index}: ${problem}`));
        return;
      }
      finish(200, () => sendAnthropic(res, reply, probe.model, probe.stream));
    } else if (endpoint === 'responses') {
      finish(200, () => sendResponses(res, reply, json, probe.stream));
    } else {
      finish(200, () => sendChat(res, reply, json, probe.stream));
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A bug here must still answer, or the client under test hangs until its own timeout.
      if (!res.headersSent) sendError(res, null, 500, 'api_error', `bridle model-server: ${(err as Error).message}`);
      else res.destroy(err as Error);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: () => log.all(),
    unusedTurns: () => book.available().map((t) => (t.name !== undefined ? { index: t.index, name: t.name } : { index: t.index })),
    close: () => {
      // Idempotent: a test's teardown and the code under test may both close the server.
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Clients keep connections alive; without this, close() waits for them to time out.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
