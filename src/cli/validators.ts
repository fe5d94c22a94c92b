// What `bridle validate` can check. Each validator claims the files it understands; the first
// one that claims a file validates it. ORDER MATTERS: the agent-spec validator claims every
// file, so it must stay last — put more specific validators (policy files) before it.
//
// Adding one: export a `FileValidator` from your module, then add one import and one entry here.
import type { Diagnostic } from '../util/diagnostic.js';
import type { YamlSource } from '../util/yaml-source.js';
import { specValidator } from '../spec/validator.js';
import { policyValidator } from '../policy/validator.js';

/** A diagnostic with a severity; plain Diagnostics (no severity) count as errors. */
export interface Finding extends Diagnostic {
  severity?: 'error' | 'warning';
}

export interface ValidateContext {
  /** Directory the user's file names are relative to. */
  cwd: string;
}

export interface FileValidator {
  /** What this validator checks, e.g. `agent spec`; shown in messages. */
  kind: string;
  /** Which files it claims, in words, for `bridle validate --help`. */
  recognizes: string;
  /**
   * Whether this validator owns the file. Called only for files that parsed without YAML syntax
   * errors; look at the top level (`source.root`) only, and be cheap.
   */
  claims(source: YamlSource): boolean;
  /**
   * Every problem in the file, all at once. `source.file` is the name to put in diagnostics (the
   * file as the user wrote it); `path.resolve(ctx.cwd, source.file)` is the file on disk.
   */
  validate(source: YamlSource, ctx: ValidateContext): Finding[] | Promise<Finding[]>;
}

export const validators: readonly FileValidator[] = [
  policyValidator,
  specValidator,
];
