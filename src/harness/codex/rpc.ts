// JSON-RPC 2.0 over newline-delimited JSON (the `codex app-server` stdio transport): requests we
// make, notifications and requests it makes. The transport is just "write a line".
import { asRecord } from '../tools.js';

type Json = Record<string, unknown>;

export class RpcError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

export class JsonRpc {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(
    private readonly write: (line: string) => boolean,
    private readonly onNotification: (method: string, params: Json) => void,
    /** Server → client requests; the returned value is the result, a thrown RpcError the error. */
    private readonly onRequest: (method: string, params: Json) => Promise<unknown>,
  ) {}

  request(method: string, params: unknown): Promise<unknown> {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (!this.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }))) {
        this.pending.delete(id);
        reject(new Error(`cannot send ${method}: the agent's stdin is closed`));
      }
    });
  }

  notify(method: string, params?: unknown): void {
    this.write(JSON.stringify({ jsonrpc: '2.0', method, ...(params !== undefined ? { params } : {}) }));
  }

  /** Feeds one line from the server. */
  receive(line: string): void {
    let msg: Json;
    try {
      msg = asRecord(JSON.parse(line));
    } catch {
      return;
    }
    const method = typeof msg.method === 'string' ? msg.method : undefined;
    const id = msg.id;
    if (method !== undefined && (typeof id === 'number' || typeof id === 'string')) {
      this.onRequest(method, asRecord(msg.params)).then(
        (result) => this.write(JSON.stringify({ jsonrpc: '2.0', id, result })),
        (err: unknown) =>
          this.write(JSON.stringify({ jsonrpc: '2.0', id, error: { code: err instanceof RpcError ? err.code : -32603, message: err instanceof Error ? err.message : String(err) } })),
      );
      return;
    }
    if (method !== undefined) {
      this.onNotification(method, asRecord(msg.params));
      return;
    }
    if (typeof id === 'number') {
      const waiter = this.pending.get(id);
      if (!waiter) return;
      this.pending.delete(id);
      if (msg.error !== undefined) {
        const e = asRecord(msg.error);
        waiter.reject(new RpcError(typeof e.code === 'number' ? e.code : -1, typeof e.message === 'string' ? e.message : JSON.stringify(msg.error)));
      } else waiter.resolve(msg.result);
    }
  }

  /** Fails every outstanding request (the server went away). */
  close(reason: string): void {
    for (const [, waiter] of this.pending) waiter.reject(new Error(reason));
    this.pending.clear();
  }
}
