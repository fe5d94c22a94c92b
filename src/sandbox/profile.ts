// Builds the sandbox profile — the one JSON shape bridle-sandbox enforces (native/src/profile.rs)
// — from a spec's `sandbox:` field plus what the session knows (workspace, home, proxy ports).
// Pure: reads nothing from disk, so it is cheap to call and easy to test. The launcher resolves
// symlinks and composes the Landlock rules itself, so it is the single source of truth for what
// is actually granted.
import os from 'node:os';
import path from 'node:path';
import { stateHome } from '../paths.js';

export type SandboxMode = 'read-only' | 'workspace-write' | 'none';
export type NetworkMode = 'none' | 'proxy' | 'full';
/**
 * How protected paths inside writable roots stay read-only on Linux: `mount` (read-only bind
 * mounts in a private user + mount namespace; the workspace stays fully usable), `landlock`
 * (composition only; directories on the way to a protected path are frozen), `auto` (mount when
 * user namespaces are available, else landlock).
 */
export type ProtectStrategy = 'auto' | 'mount' | 'landlock';

/** The profile JSON, field for field as the launcher parses it. */
export interface SandboxProfile {
  version: 1;
  mode: SandboxMode;
  fs: {
    read: string[];
    write: string[];
    exec: string[];
    protected: string[];
    deny: string[];
    /** Protected directories the launcher creates (empty, 0700) when missing and their parent exists. */
    create: string[];
    /** Protected paths the mount strategy leaves unprotected (reported `absent`) when missing at launch. */
    unprotected_if_missing: string[];
  };
  net: {
    mode: NetworkMode;
    allow_ports: number[];
    allow_unix_sockets: boolean;
  };
  best_effort: boolean;
  protect_strategy: ProtectStrategy;
}

/** What the builder needs; the agent spec's `sandbox:` maps onto it one field at a time. */
export interface SandboxOptions {
  mode: SandboxMode;
  /** The agent's working directory: the write root in workspace-write mode. */
  workspace: string;
  /** Extra read roots. Empty or absent: the whole filesystem is readable except the denied paths. */
  read?: readonly string[];
  /** Extra write roots (workspace-write only). Relative entries resolve against the workspace. */
  write?: readonly string[];
  /** Roots files may be executed from. Absent: the same as the read roots. */
  exec?: readonly string[];
  network: NetworkMode;
  /** TCP ports `proxy` mode may connect to (the egress proxy and the hook endpoint). */
  allowPorts?: readonly number[];
  allowUnixSockets?: boolean;
  bestEffort?: boolean;
  /** The user's home, for the secret dirs and shell rc files. Default: os.homedir(). */
  home?: string;
  /** Bridle's state dir (vault, store): never readable from inside. Default: stateHome(). */
  stateDir?: string;
  /** Policy files in force: read-only even if they live inside a writable root. */
  policyFiles?: readonly string[];
  /** Names protected inside every write root. Default: DEFAULT_PROTECTED. */
  protect?: readonly string[];
  /** Whether /tmp and os.tmpdir() are writable in workspace-write mode. Default: true. */
  tmp?: boolean;
  /** More unreadable paths on top of DEFAULT_SECRETS. */
  deny?: readonly string[];
  /** Default: auto. */
  protectStrategy?: ProtectStrategy;
}

/** Relative to each write root: the places whose change would run code outside the sandbox later. */
export const DEFAULT_PROTECTED: readonly string[] = ['.git/hooks', '.git/config', '.bridle'];

/**
 * Protected names (relative to a write root) the launcher creates as empty directories when they
 * are missing and their parent exists, so they can be protected by a mount like existing ones.
 */
export const CREATE_IF_MISSING: readonly string[] = ['.git/hooks', '.bridle'];

/**
 * Protected names that may appear during a session when missing at launch: `git init` at the
 * workspace root must work, so a repository the agent creates has unprotected hooks and config.
 * The status line reports them as `absent`; everything else missing stays protected (Landlock).
 */
export const MAY_APPEAR: readonly string[] = ['.git/hooks', '.git/config'];

/** Relative to home: credentials an agent has no business reading (the proxy holds what it needs). */
export const DEFAULT_SECRETS: readonly string[] = [
  '.ssh',
  '.aws',
  '.config/gh',
  '.netrc',
  '.docker',
  '.gnupg',
  '.kube',
  '.git-credentials',
  '.config/gcloud',
  '.azure',
];

/** Relative to home: shell startup files, which run in the user's next (unconfined) shell. */
export const SHELL_RC_FILES: readonly string[] = [
  '.bashrc',
  '.bash_profile',
  '.bash_login',
  '.bash_logout',
  '.profile',
  '.zshrc',
  '.zshenv',
  '.zprofile',
  '.zlogin',
  '.config/fish',
];

