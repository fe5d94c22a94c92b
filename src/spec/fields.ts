// Field-by-field validation of one spec mapping into a normalized AgentSpec. Every problem is
// reported through the Reader and reading continues, so one run shows all of a file's errors.
import { existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import { closest, suggestion } from '../util/diagnostic.js';
import type { Locatable } from '../util/yaml-source.js';
import {
  AGENT_MODES,
  CREDENTIAL_KEYS,
  CREDENTIAL_SOURCE_KEYS,
  ENV_NAME_PATTERN,
  HARNESSES,
  HARNESS_ALIASES,
  MCP_TOOL,
  NAME_PATTERN,
  NETWORK_MODES,
  PROMPT_FILE_KEYS,
  PROMPT_FILE_SUFFIXES,
  SANDBOX_KEYS,
  SANDBOX_MODES,
  SPEC_FILE_SUFFIXES,
  SPEC_KEYS,
  TOOLS,
  type AgentSpec,
  type CredentialSpec,
  type HarnessName,
  type PolicyRef,
  type SandboxSpec,
} from './types.js';
import {
  asBoolean,
  asEnum,
  asMap,
  asSeq,
  asString,
  asStringList,
  describe,
  items,
  readFields,
  valueAt,
  type Field,
  type Reader,
} from './yaml.js';

/** What field validation needs from the loader: where the spec lives and how to load sub-agent files. */
export interface SpecEnv {
  /** Absolute path of the file being read. */
  file: string;
  /** Directory relative references resolve against. */
  dir: string;
  /** Loads a sub-agent spec file (absolute path); reports problems at `ref` and returns undefined on failure. */
  loadSubAgentFile(abs: string, r: Reader, ref: Field): AgentSpec | undefined;
}

/** What a spec left unset, so the loader can apply inheritance after the whole tree is read. */
export interface SpecMeta {
  inline: boolean;
  explicitSandbox: boolean;
  explicitEnv: boolean;
}
export const specMeta = new WeakMap<AgentSpec, SpecMeta>();

export const DEFAULT_SANDBOX: Readonly<SandboxSpec> = Object.freeze({
  mode: 'workspace-write',
  read: [],
  write: [],
  network: 'proxy',
  allowUnixSockets: false,
  bestEffort: false,
});

function defaultSandbox(): SandboxSpec {
  return { ...DEFAULT_SANDBOX, read: [], write: [] };
}

const VALID_HARNESSES = `valid harnesses: ${HARNESSES.join(', ')} (${Object.entries(HARNESS_ALIASES)
  .map(([alias, target]) => `\`${alias}\` is an alias of \`${target}\``)
  .join(', ')})`;

/** `~/x` → home, relative → against `dir`. */
function resolvePath(dir: string, p: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/')) return path.join(os.homedir(), p.slice(2));
  return path.resolve(dir, p);
}

export function resolveHarness(word: string): HarnessName | undefined {
  if ((HARNESSES as readonly string[]).includes(word)) return word as HarnessName;
  return HARNESS_ALIASES[word];
}

/** "did you mean `x`? " (when a harness name or alias is close) followed by the valid harnesses. */
function harnessHint(word: string): string {
  const near = closest(word, [...HARNESSES, ...Object.keys(HARNESS_ALIASES)]);
  return `${near ? `did you mean \`${near}\`? ` : ''}${VALID_HARNESSES}`;
}

function unknownHarness(word: string): string {
  return `unknown harness \`${word}\`; ${harnessHint(word)}`;
}

function isFile(abs: string): boolean {
  try {
    return statSync(abs).isFile();
  } catch {
    return false;
  }
}

function looksLikePromptFile(s: string): boolean {
  if (/\s/.test(s)) return false;
  const lower = s.toLowerCase();
  return (
    PROMPT_FILE_SUFFIXES.some((suffix) => lower.endsWith(suffix)) ||
    s.startsWith('./') ||
    s.startsWith('../') ||
    s.startsWith('~/')
  );
}

