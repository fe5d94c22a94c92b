// The credential vault: real secrets in daemon memory, per-session placeholders, host bindings,
// and the redaction every outward-facing string passes through. Secrets are read from the
// environment that started Bridle (or a file outside any sandbox), never from the agent's.
import fs from 'node:fs';
import path from 'node:path';
import { parseHostPattern, anyHostMatches, type HostPattern } from './hosts.js';
import { makePlaceholder } from './placeholder.js';

/** A spec `credentials:` entry, either as the spec loader normalizes it or as written in YAML. */
export interface CredentialEntry {
  name: string;
  hosts: readonly string[];
  source?: { kind: 'env'; env: string } | { kind: 'file'; path: string } | { env: string } | { file: string };
}

/** Credentials every session gets unless its spec names the same variable. */
export interface DefaultCredential {
  name: string;
  hosts: readonly string[];
  /** Reverse route whose configured upstream host is bound too (the user chose that upstream). */
  route?: string;
}

export const DEFAULT_CREDENTIALS: readonly DefaultCredential[] = [
  { name: 'ANTHROPIC_API_KEY', hosts: ['api.anthropic.com'], route: 'anthropic' },
  { name: 'ANTHROPIC_AUTH_TOKEN', hosts: ['api.anthropic.com'], route: 'anthropic' },
  { name: 'OPENAI_API_KEY', hosts: ['api.openai.com'], route: 'openai' },
  { name: 'GITHUB_TOKEN', hosts: ['github.com', 'api.github.com'] },
  { name: 'GH_TOKEN', hosts: ['github.com', 'api.github.com'] },
];

export interface SessionCredential {
  name: string;
  hosts: readonly HostPattern[];
  placeholder: string;
  /** The real secret. Never leaves this module except into an upstream request header. */
  secret: string;
}

export interface SessionCredentials {
  sessionId: string;
  credentials: readonly SessionCredential[];
  /** Entries whose source was missing or unreadable (name and why, never a value). */
  missing: readonly { name: string; reason: string }[];
}

export interface VaultOptions {
  /** The environment Bridle itself was started with. */
  env: Readonly<Record<string, string | undefined>>;
  /** Default credential bindings; `false` disables them. */
  defaults?: readonly DefaultCredential[] | false;
  /** Upstream host patterns of reverse routes, by route name (for `DefaultCredential.route`). */
  routeHosts?: Readonly<Record<string, readonly string[]>>;
}

export interface PlaceholderOwner {
  sessionId: string;
  credential: SessionCredential;
}

export class Vault {
  private readonly sessions = new Map<string, SessionCredentials>();
  private readonly byPlaceholder = new Map<string, PlaceholderOwner>();
  /** Extra sensitive strings (route tokens) that must never be echoed. */
  private readonly sensitive = new Map<string, string>();
  private patternCache: Buffer[] | null = null;

  constructor(private readonly options: VaultOptions) {}

  open(sessionId: string, entries: readonly CredentialEntry[] = []): SessionCredentials {
    if (this.sessions.has(sessionId)) throw new Error(`vault: session ${sessionId} already open`);
    const credentials: SessionCredential[] = [];
    const missing: { name: string; reason: string }[] = [];
    const named = new Set(entries.map((e) => e.name));
    const all: { name: string; hosts: readonly string[]; source: { env: string } | { file: string } }[] = entries.map((e) => ({
      name: e.name,
      hosts: e.hosts,
      source: normalizeSource(e),
    }));
    for (const d of this.options.defaults === false ? [] : (this.options.defaults ?? DEFAULT_CREDENTIALS)) {
      if (named.has(d.name) || this.options.env[d.name] === undefined) continue;
      const routeHosts = d.route ? (this.options.routeHosts?.[d.route] ?? []) : [];
      all.push({ name: d.name, hosts: [...d.hosts, ...routeHosts], source: { env: d.name } });
    }
    for (const e of all) {
      const secret = this.read(e.source);
      if (typeof secret !== 'string') {
        missing.push({ name: e.name, reason: secret.reason });
        continue;
      }
      const hosts = e.hosts.map(parseHostPattern);
      let placeholder = makePlaceholder(secret);
      while (this.byPlaceholder.has(placeholder)) placeholder = makePlaceholder(secret);
      const cred: SessionCredential = { name: e.name, hosts, placeholder, secret };
      credentials.push(cred);
      this.byPlaceholder.set(placeholder, { sessionId, credential: cred });
    }
    const s: SessionCredentials = { sessionId, credentials, missing };
    this.sessions.set(sessionId, s);
    this.patternCache = null;
    return s;
  }

