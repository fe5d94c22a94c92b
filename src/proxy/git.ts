// Git smart-HTTP recognition, so policy can say "ask before push" or "never push to main".
// `git-receive-pack` is a push; its request body starts with pkt-lines naming each ref update
// (`<old> <new> refs/heads/<branch>\0<caps>`), which come before the pack data. A compressed
// body is decoded by the exchange (it decodes every request body it scans) before it gets here.

export type GitOp = 'push' | 'fetch' | 'discover';

export interface GitRequest {
  op: GitOp;
  /** For `discover`: which service the client is about to use. */
  service?: 'push' | 'fetch';
  /** Remote URL without credentials, query or the smart-HTTP suffix. */
  remote: string;
}

export interface RefUpdate {
  ref: string;
  /** Set for refs/heads/*. */
  branch?: string;
  old: string;
  new: string;
  /** The ref is being deleted (new id all zeros). */
  delete: boolean;
}

/** What the policy's `git` condition sees. */
export interface GitInfo {
  op: GitOp;
  remote: string;
  service?: 'push' | 'fetch';
  branch?: string;
  ref?: string;
  refs?: string[];
}

const SUFFIXES = ['/info/refs', '/git-receive-pack', '/git-upload-pack'];

/** Classifies a request; null when it is not git smart-HTTP. */
export function recognizeGit(method: string, origin: string, pathWithQuery: string): GitRequest | null {
  const q = pathWithQuery.indexOf('?');
  const pathname = q >= 0 ? pathWithQuery.slice(0, q) : pathWithQuery;
  const query = new URLSearchParams(q >= 0 ? pathWithQuery.slice(q + 1) : '');
  const suffix = SUFFIXES.find((s) => pathname.endsWith(s));
  if (!suffix) return null;
  const remote = origin + pathname.slice(0, -suffix.length);
  if (suffix === '/info/refs') {
    const service = query.get('service');
    if (method !== 'GET' || (service !== 'git-receive-pack' && service !== 'git-upload-pack')) return null;
    return { op: 'discover', service: service === 'git-receive-pack' ? 'push' : 'fetch', remote };
  }
  if (method !== 'POST') return null;
  return { op: suffix === '/git-receive-pack' ? 'push' : 'fetch', remote };
}

export type PktParse = { done: false } | { done: true; updates: RefUpdate[] } | { done: true; error: string };

const COMMAND = /^([0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{40}|[0-9a-f]{64}) (\S+)$/;

/**
 * Parses the command section of a receive-pack request: pkt-lines up to the first flush-pkt.
 * `done: false` means more bytes are needed. Shallow lines and push certificates are skipped over;
 * every line shaped like a command is taken as one.
 */
export function parseReceivePackCommands(body: Buffer): PktParse {
  const updates: RefUpdate[] = [];
  let pos = 0;
  while (true) {
    if (body.length < pos + 4) return { done: false };
    const lenText = body.toString('latin1', pos, pos + 4);
    if (!/^[0-9a-f]{4}$/i.test(lenText)) return { done: true, error: 'malformed pkt-line length' };
    const len = Number.parseInt(lenText, 16);
    if (len === 0) return { done: true, updates };
    if (len < 4) return { done: true, error: 'unexpected special pkt-line in command list' };
    if (body.length < pos + len) return { done: false };
    let line = body.toString('utf8', pos + 4, pos + len);
    pos += len;
    const nul = line.indexOf('\0');
    if (nul >= 0) line = line.slice(0, nul);
    line = line.replace(/\n$/, '');
    const m = COMMAND.exec(line);
    if (!m) continue;
    const ref = m[3]!;
    const u: RefUpdate = { old: m[1]!, new: m[2]!, ref, delete: /^0+$/.test(m[2]!) };
    if (ref.startsWith('refs/heads/')) u.branch = ref.slice('refs/heads/'.length);
    updates.push(u);
  }
}
