// The agent spec: the vocabulary of the YAML file and the normalized object the rest of Bridle
// consumes. Harness-agnostic on purpose: only `harness` (and, optionally, `model`) names a vendor,
// so swapping vendors is a one-field change.
import type { Node } from 'yaml';
import type { SourcePosition, YamlSource } from '../util/yaml-source.js';

export const HARNESSES = ['claude-code', 'codex', 'pi', 'cursor', 'command', 'bridle'] as const;
export type HarnessName = (typeof HARNESSES)[number];

/** Other spellings accepted for `harness`; `omni` is the name the seed example uses for the built-in agent. */
export const HARNESS_ALIASES: Readonly<Record<string, HarnessName>> = { omni: 'bridle' };

export const AGENT_MODES = ['interactive', 'headless'] as const;
export type AgentMode = (typeof AGENT_MODES)[number];

export const SANDBOX_MODES = ['read-only', 'workspace-write', 'none'] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];

export const NETWORK_MODES = ['none', 'proxy', 'full'] as const;
export type NetworkMode = (typeof NETWORK_MODES)[number];

/**
 * Normalized tool names (see ARCHITECTURE "Normalized action"). MCP tools are written
 * `mcp__server` (all of a server's tools) or `mcp__server__tool`.
 */
export const TOOLS = ['bash', 'read', 'write', 'edit', 'fetch', 'delegate'] as const;
export const MCP_TOOL = /^mcp__[A-Za-z0-9][A-Za-z0-9_*-]*$/;

/** Agent names: short, lowercase, safe in file names, URLs and event fields. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
/** Environment variable names (credentials, `env`, `source.env`). */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Top-level keys of a spec file (and of an inline sub-agent map). */
export const SPEC_KEYS = [
  'name',
  'prompt',
  'instructions',
  'harness',
  'model',
  'mode',
  'command',
  'tools',
  'sub_agents',
  'sandbox',
  'credentials',
  'policies',
  'env',
  'params',
] as const;
export const SANDBOX_KEYS = ['mode', 'read', 'write', 'network', 'allow_unix_sockets', 'best_effort'] as const;
export const CREDENTIAL_KEYS = ['name', 'hosts', 'source'] as const;
export const CREDENTIAL_SOURCE_KEYS = ['env', 'file'] as const;
export const PROMPT_FILE_KEYS = ['file'] as const;

/** Spec-file suffixes: a `sub_agents` string with one of these is a path, not a harness name. */
export const SPEC_FILE_SUFFIXES = ['.yaml', '.yml'] as const;
/** A `prompt`/`instructions` string with one of these suffixes (and no whitespace) is a file path. */
export const PROMPT_FILE_SUFFIXES = ['.md', '.markdown', '.txt', '.prompt'] as const;

export interface SandboxSpec {
  /** Default `workspace-write`. `none` must be written out: nothing is enforced then. */
  mode: SandboxMode;
  /** Extra readable paths, as written (absolute, `~/…`, or relative to the session's working dir). */
  read: string[];
  /** Extra writable paths, same forms as `read`. */
  write: string[];
  /** Default `proxy`: all traffic goes through Bridle's egress proxy. */
  network: NetworkMode;
  /** `true` allows every unix socket, a list allows those socket paths only; default `false`. */
  allowUnixSockets: boolean | string[];
  /** Run with whatever this kernel can enforce instead of refusing to start. Default `false`. */
  bestEffort: boolean;
}

export type CredentialSource = { kind: 'env'; env: string } | { kind: 'file'; path: string };

export interface CredentialSpec {
  /** The variable the agent sees (holding a placeholder; the proxy swaps in the real secret). */
  name: string;
  /** Hosts the real secret may be sent to. `*.example.com` matches subdomains. */
  hosts: string[];
  /** Where the real secret comes from; default `{ env: name }`. File paths are absolute. */
  source: CredentialSource;
  at: SourcePosition;
}

/** A policy reference, kept raw: the policy engine owns the rule format and validates it. */
export type PolicyRef =
  | {
      kind: 'file';
      /** Absolute path. */
      path: string;
      at: SourcePosition;
    }
  | {
      kind: 'inline';
      /** The rule as plain data (aliases followed). */
      rule: unknown;
      /** The rule's YAML node and its file, for position-carrying diagnostics. */
      node: Node;
      source: YamlSource;
      at: SourcePosition;
    };

export interface AgentSpec {
  name: string;
  harness: HarnessName;
  /** `harness` as written when it was an alias (e.g. `omni`). */
  harnessAlias?: string;
  model?: string;
  /** Default `interactive`; `bridle run --headless` overrides. */
  mode: AgentMode;
  /** Instructions text (`prompt` or `instructions`, loaded from the file when given as a path). */
  prompt?: string;
  /** Absolute path the prompt was read from, when it came from a file. */
  promptFile?: string;
  /** argv for harness `command`; a string in YAML becomes `['/bin/sh', '-c', string]`. */
  command?: string[];
  /** Tool allowlist in normalized names; undefined means the harness's own default set. */
  tools?: string[];
  subAgents: AgentSpec[];
  sandbox: SandboxSpec;
  credentials: CredentialSpec[];
  /** Effective policies in order: inherited from the parent agent first, then this spec's own. */
  policies: PolicyRef[];
  /** Names (or `PREFIX_*` globs) of environment variables passed through to the agent. */
  env: string[];
  params: Record<string, unknown>;
  /** Absolute path of the file this spec was written in (the parent's file for inline sub-agents). */
  file: string;
  /** Directory relative paths in this spec resolve against. */
  dir: string;
  /** Where the spec starts: 1:1 of its file, or the inline sub-agent's entry. */
  at: SourcePosition;
}
