// Loading and validating a model-server script: YAML in, typed turns out, or every problem at
// once as `file:line:col: message` (positions come from the yaml package's node ranges).
//
// A script is either a list of turns or a mapping `{ turns: [...], fallback: "..." }`.
// Each turn is a matcher plus a reply; see match.ts for how a request picks its turn and
// README.md in this folder for the user-facing description.
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, stringify, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { DiagnosticError, suggestion, type Diagnostic } from '../util/diagnostic.js';
import { YamlSource } from '../util/yaml-source.js';

/** Token figures a reply reports; any figure left out is estimated from the traffic. */
export interface UsageSpec {
  input_tokens?: number;
  output_tokens?: number;
  /** Reported as Anthropic `cache_read_input_tokens` / OpenAI `cached_tokens`. */
  cache_read_input_tokens?: number;
}

export interface ToolCallSpec {
  /** The tool's name exactly as the client declared it (e.g. `Bash`, `shell`, `apply_patch`). */
  name: string;
  /**
   * Arguments. A mapping is sent as JSON arguments. A string is sent verbatim where the wire
   * carries text (OpenAI `arguments`, freeform custom tools) and parsed as JSON for Anthropic.
   */
  input: Record<string, unknown> | string;
}

export interface ErrorSpec {
  status: number;
  /** API error type, e.g. `overloaded_error`, `rate_limit_error`. */
  type: string;
  message: string;
}

export interface ReplySpec {
  text?: string;
  tool_calls: ToolCallSpec[];
  usage: UsageSpec;
  /** Answer with an HTTP error in the API's own error shape instead of a message. */
  error?: ErrorSpec;
}

/** What part of the conversation a turn looks at. `any` (no matcher) answers any request. */
export type MatchOn = 'any' | 'user' | 'tool_result';

export interface Matcher {
  on: MatchOn;
  /** Substring the text must contain (case-sensitive; empty matches anything of that kind). */
  substring?: string;
  regex?: RegExp;
  /** Substring the request's `model` must contain. */
  model?: string;
}

export interface Turn {
  /** 1-based position in the script, used in logs and fallback messages. */
  index: number;
  name?: string;
  match: Matcher;
  /** A `once` turn answers one request and is then used up (the default). */
  once: boolean;
  reply: ReplySpec;
  /** Where the turn starts, for messages. */
  line: number;
}

export interface Script {
  file: string;
  turns: Turn[];
  /** Text answered when no turn matches; the server composes a diagnostic text otherwise. */
  fallback?: string;
}

const SCRIPT_KEYS = ['turns', 'fallback'] as const;
const TURN_KEYS = ['name', 'user', 'user_regex', 'tool_result', 'tool_result_regex', 'model', 'once', 'reply'] as const;
const REPLY_KEYS = ['text', 'tool_calls', 'usage', 'error'] as const;
const TOOL_CALL_KEYS = ['name', 'input'] as const;
const USAGE_KEYS = ['input_tokens', 'output_tokens', 'cache_read_input_tokens'] as const;
const ERROR_KEYS = ['status', 'type', 'message'] as const;
const MATCHER_KEYS = ['user', 'user_regex', 'tool_result', 'tool_result_regex'] as const;

/** Compiles `pattern` or `/pattern/flags`. Throws SyntaxError on a bad pattern. */
function compileRegex(source: string): RegExp {
  const literal = /^\/(.*)\/([dgimsuvy]*)$/s.exec(source);
  if (literal) return new RegExp(literal[1]!, literal[2]!.replace(/[gy]/g, ''));
  return new RegExp(source);
}

/** Validation state for one file: collects diagnostics instead of stopping at the first. */
class Checker {
  readonly diagnostics: Diagnostic[] = [];
  readonly file: string;
  readonly doc: Document;
  constructor(private readonly source: YamlSource) {
    this.file = source.file;
    this.doc = source.doc;
  }