function isSpecPath(s: string): boolean {
  const lower = s.toLowerCase();
  return SPEC_FILE_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}

/** Start of a node, for "missing field" messages that have no field to point at. */
function startOf(node: Node, fallback: Locatable): Locatable {
  return node.range ? node : fallback;
}

function missing(r: Reader, map: YAMLMap, at: Locatable, path: string, key: string, hint = ''): void {
  const where = path ? ` in \`${path}\`` : '';
  r.error(startOf(map, at), `missing required field \`${key}\`${where}${hint}`);
}

/**
 * Reads one spec mapping (a whole file's root, or an inline sub-agent). `path` prefixes field
 * names in messages (`''` for a file root, `sub_agents[0]` for an inline one). Returns undefined
 * when anything in it (including its sub-agents) was invalid.
 */
export function readSpec(r: Reader, node: Node | null, at: Locatable, path: string, env: SpecEnv, inline: boolean): AgentSpec | undefined {
  const errorsBefore = r.sink.errors.length;
  if (!isMap(node)) {
    const what = path ? `\`${path}\`` : 'an agent spec';
    const hint = path ? '' : ' with at least `name` and `harness`';
    r.error(node ?? at, `${what} must be a mapping${hint}, got ${describe(node)}`);
    return undefined;
  }
  const f = readFields(r, node, path, SPEC_KEYS);
  const get = (k: (typeof SPEC_KEYS)[number]): Field | undefined => f.get(k);

  // name
  let name: string | undefined;
  const nameField = get('name');
  if (!nameField) missing(r, node, at, path, 'name');
  else name = readName(r, nameField);

  // harness: required, so a spec always says which agent runs it.
  let harness: HarnessName | undefined;
  let harnessAlias: string | undefined;
  const harnessField = get('harness');
  if (!harnessField) missing(r, node, at, path, 'harness', ` (one of: ${HARNESSES.join(', ')})`);
  else {
    const word = asString(r, harnessField);
    if (word !== undefined) {
      harness = resolveHarness(word);
      if (!harness) r.error(valueAt(harnessField), unknownHarness(word));
      else if (harness !== word) harnessAlias = word;
    }
  }

  const modelField = get('model');
  const model = modelField ? asString(r, modelField) : undefined;
  const modeField = get('mode');
  const mode = (modeField ? asEnum(r, modeField, AGENT_MODES, '`mode`') : undefined) ?? 'interactive';

  // prompt | instructions: two spellings of one field.
  const promptField = get('prompt');
  const instructionsField = get('instructions');
  if (promptField && instructionsField) {
    const later = r.source.position(promptField.keyAt).line > r.source.position(instructionsField.keyAt).line ? promptField : instructionsField;
    r.error(later.keyAt, '`prompt` and `instructions` are the same field; set only one');
  }
  const promptSource = promptField ?? instructionsField;
  const prompt = promptSource ? readPrompt(r, promptSource, env) : undefined;

  // command: required for harness `command`, meaningless for every other harness.
  let command: string[] | undefined;
  const commandField = get('command');
  if (harness === 'command') {
    if (!commandField) missing(r, node, at, path, 'command', ' (harness `command` runs it)');
    else command = readCommand(r, commandField);
  } else if (commandField && harness) {
    r.error(commandField.keyAt, `\`${commandField.path}\` is only used with \`harness: command\` (this agent's harness is \`${harness}\`)`);
  }

  const toolsField = get('tools');
  const tools = toolsField ? readTools(r, toolsField) : undefined;

  const sandboxField = get('sandbox');
  const sandbox = sandboxField ? readSandbox(r, sandboxField) : defaultSandbox();

  const credentialsField = get('credentials');
  const credentials = credentialsField ? readCredentials(r, credentialsField, env) : [];

  const policiesField = get('policies');
  const policies = policiesField ? readPolicies(r, policiesField, env) : [];

  const envField = get('env');
  const envNames = envField ? readEnv(r, envField, credentials) : [];

  const paramsField = get('params');
  const params = paramsField ? readParams(r, paramsField) : {};

  const subField = get('sub_agents');
  const subAgents = subField ? readSubAgents(r, subField, env) : [];

  if (r.sink.errors.length > errorsBefore || name === undefined || harness === undefined) return undefined;

  const spec: AgentSpec = {
    name,
    harness,
    ...(harnessAlias !== undefined && { harnessAlias }),
    ...(model !== undefined && { model }),
    mode,
    ...(prompt?.text !== undefined && { prompt: prompt.text }),
    ...(prompt?.file !== undefined && { promptFile: prompt.file }),
    ...(command !== undefined && { command }),
    ...(tools !== undefined && { tools }),
    subAgents,
    sandbox,
    credentials,
    policies,
    env: envNames,
    params,
    file: env.file,
    dir: env.dir,
    at: r.source.position(startOf(node, at)),
  };
  specMeta.set(spec, { inline, explicitSandbox: sandboxField !== undefined, explicitEnv: envField !== undefined });
  return spec;
}