  close(sessionId: string): void {
    const s = this.sessions.get(sessionId);
    if (!s) return;
    for (const c of s.credentials) this.byPlaceholder.delete(c.placeholder);
    this.sessions.delete(sessionId);
    this.patternCache = null;
  }

  get(sessionId: string): SessionCredentials | undefined {
    return this.sessions.get(sessionId);
  }

  /** Who a placeholder belongs to (any session). */
  owner(placeholder: string): PlaceholderOwner | undefined {
    return this.byPlaceholder.get(placeholder);
  }

  /** Every live placeholder, as bytes, for request scanning. */
  placeholderPatterns(): readonly Buffer[] {
    if (!this.patternCache) this.patternCache = [...this.byPlaceholder.keys()].map((p) => Buffer.from(p, 'utf8'));
    return this.patternCache;
  }

  /** Every live placeholder found in `text`. */
  placeholdersIn(text: string): PlaceholderOwner[] {
    const found: PlaceholderOwner[] = [];
    for (const [p, owner] of this.byPlaceholder) if (text.includes(p)) found.push(owner);
    return found;
  }

  /** Whether `cred` may be sent to host:port. */
  static bound(cred: SessionCredential, host: string, port: number): boolean {
    return anyHostMatches(cred.hosts, host, port);
  }

  /** Registers another value that must never be echoed (e.g. a route token), shown as `label`. */
  addSensitive(value: string, label: string): void {
    if (value) this.sensitive.set(value, label);
  }

  removeSensitive(value: string): void {
    this.sensitive.delete(value);
  }

  /** Replaces every known secret (any session) and route token in a string. */
  redactText(text: string): string {
    let out = text;
    for (const s of this.sessions.values()) {
      for (const c of s.credentials) if (c.secret && out.includes(c.secret)) out = out.split(c.secret).join(`[REDACTED:${c.name}]`);
    }
    for (const [v, label] of this.sensitive) if (out.includes(v)) out = out.split(v).join(`[REDACTED:${label}]`);
    return out;
  }

  /**
   * Deep redaction for anything headed to a log, an event or the store: strings are redacted,
   * arrays and plain objects are copied with redacted members (keys included), the rest passes.
   * Shaped to serve as the store's redaction hook (`(value, where) => value`).
   */
  redact = (value: unknown): unknown => {
    if (typeof value === 'string') return this.redactText(value);
    if (Array.isArray(value)) return value.map((v) => this.redact(v));
    if (value !== null && typeof value === 'object') {
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return value instanceof Error ? this.redactText(String(value.message)) : value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[this.redactText(k)] = this.redact(v);
      return out;
    }
    return value;
  };

  private read(source: { env: string } | { file: string }): string | { reason: string } {
    if ('env' in source) {
      const v = this.options.env[source.env];
      return v ? v : { reason: `environment variable ${source.env} is not set` };
    }
    if (!path.isAbsolute(source.file)) return { reason: `credential file must be an absolute path: ${source.file}` };
    try {
      const v = fs.readFileSync(source.file, 'utf8').replace(/\r?\n$/, '');
      return v ? v : { reason: `credential file ${source.file} is empty` };
    } catch (err) {
      // The error code only: messages from fs are safe, but keep the surface minimal.
      return { reason: `cannot read credential file ${source.file} (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
    }
  }
}

function normalizeSource(e: CredentialEntry): { env: string } | { file: string } {
  const s = e.source;
  if (!s) return { env: e.name };
  if ('kind' in s) return s.kind === 'env' ? { env: s.env } : { file: s.path };
  return s;
}