  at(offset: number): { line: number; col: number } {
    const pos = this.source.offsetPosition(offset);
    // linePos reports line 0 before the first newline has been seen; clamp to 1-based.
    return { line: Math.max(1, pos.line), col: Math.max(1, pos.col) };
  }

  report(node: Node | null | undefined, fallbackOffset: number, message: string): void {
    const offset = node?.range?.[0] ?? fallbackOffset;
    this.diagnostics.push({ file: this.file, ...this.at(offset), message });
  }

  resolve(node: unknown): Node | null {
    return this.source.resolve(node);
  }

  /** The entries of a mapping as [key, keyNode, valueNode]; unknown keys are reported. */
  entries(map: YAMLMap, known: readonly string[], where: string): Array<[string, Node, Node | null]> {
    const out: Array<[string, Node, Node | null]> = [];
    for (const pair of map.items as Array<Pair<unknown, unknown>>) {
      const keyNode = pair.key as Node;
      const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
      if (key === undefined) {
        this.report(keyNode, map.range?.[0] ?? 0, `${where}: keys must be plain names`);
        continue;
      }
      if (!known.includes(key)) {
        this.report(keyNode, map.range?.[0] ?? 0, `${where}: unknown key \`${key}\`; ${suggestion(key, known)}`);
        continue;
      }
      out.push([key, keyNode, this.resolve(pair.value)]);
    }
    return out;
  }

  string(value: Node | null, key: Node, what: string): string | undefined {
    if (isScalar(value) && typeof value.value === 'string') return value.value;
    // Numbers and booleans written where text is expected are almost always meant as text.
    if (isScalar(value) && (typeof value.value === 'number' || typeof value.value === 'boolean')) return String(value.value);
    this.report(value, key.range?.[0] ?? 0, `${what} must be a string`);
    return undefined;
  }

  count(value: Node | null, key: Node, what: string): number | undefined {
    if (isScalar(value) && typeof value.value === 'number' && Number.isInteger(value.value) && value.value >= 0) {
      return value.value;
    }
    this.report(value, key.range?.[0] ?? 0, `${what} must be a whole number >= 0`);
    return undefined;
  }
}

function checkUsage(c: Checker, node: Node | null, key: Node): UsageSpec {
  const usage: UsageSpec = {};
  if (!isMap(node)) {
    c.report(node, key.range?.[0] ?? 0, '`usage` must be a mapping like { input_tokens: 100, output_tokens: 20 }');
    return usage;
  }
  for (const [k, kNode, v] of c.entries(node, USAGE_KEYS, 'usage')) {
    const n = c.count(v, kNode, `\`usage.${k}\``);
    if (n !== undefined) usage[k as keyof UsageSpec] = n;
  }
  return usage;
}

function checkError(c: Checker, node: Node | null, key: Node): ErrorSpec | undefined {
  if (!isMap(node)) {
    c.report(node, key.range?.[0] ?? 0, '`error` must be a mapping like { status: 529, type: overloaded_error, message: "..." }');
    return undefined;
  }
  const spec: ErrorSpec = { status: 500, type: 'api_error', message: 'scripted error' };
  for (const [k, kNode, v] of c.entries(node, ERROR_KEYS, 'error')) {
    if (k === 'status') {
      const n = c.count(v, kNode, '`error.status`');
      if (n !== undefined && (n < 400 || n > 599)) c.report(v, kNode.range?.[0] ?? 0, '`error.status` must be an HTTP error status (400-599)');
      else if (n !== undefined) spec.status = n;
    } else {
      const s = c.string(v, kNode, `\`error.${k}\``);
      if (s !== undefined) spec[k as 'type' | 'message'] = s;
    }
  }
  return spec;
}