function readName(r: Reader, field: Field): string | undefined {
  const name = asString(r, field);
  if (name === undefined) return undefined;
  if (!NAME_PATTERN.test(name)) {
    r.error(valueAt(field), `invalid name \`${name}\`: use lowercase letters, digits, \`-\` and \`_\`, starting with a letter or digit`);
    return undefined;
  }
  return name;
}

function readPrompt(r: Reader, field: Field, env: SpecEnv): { text?: string; file?: string } | undefined {
  const v = field.value;
  let file: string | undefined;
  let fileAt: Locatable = valueAt(field);
  if (isMap(v)) {
    // `{ file: path }` says "this is a path" outright, for paths the heuristic below would miss.
    const sub = readFields(r, v, field.path, PROMPT_FILE_KEYS);
    const fileField = sub.get('file');
    if (!fileField) {
      r.error(v, `missing required field \`file\` in \`${field.path}\``);
      return undefined;
    }
    file = asString(r, fileField);
    fileAt = valueAt(fileField);
    if (file === undefined) return undefined;
  } else if (isScalar(v) && typeof v.value === 'string') {
    const text = asString(r, field);
    if (text === undefined) return undefined;
    // A single word ending in .md/.txt/… or starting with ./ ../ ~/ is a file; anything else is the text.
    if (!looksLikePromptFile(text)) return { text };
    file = text;
  } else {
    r.error(valueAt(field), `\`${field.path}\` must be text, a file path or \`{ file: path }\`, got ${describe(v)}`);
    return undefined;
  }
  const abs = resolvePath(env.dir, file);
  if (!isFile(abs)) {
    r.error(fileAt, `${field.key} file \`${file}\` not found (looked for ${abs})`);
    return undefined;
  }
  try {
    return { text: readFileSync(abs, 'utf8'), file: abs };
  } catch (err) {
    r.error(fileAt, `cannot read ${field.key} file \`${file}\`: ${(err as Error).message}`);
    return undefined;
  }
}

function readCommand(r: Reader, field: Field): string[] | undefined {
  const v = field.value;
  if (isSeq(v)) {
    const argv = asStringList(r, field);
    if (!argv) return undefined;
    if (argv.length === 0) {
      r.error(valueAt(field), `\`${field.path}\` must not be empty`);
      return undefined;
    }
    return argv.map((a) => a.value);
  }
  if (isScalar(v) && typeof v.value === 'string') {
    const line = asString(r, field);
    // A string is a shell command line; a list is an argv run without a shell.
    return line === undefined ? undefined : ['/bin/sh', '-c', line];
  }
  r.error(valueAt(field), `\`${field.path}\` must be a command line (string) or an argv list, got ${describe(v)}`);
  return undefined;
}

