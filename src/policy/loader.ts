// Policy files: a `policies:` list (optionally with per-phase `defaults:`), a bare list of rules,
// or a single rule at top level. Every problem comes back as a `file:line:col` diagnostic; nothing
// half-loads.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Document, LineCounter } from 'yaml';
import { DiagnosticError, suggestion, type Diagnostic } from '../util/diagnostic.js';
import { YamlSource } from '../util/yaml-source.js';
import { describe } from './conditions/common.js';
import { compileRule, type CompiledRule } from './rules.js';
import { Diags, Src, type Origin } from './source.js';
import { PHASES, type Level, type Phase, type Verdict } from './types.js';

export type PhaseDefaults = Partial<Record<Phase, Exclude<Verdict, 'redact'>>>;

export interface PolicySet {
  rules: CompiledRule[];
  defaults: PhaseDefaults;
  /** Files the rules came from (so the sandbox can keep them read-only). */
  files: string[];
}

export interface LoadResult extends PolicySet {
  diagnostics: Diagnostic[];
}

const DEFAULT_VERDICTS = ['allow', 'warn', 'ask', 'deny'] as const;
const FILE_KEYS = ['policies', 'defaults', 'description'];

/** Would a parsed YAML document be a policy file? (For `bridle validate`'s registry.) */
export function claimsPolicyDocument(value: unknown): boolean {
  if (Array.isArray(value)) return true;
  if (value === null || typeof value !== 'object') return false;
  const o = value as Record<string, unknown>;
  if ('policies' in o && !('harness' in o) && !('prompt' in o)) return true;
  return 'action' in o && !('harness' in o);
}

function parseYaml(text: string, file: string): { doc: Document; origin: Origin; diags: Diags } {
  const source = YamlSource.parse(file, text);
  const { doc, lineCounter } = source;
  const origin: Origin = { file, lineCounter, doc };
  const diags = new Diags();
  for (const err of doc.errors) diags.list.push({ ...source.offsetPosition(err.pos[0]), message: err.message.split('\n')[0]! });
  return { doc, origin, diags };
}

function parseDefaults(src: Src, diags: Diags): PhaseDefaults {
  const out: PhaseDefaults = {};
  if (!src.isMap()) {
    diags.error(src, `\`defaults\`: expected a map of phase: verdict, got ${describe(src.value)}`);
    return out;
  }
  for (const [k, v] of src.entries()) {
    if (!(PHASES as readonly string[]).includes(k)) {
      diags.error(v, `unknown phase \`${k}\`; ${suggestion(k, PHASES)}`, 'key');
      continue;
    }
    const verdict = v.value;
    if (typeof verdict !== 'string' || !(DEFAULT_VERDICTS as readonly string[]).includes(verdict)) {
      diags.error(v, `\`defaults.${k}\`: expected one of ${DEFAULT_VERDICTS.join(', ')}, got ${describe(verdict)}`);
      continue;
    }
    out[k as Phase] = verdict as (typeof DEFAULT_VERDICTS)[number];
  }
  return out;
}

function compileList(items: Src[], level: Level, diags: Diags, session: boolean): CompiledRule[] {
  const rules: CompiledRule[] = [];
  const names = new Map<string, string>();
  items.forEach((item, index) => {
    const rule = compileRule(item, { level, diags, index, session });
    if (!rule) return;
    const prev = names.get(rule.name);
    if (prev !== undefined) {
      diags.error(item.get('name') ?? item, `duplicate rule name \`${rule.name}\` (first at ${prev}); names key the rule's state`);
      return;
    }
    names.set(rule.name, rule.source ?? '');
    rules.push(rule);
  });
  return rules;
}

/** Compile a whole document (already parsed) in any of the three file forms. */
export function compileDocument(root: Src, level: Level, diags: Diags, session = false): PolicySet {
  const empty: PolicySet = { rules: [], defaults: {}, files: [root.file] };
  const v = root.value;
  if (v === null || v === undefined) {
    diags.error(root, 'empty policy file: expected `policies:`, a list of rules, or one rule');
    return empty;
  }
  if (root.isSeq()) return { ...empty, rules: compileList(root.items(), level, diags, session) };
  if (!root.isMap()) {
    diags.error(root, `expected \`policies:\`, a list of rules, or one rule; got ${describe(v)}`);
    return empty;
  }
  const list = root.get('policies');
  if (!list) return { ...empty, rules: compileList([root], level, diags, session) };
  for (const [k, s] of root.entries()) {
    if (!FILE_KEYS.includes(k)) diags.error(s, `unknown top-level key \`${k}\`; ${suggestion(k, FILE_KEYS)}`, 'key');
  }
  const defaultsSrc = root.get('defaults');
  const defaults = defaultsSrc ? parseDefaults(defaultsSrc, diags) : {};
  if (list.value === null) return { ...empty, defaults };
  if (!list.isSeq()) {
    diags.error(list, `\`policies\`: expected a list of rules, got ${describe(list.value)}`);
    return { ...empty, defaults };
  }
  return { ...empty, defaults, rules: compileList(list.items(), level, diags, session) };
}