function checkToolCalls(c: Checker, node: Node | null, key: Node): ToolCallSpec[] {
  if (!isSeq(node)) {
    c.report(node, key.range?.[0] ?? 0, '`tool_calls` must be a list like [{ name: Bash, input: { command: ls } }]');
    return [];
  }
  const calls: ToolCallSpec[] = [];
  for (const raw of node.items) {
    const item = c.resolve(raw);
    if (!isMap(item)) {
      c.report(item, node.range?.[0] ?? 0, 'each tool call must be a mapping with `name` and `input`');
      continue;
    }
    let name: string | undefined;
    let sawName = false;
    const problemsBefore = c.diagnostics.length;
    let input: ToolCallSpec['input'] = {};
    for (const [k, kNode, v] of c.entries(item, TOOL_CALL_KEYS, 'tool call')) {
      if (k === 'name') {
        sawName = true;
        name = c.string(v, kNode, '`name`');
        if (name === '') c.report(v, kNode.range?.[0] ?? 0, '`name` must not be empty');
      } else if (isMap(v)) {
        input = v.toJS(c.doc) as Record<string, unknown>;
      } else if (isScalar(v) && typeof v.value === 'string') {
        input = v.value;
      } else if (!(isScalar(v) && v.value === null)) {
        c.report(v, kNode.range?.[0] ?? 0, '`input` must be a mapping of arguments (or a string for freeform tools)');
      }
    }
    if (name === undefined) {
      // A misspelt `name` key was already reported with a suggestion; don't say it twice.
      if (!sawName && c.diagnostics.length === problemsBefore) c.report(item, 0, 'tool call is missing `name`');
      continue;
    }
    if (name !== '') calls.push({ name, input });
  }
  return calls;
}

function checkReply(c: Checker, node: Node | null, key: Node): ReplySpec | undefined {
  if (!isMap(node)) {
    c.report(node, key.range?.[0] ?? 0, '`reply` must be a mapping with `text` and/or `tool_calls`');
    return undefined;
  }
  const reply: ReplySpec = { tool_calls: [], usage: {} };
  const problemsBefore = c.diagnostics.length;
  for (const [k, kNode, v] of c.entries(node, REPLY_KEYS, 'reply')) {
    if (k === 'text') {
      const s = c.string(v, kNode, '`text`');
      if (s !== undefined) reply.text = s;
    } else if (k === 'tool_calls') {
      reply.tool_calls = checkToolCalls(c, v, kNode);
    } else if (k === 'usage') {
      reply.usage = checkUsage(c, v, kNode);
    } else {
      reply.error = checkError(c, v, kNode);
    }
  }
  const hasContent = reply.text !== undefined || reply.tool_calls.length > 0;
  if (reply.error && hasContent) c.report(node, 0, 'a reply is either an `error` or a message (`text`, `tool_calls`), not both');
  // An empty reply is only worth reporting when nothing inside it was already reported.
  if (!reply.error && !hasContent && c.diagnostics.length === problemsBefore) {
    c.report(node, 0, 'a reply needs `text`, `tool_calls` or `error`');
  }
  return reply;
}

function checkTurn(c: Checker, node: Node | null, index: number, listOffset: number): Turn | undefined {
  if (!isMap(node)) {
    c.report(node, listOffset, `turn ${index} must be a mapping with a matcher (e.g. \`user\`) and a \`reply\``);
    return undefined;
  }
  const match: Matcher = { on: 'any' };
  let name: string | undefined;
  let once = true;
  let reply: ReplySpec | undefined;
  let matcherKey: string | undefined;
  for (const [k, kNode, v] of c.entries(node, TURN_KEYS, `turn ${index}`)) {
    if ((MATCHER_KEYS as readonly string[]).includes(k)) {
      if (matcherKey !== undefined) {
        c.report(kNode, 0, `turn ${index} already matches on \`${matcherKey}\`; a turn has at most one of ${MATCHER_KEYS.join(', ')}`);
        continue;
      }
      matcherKey = k;
      const s = c.string(v, kNode, `\`${k}\``);
      if (s === undefined) continue;
      match.on = k.startsWith('user') ? 'user' : 'tool_result';
      if (k.endsWith('_regex')) {
        try {
          match.regex = compileRegex(s);
        } catch (err) {
          c.report(v, kNode.range?.[0] ?? 0, `\`${k}\`: ${(err as Error).message}`);
        }
      } else {
        match.substring = s;
      }
    } else if (k === 'model') {
      const s = c.string(v, kNode, '`model`');
      if (s !== undefined) match.model = s;
    } else if (k === 'name') {
      name = c.string(v, kNode, '`name`');
    } else if (k === 'once') {
      if (isScalar(v) && typeof v.value === 'boolean') once = v.value;
      else c.report(v, kNode.range?.[0] ?? 0, '`once` must be true or false');
    } else {
      reply = checkReply(c, v, kNode);
    }
  }
  const hasReplyKey = node.items.some((p) => isScalar(p.key) && p.key.value === 'reply');
  if (!hasReplyKey) c.report(node, listOffset, `turn ${index} has no \`reply\``);
  if (!reply) return undefined;
  const turn: Turn = { index, match, once, reply, line: c.at(node.range?.[0] ?? 0).line };
  if (name !== undefined) turn.name = name;
  return turn;
}