function readTools(r: Reader, field: Field): string[] | undefined {
  const list = asStringList(r, field);
  if (!list) return undefined;
  const tools: string[] = [];
  for (const { value, field: item } of list) {
    if ((TOOLS as readonly string[]).includes(value) || MCP_TOOL.test(value)) {
      if (!tools.includes(value)) tools.push(value);
      continue;
    }
    r.error(valueAt(item), `unknown tool \`${value}\`; ${suggestion(value, TOOLS)} (or \`mcp__server\` / \`mcp__server__tool\`)`);
  }
  return tools;
}

function readSandbox(r: Reader, field: Field): SandboxSpec {
  const sandbox = defaultSandbox();
  const v = field.value;
  if (isScalar(v) && typeof v.value === 'string') {
    // Shorthand: `sandbox: none` (or another mode) instead of `sandbox: { mode: none }`.
    const mode = asEnum(r, field, SANDBOX_MODES, 'sandbox mode');
    if (mode) sandbox.mode = mode;
    return sandbox;
  }
  if (!isMap(v)) {
    r.error(valueAt(field), `\`${field.path}\` must be a mapping or one of ${SANDBOX_MODES.join(', ')}, got ${describe(v)}`);
    return sandbox;
  }
  const f = readFields(r, v, field.path, SANDBOX_KEYS);
  const modeField = f.get('mode');
  if (modeField) sandbox.mode = asEnum(r, modeField, SANDBOX_MODES, '`sandbox.mode`') ?? sandbox.mode;
  const networkField = f.get('network');
  if (networkField) sandbox.network = asEnum(r, networkField, NETWORK_MODES, '`sandbox.network`') ?? sandbox.network;
  for (const key of ['read', 'write'] as const) {
    const listField = f.get(key);
    if (!listField) continue;
    sandbox[key] = (asStringList(r, listField) ?? []).map((x) => x.value);
    if (sandbox.mode === 'none' && sandbox[key].length > 0) {
      r.error(listField.keyAt, `\`${listField.path}\` has no effect with \`sandbox.mode: none\``);
    }
  }
  const socketsField = f.get('allow_unix_sockets');
  if (socketsField) {
    if (isSeq(socketsField.value)) sandbox.allowUnixSockets = (asStringList(r, socketsField) ?? []).map((x) => x.value);
    else if (isScalar(socketsField.value) && typeof socketsField.value.value === 'boolean') sandbox.allowUnixSockets = socketsField.value.value;
    else r.error(valueAt(socketsField), `\`${socketsField.path}\` must be true, false or a list of socket paths, got ${describe(socketsField.value)}`);
  }
  const bestEffortField = f.get('best_effort');
  if (bestEffortField) sandbox.bestEffort = asBoolean(r, bestEffortField) ?? false;
  if (sandbox.mode === 'none' && sandbox.network === 'none' && networkField) {
    r.error(valueAt(networkField), '`sandbox.network: none` needs a sandbox to enforce it, but `sandbox.mode` is `none`');
  }
  return sandbox;
}

const HOST_PATTERN = /^(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::\d{1,5})?$/;