/** Parse and compile policy YAML text. Never throws on bad input: check `diagnostics`. */
export function parsePolicyText(text: string, file: string, level: Level = 'agent', opts: { session?: boolean } = {}): LoadResult {
  const { doc, origin, diags } = parseYaml(text, file);
  if (diags.count > 0) return { rules: [], defaults: {}, files: [file], diagnostics: diags.list };
  const set = compileDocument(Src.fromNode(doc.contents, origin), level, diags, opts.session ?? false);
  return diags.count > 0 ? { rules: [], defaults: {}, files: [file], diagnostics: diags.list } : { ...set, diagnostics: [] };
}

/** Load one policy file; throws DiagnosticError listing every problem. */
export function loadPolicyFile(file: string, level: Level = 'agent'): PolicySet {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DiagnosticError([{ file, line: 1, col: 1, message: `cannot read policy file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }]);
  }
  const r = parsePolicyText(text, file, level);
  if (r.diagnostics.length > 0) throw new DiagnosticError(r.diagnostics);
  return { rules: r.rules, defaults: r.defaults, files: [path.resolve(file)] };
}

/** Load several files at one level. Defaults merge strictest-wins; every file's errors are reported. */
export function loadPolicyFiles(files: readonly string[], level: Level = 'agent'): PolicySet {
  const out: PolicySet = { rules: [], defaults: {}, files: [] };
  const problems: Diagnostic[] = [];
  for (const f of files) {
    try {
      const s = loadPolicyFile(f, level);
      out.rules.push(...s.rules);
      out.defaults = mergeDefaults(out.defaults, s.defaults);
      out.files.push(...s.files);
    } catch (err) {
      if (!(err instanceof DiagnosticError)) throw err;
      problems.push(...err.diagnostics);
    }
  }
  if (problems.length > 0) throw new DiagnosticError(problems);
  return out;
}

const DEFAULT_RANK = { allow: 0, warn: 1, ask: 2, deny: 3 } as const;
export function mergeDefaults(a: PhaseDefaults, b: PhaseDefaults): PhaseDefaults {
  const out: PhaseDefaults = { ...a };
  for (const [p, v] of Object.entries(b) as [Phase, (typeof DEFAULT_VERDICTS)[number]][]) {
    const cur = out[p];
    if (cur === undefined || DEFAULT_RANK[v] > DEFAULT_RANK[cur]) out[p] = v;
  }
  return out;
}

/** `bridle validate` for a policy file: every problem, positioned. */
export function validatePolicyFile(file: string): Diagnostic[] {
  try {
    loadPolicyFile(file);
    return [];
  } catch (err) {
    if (err instanceof DiagnosticError) return err.diagnostics;
    throw err;
  }
}

/**
 * For the agent spec loader: its `policies:` value, already parsed, holds file paths (resolved
 * against the spec's directory) and/or inline rule maps (compiled here at agent level).
 */
export function compilePolicyNode(
  node: unknown,
  origin: { file: string; lineCounter: LineCounter; doc?: Document },
  level: Level = 'agent',
): { rules: CompiledRule[]; files: { path: string; line: number; col: number }[]; diagnostics: Diagnostic[] } {
  const diags = new Diags();
  const root = Src.fromNode(node, origin);
  const items = root.isSeq() ? root.items() : [root];
  const files: { path: string; line: number; col: number }[] = [];
  const maps: Src[] = [];
  for (const item of items) {
    const v = item.value;
    if (typeof v === 'string') {
      const p = item.at();
      files.push({ path: path.resolve(path.dirname(origin.file), v), line: p.line, col: p.col });
    } else if (item.isMap()) maps.push(item);
    else diags.error(item, `\`policies\`: expected a policy file path or a rule map, got ${describe(v)}`);
  }
  const rules = compileList(maps, level, diags, false);
  return { rules: diags.count > 0 ? [] : rules, files, diagnostics: diags.list };
}