/** Read roots used when the spec narrows reads: what any program needs to start. */
const SYSTEM_READ: readonly string[] = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/etc', '/opt', '/proc', '/dev', '/sys', '/run'];

export class SandboxProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxProfileError';
  }
}

function uniq(xs: Iterable<string>): string[] {
  return [...new Set(xs)];
}

/** Builds a profile. Throws SandboxProfileError for combinations that cannot mean anything. */
export function buildProfile(o: SandboxOptions): SandboxProfile {
  if (o.mode === 'none') {
    // Explicitly unconfined. The launcher still runs (and reports), it just enforces nothing.
    return {
      version: 1,
      mode: 'none',
      fs: { read: [], write: [], exec: [], protected: [], deny: [], create: [], unprotected_if_missing: [] },
      net: { mode: 'full', allow_ports: [], allow_unix_sockets: true },
      best_effort: o.bestEffort ?? false,
      protect_strategy: o.protectStrategy ?? 'auto',
    };
  }
  const workspace = path.resolve(o.workspace);
  const abs = (p: string): string => path.resolve(workspace, p);
  const home = path.resolve(o.home ?? os.homedir());
  const ports = uniq((o.allowPorts ?? []).map(String)).map(Number);
  for (const p of ports) {
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new SandboxProfileError(`allow port ${p} is not a TCP port`);
  }
  if (o.network === 'proxy' && ports.length === 0) {
    throw new SandboxProfileError('network: proxy needs the port(s) of the egress proxy (allowPorts)');
  }
  if (o.network !== 'proxy' && ports.length > 0) {
    throw new SandboxProfileError(`allowed ports only apply to network: proxy (network is ${o.network})`);
  }
  if (o.mode === 'read-only' && (o.write ?? []).length > 0) {
    throw new SandboxProfileError('write roots make no sense in read-only mode');
  }

  const write =
    o.mode === 'workspace-write'
      ? uniq([workspace, ...(o.write ?? []).map(abs), ...(o.tmp ?? true ? ['/tmp', path.resolve(os.tmpdir())] : [])])
      : [];
  const narrowed = (o.read ?? []).length > 0;
  const read = narrowed ? uniq([...(o.read ?? []).map(abs), ...SYSTEM_READ, workspace, path.dirname(path.dirname(process.execPath))]) : ['/'];
  const exec = o.exec ? uniq(o.exec.map(abs)) : read;
  const protect = o.protect ?? DEFAULT_PROTECTED;
  const guarded = write.filter((w) => w !== '/tmp' && w !== path.resolve(os.tmpdir()));
  const named = (names: readonly string[]): string[] =>
    uniq(guarded.flatMap((w) => protect.filter((p) => names.includes(path.normalize(p))).map((p) => path.join(w, p))));
  const protectedPaths = uniq([
    ...guarded.flatMap((w) => protect.map((p) => path.join(w, p))),
    ...(o.policyFiles ?? []).map(abs),
    ...SHELL_RC_FILES.map((f) => path.join(home, f)),
  ]);
  const deny = uniq([
    ...DEFAULT_SECRETS.map((s) => path.join(home, s)),
    path.resolve(o.stateDir ?? stateHome()),
    ...(o.deny ?? []).map(abs),
  ]);
  return {
    version: 1,
    mode: o.mode,
    fs: { read, write, exec, protected: protectedPaths, deny, create: named(CREATE_IF_MISSING), unprotected_if_missing: named(MAY_APPEAR) },
    net: { mode: o.network, allow_ports: ports, allow_unix_sockets: o.allowUnixSockets ?? false },
    best_effort: o.bestEffort ?? false,
    protect_strategy: o.protectStrategy ?? 'auto',
  };
}

/** The agent spec's `sandbox:` field, as the spec loader types it. */
export interface SpecSandbox {
  mode: SandboxMode;
  read: string[];
  write: string[];
  network: NetworkMode;
  allow_unix_sockets?: boolean;
  best_effort?: boolean;
  protect_strategy?: ProtectStrategy;
}

/** Adapter from a spec's `sandbox:` plus session facts to builder options. */
export function optionsFromSpec(
  spec: SpecSandbox,
  session: { workspace: string; proxyPorts?: readonly number[]; policyFiles?: readonly string[]; home?: string; stateDir?: string },
): SandboxOptions {
  return {
    mode: spec.mode,
    workspace: session.workspace,
    read: spec.read,
    write: spec.write,
    network: spec.network,
    allowPorts: spec.network === 'proxy' ? session.proxyPorts ?? [] : [],
    allowUnixSockets: spec.allow_unix_sockets ?? false,
    bestEffort: spec.best_effort ?? false,
    ...(spec.protect_strategy ? { protectStrategy: spec.protect_strategy } : {}),
    policyFiles: session.policyFiles ?? [],
    ...(session.home ? { home: session.home } : {}),
    ...(session.stateDir ? { stateDir: session.stateDir } : {}),
  };
}