function readCredentials(r: Reader, field: Field, env: SpecEnv): CredentialSpec[] {
  const seq = asSeq(r, field);
  if (!seq) return [];
  const out: CredentialSpec[] = [];
  const seen = new Map<string, Field>();
  for (const item of items(r, seq, field.path)) {
    if (!isMap(item.value)) {
      r.error(valueAt(item), `\`${item.path}\` must be a mapping like \`{ name: API_KEY, hosts: [api.example.com] }\`, got ${describe(item.value)}`);
      continue;
    }
    const f = readFields(r, item.value, item.path, CREDENTIAL_KEYS);
    const nameField = f.get('name');
    let name: string | undefined;
    if (!nameField) r.error(item.value, `missing required field \`name\` in \`${item.path}\``);
    else {
      name = asString(r, nameField);
      if (name !== undefined && !ENV_NAME_PATTERN.test(name)) {
        r.error(valueAt(nameField), `invalid credential name \`${name}\`: it is an environment variable name (letters, digits, \`_\`)`);
        name = undefined;
      }
      if (name !== undefined) {
        if (seen.has(name)) r.error(valueAt(nameField), `duplicate credential \`${name}\``);
        seen.set(name, nameField);
      }
    }
    const hostsField = f.get('hosts');
    const hosts: string[] = [];
    if (!hostsField) r.error(item.value, `missing required field \`hosts\` in \`${item.path}\` (where the secret may be sent)`);
    else {
      const list = asStringList(r, hostsField);
      if (list && list.length === 0) r.error(valueAt(hostsField), `\`${hostsField.path}\` must list at least one host`);
      for (const h of list ?? []) {
        if (HOST_PATTERN.test(h.value)) hosts.push(h.value.toLowerCase());
        else r.error(valueAt(h.field), `invalid host \`${h.value}\`: expected a host name like \`api.example.com\` or \`*.example.com\``);
      }
    }
    const sourceField = f.get('source');
    let source: CredentialSpec['source'] | undefined = name !== undefined ? { kind: 'env', env: name } : undefined;
    if (sourceField) source = readCredentialSource(r, sourceField, env);
    if (name !== undefined && source) out.push({ name, hosts, source, at: r.source.position(item.value) });
  }
  return out;
}

function readCredentialSource(r: Reader, field: Field, env: SpecEnv): CredentialSpec['source'] | undefined {
  const map = asMap(r, field);
  if (!map) return undefined;
  const f = readFields(r, map, field.path, CREDENTIAL_SOURCE_KEYS);
  const envField = f.get('env');
  const fileField = f.get('file');
  if (envField && fileField) {
    r.error(map, `\`${field.path}\` takes one of \`env\` or \`file\`, not both`);
    return undefined;
  }
  if (envField) {
    const name = asString(r, envField);
    if (name === undefined) return undefined;
    if (!ENV_NAME_PATTERN.test(name)) {
      r.error(valueAt(envField), `invalid environment variable name \`${name}\``);
      return undefined;
    }
    return { kind: 'env', env: name };
  }
  if (fileField) {
    const file = asString(r, fileField);
    if (file === undefined) return undefined;
    const abs = resolvePath(env.dir, file);
    // Secrets are often provisioned right before a run, so a missing file is only worth a warning.
    if (!existsSync(abs)) r.warn(valueAt(fileField), `credential source file \`${file}\` does not exist yet (${abs}); it is read when a session starts`);
    return { kind: 'file', path: abs };
  }
  if (map.items.length === 0) r.error(map, `\`${field.path}\` needs \`env: VAR\` or \`file: path\``);
  return undefined;
}

function readPolicies(r: Reader, field: Field, env: SpecEnv): PolicyRef[] {
  const seq = asSeq(r, field);
  if (!seq) return [];
  const out: PolicyRef[] = [];
  for (const item of items(r, seq, field.path)) {
    const v = item.value;
    if (isScalar(v) && typeof v.value === 'string') {
      const rel = asString(r, item);
      if (rel === undefined) continue;
      const abs = resolvePath(env.dir, rel);
      if (!isFile(abs)) {
        r.error(valueAt(item), `policy file \`${rel}\` not found (looked for ${abs})`);
        continue;
      }
      out.push({ kind: 'file', path: abs, at: r.source.position(v) });
    } else if (isMap(v)) {
      // Inline rules stay raw: the policy engine owns their format and validates them itself.
      out.push({ kind: 'inline', rule: r.source.toJS(v), node: v, source: r.source, at: r.source.position(v) });
    } else {
      r.error(valueAt(item), `\`${item.path}\` must be a policy file path or an inline rule (a mapping), got ${describe(v)}`);
    }
  }
  return out;
}

const ENV_ENTRY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*\*?$/;

function envMatches(entry: string, name: string): boolean {
  return entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) : entry === name;
}

