// Loading spec files: reading and parsing, sub-agent spec files (with cycle detection), and the
// inheritance pass that runs once the whole agent tree is known.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DiagnosticError, type Diagnostic } from '../util/diagnostic.js';
import { YamlSource } from '../util/yaml-source.js';
import { readSpec, specMeta, type SpecEnv } from './fields.js';
import type { AgentSpec, PolicyRef } from './types.js';
import { Reader, valueAt, type Field, type Sink } from './yaml.js';

export interface SpecCheckOptions {
  /** Directory that file names in diagnostics are shown relative to; default `process.cwd()`. */
  cwd?: string;
}

export interface SpecCheck {
  /** The normalized spec; present exactly when `diagnostics` is empty. */
  spec?: AgentSpec;
  /** Errors, in every file the spec touches (sub-agent spec files included). */
  diagnostics: Diagnostic[];
  /** Problems that do not make the spec invalid (print them with a `warning:` prefix). */
  warnings: Diagnostic[];
}

/** Validates a spec file and returns every problem found; never throws for bad input. */
export function checkSpec(file: string, options: SpecCheckOptions = {}): SpecCheck {
  return new Loader(file, options).checkRoot();
}

/** Same as checkSpec, for a file the caller already parsed (the validate command does). */
export function checkSpecSource(source: YamlSource, options: SpecCheckOptions = {}): SpecCheck {
  return new Loader(source.file, options).checkRoot(source);
}

/** Loads a spec file, or throws a DiagnosticError carrying every error. */
export function loadSpec(file: string, options: SpecCheckOptions = {}): AgentSpec {
  const result = checkSpec(file, options);
  if (!result.spec) throw new DiagnosticError(result.diagnostics);
  return result.spec;
}

export function describeReadError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return err instanceof Error ? err.message : String(err);
}

class Loader {
  private readonly sink: Sink = { errors: [], warnings: [] };
  private readonly rootAbs: string;
  private readonly cwd: string;
  /** Files fully read in this load: the spec, or null when the file was invalid. */
  private readonly done = new Map<string, AgentSpec | null>();
  /** Files being read right now, outermost first: a path already here is a cycle. */
  private readonly stack: string[] = [];

  constructor(
    private readonly rootName: string,
    options: SpecCheckOptions,
  ) {
    this.cwd = path.resolve(options.cwd ?? process.cwd());
    this.rootAbs = path.resolve(this.cwd, rootName);
  }

  checkRoot(source?: YamlSource): SpecCheck {
    const raw = this.loadFile(this.rootAbs, source);
    const result: SpecCheck = { diagnostics: this.byPosition(this.sink.errors), warnings: this.byPosition(this.sink.warnings) };
    if (raw && this.sink.errors.length === 0) result.spec = inherit(raw, undefined);
    return result;
  }

  /** Reading order is field order, not line order; users read top to bottom, the root file first. */
  private byPosition(list: Diagnostic[]): Diagnostic[] {
    const fileOrder = new Map<string, number>([[this.rootName, 0]]);
    for (const d of list) if (!fileOrder.has(d.file)) fileOrder.set(d.file, fileOrder.size);
    return [...list].sort((a, b) => fileOrder.get(a.file)! - fileOrder.get(b.file)! || a.line - b.line || a.col - b.col);
  }

  /** How a file is named in messages: the root as the user wrote it, others in the same style. */
  private display(abs: string): string {
    if (abs === this.rootAbs) return this.rootName;
    if (path.isAbsolute(this.rootName)) return abs;
    return path.relative(this.cwd, abs) || abs;
  }

  private loadFile(abs: string, given?: YamlSource): AgentSpec | undefined {
    const cached = this.done.get(abs);
    if (cached !== undefined) return cached ?? undefined;
    let source = given;
    if (!source) {
      try {
        source = YamlSource.read(abs, this.display(abs));
      } catch (err) {
        this.sink.errors.push({ file: this.display(abs), line: 1, col: 1, message: `cannot read file: ${describeReadError(err)}` });
        this.done.set(abs, null);
        return undefined;
      }
    }
    this.sink.warnings.push(...source.warnings);
    const syntax = source.errors;
    if (syntax.length > 0) {
      // A document with syntax errors is only partly parsed; field errors on top would mislead.
      this.sink.errors.push(...syntax);
      this.done.set(abs, null);
      return undefined;
    }
    this.stack.push(abs);
    const env: SpecEnv = {
      file: abs,
      dir: path.dirname(abs),
      loadSubAgentFile: (subAbs, r, ref) => this.loadSubAgentFile(subAbs, r, ref),
    };
    const r = new Reader(source, this.sink);
    const spec = readSpec(r, source.root, source.root, '', env, false);
    this.stack.pop();
    this.done.set(abs, spec ?? null);
    return spec;
  }

  private loadSubAgentFile(abs: string, r: Reader, ref: Field): AgentSpec | undefined {
    const written = r.source.toJS(ref.value);
    if (this.stack.includes(abs)) {
      const loop = [...this.stack.slice(this.stack.indexOf(abs)), abs].map((p) => this.display(p));
      r.error(valueAt(ref), `sub-agent cycle: ${loop.join(' → ')}`);
      return undefined;
    }
    if (!existsSync(abs)) {
      r.error(valueAt(ref), `sub-agent spec \`${String(written)}\` not found (looked for ${abs})`);
      return undefined;
    }
    const spec = this.loadFile(abs);
    if (spec) return spec;
    r.error(valueAt(ref), `sub-agent spec \`${String(written)}\` is invalid (see its errors)`);
    return undefined;
  }
}

function samePolicy(a: PolicyRef, b: PolicyRef): boolean {
  if (a.kind === 'file' && b.kind === 'file') return a.path === b.path;
  return a === b;
}

/**
 * Governance flows down the tree: every sub-agent runs under its parent's policies (first) plus
 * its own, and an inline sub-agent that sets no `sandbox`/`env` takes its parent's. Nothing
 * vendor-specific (harness, model, credentials) or task-specific (prompt, tools, params) is
 * inherited. Builds new objects: a spec file reached twice may sit under different parents.
 */
function inherit(spec: AgentSpec, parent: AgentSpec | undefined): AgentSpec {
  const meta = specMeta.get(spec);
  const out: AgentSpec = { ...spec };
  if (parent) {
    const policies = [...parent.policies];
    for (const p of spec.policies) if (!policies.some((q) => samePolicy(p, q))) policies.push(p);
    out.policies = policies;
    if (meta?.inline && !meta.explicitSandbox) out.sandbox = { ...parent.sandbox, read: [...parent.sandbox.read], write: [...parent.sandbox.write] };
    if (meta?.inline && !meta.explicitEnv) out.env = [...parent.env];
  }
  out.subAgents = spec.subAgents.map((child) => inherit(child, out));
  return out;
}
