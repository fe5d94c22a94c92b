// The agent-spec entry of `bridle validate`'s validator registry. It claims every file: anything
// a more specific validator (policy files) did not take is treated as an agent spec.
import type { FileValidator, Finding } from '../cli/validators.js';
import { checkSpecSource } from './loader.js';

export const specValidator: FileValidator = {
  kind: 'agent spec',
  recognizes: 'any file no other validator claims',
  claims: () => true,
  validate(source, ctx) {
    const result = checkSpecSource(source, { cwd: ctx.cwd });
    const findings: Finding[] = [
      ...result.diagnostics,
      ...result.warnings.map((w): Finding => ({ ...w, severity: 'warning' })),
    ];
    return findings;
  },
};