function readEnv(r: Reader, field: Field, credentials: CredentialSpec[]): string[] {
  const list = asStringList(r, field) ?? [];
  const out: string[] = [];
  for (const { value, field: item } of list) {
    if (!ENV_ENTRY_PATTERN.test(value)) {
      r.error(valueAt(item), `invalid environment variable name \`${value}\` (letters, digits, \`_\`; a trailing \`*\` matches a prefix)`);
      continue;
    }
    // Passing a credential's variable through would hand the agent the real secret instead of its placeholder.
    const leaked = credentials.find((c) => envMatches(value, c.name) || (c.source.kind === 'env' && envMatches(value, c.source.env)));
    if (leaked) {
      r.error(valueAt(item), `\`${value}\` would pass credential \`${leaked.name}\`'s real secret to the agent; credentials reach it only as placeholders`);
      continue;
    }
    if (!out.includes(value)) out.push(value);
  }
  return out;
}

function readParams(r: Reader, field: Field): Record<string, unknown> {
  const map = asMap(r, field);
  if (!map) return {};
  const out: Record<string, unknown> = {};
  for (const pair of map.items) {
    const key = r.source.resolve(pair.key);
    if (!isScalar(key) || typeof key.value !== 'string') {
      r.error(pair, `keys of \`${field.path}\` must be plain names, got ${describe(key)}`);
      continue;
    }
    out[key.value] = r.source.toJS(r.source.resolve(pair.value));
  }
  return out;
}

function readSubAgents(r: Reader, field: Field, env: SpecEnv): AgentSpec[] {
  const seq = asSeq(r, field);
  if (!seq) return [];
  const out: AgentSpec[] = [];
  const seen = new Map<string, Field>();
  for (const item of items(r, seq, field.path)) {
    const v = item.value;
    let spec: AgentSpec | undefined;
    if (isScalar(v) && typeof v.value === 'string') {
      const word = asString(r, item);
      if (word === undefined) continue;
      const harness = resolveHarness(word);
      if (harness) {
        if (harness === 'command') {
          r.error(valueAt(item), `sub-agent \`${word}\` needs a \`command\`; write it as a mapping: \`{ name: …, harness: command, command: … }\``);
          continue;
        }
        // A bare harness name: an inline sub-agent of that harness, named after it.
        spec = bareSubAgent(r, item, word, harness, env);
      } else if (isSpecPath(word)) {
        spec = env.loadSubAgentFile(resolvePath(env.dir, word), r, item);
      } else {
        r.error(valueAt(item), `sub-agent \`${word}\` is neither a harness nor a spec file (.yaml/.yml); ${harnessHint(word)}`);
        continue;
      }
    } else if (isMap(v)) {
      spec = readSpec(r, v, item.keyAt, item.path, env, true);
    } else {
      r.error(valueAt(item), `\`${item.path}\` must be a harness name, a spec file path or a mapping, got ${describe(v)}`);
      continue;
    }
    if (!spec) continue;
    const first = seen.get(spec.name);
    if (first) {
      const p = r.source.position(valueAt(first));
      r.error(valueAt(item), `duplicate sub-agent name \`${spec.name}\` (first used at ${p.line}:${p.col})`);
      continue;
    }
    seen.set(spec.name, item);
    out.push(spec);
  }
  return out;
}

function bareSubAgent(r: Reader, item: Field, word: string, harness: HarnessName, env: SpecEnv): AgentSpec | undefined {
  if (!NAME_PATTERN.test(word)) {
    r.error(valueAt(item), `invalid name \`${word}\`: use lowercase letters, digits, \`-\` and \`_\``);
    return undefined;
  }
  const spec: AgentSpec = {
    name: word,
    harness,
    ...(harness !== word && { harnessAlias: word }),
    mode: 'interactive',
    subAgents: [],
    sandbox: defaultSandbox(),
    credentials: [],
    policies: [],
    env: [],
    params: {},
    file: env.file,
    dir: env.dir,
    at: r.source.position(valueAt(item)),
  };
  specMeta.set(spec, { inline: true, explicitSandbox: false, explicitEnv: false });
  return spec;
}