/** Parses and validates script text. Throws DiagnosticError listing every problem. */
export function parseScript(text: string, file: string): Script {
  const source = YamlSource.parse(file, text);
  const { doc } = source;
  const c = new Checker(source);
  for (const err of doc.errors) c.report(null, err.pos[0], err.message);
  if (c.diagnostics.length > 0) throw new DiagnosticError(c.diagnostics);

  const root = c.resolve(doc.contents);
  const script: Script = { file, turns: [] };
  let turnsNode: Node | null = null;
  let turnsOffset = 0;
  if (isSeq(root)) {
    turnsNode = root;
  } else if (isMap(root)) {
    for (const [k, kNode, v] of c.entries(root, SCRIPT_KEYS, 'script')) {
      if (k === 'turns') {
        turnsNode = v;
        turnsOffset = kNode.range?.[0] ?? 0;
        if (!isSeq(v)) c.report(v, turnsOffset, '`turns` must be a list of turns');
      } else {
        const s = c.string(v, kNode, '`fallback`');
        if (s !== undefined) script.fallback = s;
      }
    }
    if (turnsNode === null && !c.diagnostics.length) c.report(root, 0, 'script has no `turns`');
  } else {
    c.report(root, 0, 'a script is a list of turns, or a mapping with `turns` (and optionally `fallback`)');
  }
  if (isSeq(turnsNode)) {
    turnsNode.items.forEach((raw, i) => {
      const turn = checkTurn(c, c.resolve(raw), i + 1, turnsNode.range?.[0] ?? turnsOffset);
      if (turn) script.turns.push(turn);
    });
  }
  if (c.diagnostics.length > 0) {
    c.diagnostics.sort((a, b) => a.line - b.line || a.col - b.col);
    throw new DiagnosticError(c.diagnostics);
  }
  return script;
}

/** Reads and validates a script file. Throws DiagnosticError (also for an unreadable file). */
export function loadScriptFile(file: string): Script {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DiagnosticError([{ file, line: 1, col: 1, message: `cannot read script: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }]);
  }
  return parseScript(text, file);
}

/** The shape scripts have before validation, for callers that build a script in code. */
export type ScriptSource = string | ScriptObject | TurnObject[];
export interface ScriptObject {
  turns: TurnObject[];
  fallback?: string;
}
export interface TurnObject {
  name?: string;
  user?: string;
  user_regex?: string;
  tool_result?: string;
  tool_result_regex?: string;
  model?: string;
  once?: boolean;
  reply: {
    text?: string;
    tool_calls?: Array<{ name: string; input?: Record<string, unknown> | string }>;
    usage?: UsageSpec;
    error?: Partial<ErrorSpec>;
  };
}

/**
 * Validates a script given as YAML text or as plain objects. Objects go through the same YAML
 * validation (after stringifying) so code-built scripts obey exactly the rules files do.
 */
export function scriptFrom(source: ScriptSource, file = '<script>'): Script {
  return parseScript(typeof source === 'string' ? source : stringify(source), file);
}
