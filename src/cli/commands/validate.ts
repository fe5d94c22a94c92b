// `bridle validate FILE...` — check agent specs and policy files without running anything.
// Diagnostics go to stderr as `file:line:col: message`, `FILE: ok` lines to stdout.
import path from 'node:path';
import type { Command, CliIO } from '../command.js';
import { EXIT_FAIL, EXIT_OK, UsageError } from '../command.js';
import { formatDiagnostic } from '../../util/diagnostic.js';
import { YamlSource } from '../../util/yaml-source.js';
import { describeReadError } from '../../spec/loader.js';
import { validators, type Finding } from '../validators.js';

const usage = `Usage:
  bridle validate FILE...

Checks agent specs (and other Bridle YAML files) without running anything, and reports every
problem as \`file:line:col: message\` on stderr; valid files get a \`FILE: ok\` line on stdout.
Each file is checked by the first of these that claims it:
${validators.map((v) => `  ${v.kind}: ${v.recognizes}`).join('\n')}

Exit status: 0 all files valid, 1 some file invalid, 2 usage error.`;

/** Findings in position order: the file itself first, then files it references in first-seen order. */
function ordered(file: string, findings: Finding[]): Finding[] {
  const fileOrder = new Map<string, number>([[file, 0]]);
  for (const f of findings) if (!fileOrder.has(f.file)) fileOrder.set(f.file, fileOrder.size);
  return [...findings].sort((a, b) => fileOrder.get(a.file)! - fileOrder.get(b.file)! || a.line - b.line || a.col - b.col);
}

async function validateFile(file: string, cwd: string): Promise<Finding[]> {
  let source: YamlSource;
  try {
    source = YamlSource.read(path.resolve(cwd, file), file);
  } catch (err) {
    return [{ file, line: 1, col: 1, message: `cannot read file: ${describeReadError(err)}` }];
  }
  const warnings: Finding[] = source.warnings.map((w) => ({ ...w, severity: 'warning' }));
  const syntax = source.errors;
  // Which validator owns a file is decided from its structure, which a syntax error makes unreliable.
  if (syntax.length > 0) return [...syntax, ...warnings];
  const validator = validators.find((v) => v.claims(source));
  if (!validator) return [...warnings, { file, line: 1, col: 1, message: 'not a file bridle knows how to validate' }];
  return [...warnings, ...(await validator.validate(source, { cwd }))];
}

export const validateCommand: Command = {
  name: 'validate',
  usage,
  async run(argv: string[], io: CliIO) {
    const files: string[] = [];
    let optionsDone = false;
    for (const arg of argv) {
      if (!optionsDone && arg === '--') optionsDone = true;
      else if (!optionsDone && arg.startsWith('-')) {
        throw new UsageError(arg === '-' ? 'reading from stdin is not supported; pass file names' : `unknown option \`${arg}\``);
      } else files.push(arg);
    }
    if (files.length === 0) throw new UsageError('no files given');

    let failed = false;
    // A file reached twice (given directly and as another spec's sub-agent) reports its problems once.
    const printed = new Set<string>();
    for (const file of files) {
      const findings = ordered(file, await validateFile(file, io.cwd));
      let fileFailed = false;
      for (const f of findings) {
        const isWarning = f.severity === 'warning';
        if (!isWarning) fileFailed = true;
        const line = formatDiagnostic(isWarning ? { ...f, message: `warning: ${f.message}` } : f);
        if (printed.has(line)) continue;
        printed.add(line);
        io.stderr(`${line}\n`);
      }
      if (fileFailed) failed = true;
      else io.stdout(`${file}: ok\n`);
    }
    return failed ? EXIT_FAIL : EXIT_OK;
  },
};
