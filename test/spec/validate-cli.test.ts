// `bridle validate` end to end: the real launcher in a child process, checking output and exit codes.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { validators } from '../../src/cli/validators.js';
import { specValidator } from '../../src/spec/validator.js';
import { YamlSource } from '../../src/util/yaml-source.js';

const bin = path.join(packageRoot, 'bin', 'bridle.js');
const fixture = (name: string): string => path.join('test', 'fixtures', 'spec', name);

function validate(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, 'validate', ...args], { cwd: packageRoot, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('a broken spec prints every error as file:line:col and exits 1', (t) => {
  const f = fixture('broken.yaml');
  const r = validate(f);
  t.is(r.code, 1);
  t.is(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  t.deepEqual(
    lines.map((l) => l.split(': ')[0]),
    [`${f}:1:7`, `${f}:2:1`, `${f}:3:10`, `${f}:4:7`, `${f}:5:8`, `${f}:7:9`, `${f}:8:12`],
  );
  t.true(lines.includes(`${f}:2:1: unknown key \`promt\`; did you mean \`prompt\`?`));
  t.true(lines.includes(`${f}:4:7: invalid \`mode\` \`headles\`; did you mean \`headless\`?`));
});

test('valid files get an ok line on stdout and exit 0', (t) => {
  const r = validate(fixture('prompt-file.yaml'), fixture('shorthand.yaml'));
  t.is(r.code, 0);
  t.is(r.stdout, `${fixture('prompt-file.yaml')}: ok\n${fixture('shorthand.yaml')}: ok\n`);
  t.is(r.stderr, '');
});

test('one invalid file among valid ones exits 1; the valid ones still say ok', (t) => {
  const r = validate(fixture('prompt-file.yaml'), fixture('unknown-harness.yaml'));
  t.is(r.code, 1);
  t.is(r.stdout, `${fixture('prompt-file.yaml')}: ok\n`);
  t.regex(r.stderr, /unknown-harness\.yaml:2:10: unknown harness `gemini`; valid harnesses: claude-code, codex, pi, cursor, command, bridle/);
});

test('warnings go to stderr without failing the file', (t) => {
  const r = validate(fixture('credential-file.yaml'));
  t.is(r.code, 0);
  t.is(r.stdout, `${fixture('credential-file.yaml')}: ok\n`);
  t.regex(r.stderr, /^test\/fixtures\/spec\/credential-file\.yaml:6:21: warning: credential source file `secrets\/openai-key` does not exist yet/);
});

test('YAML syntax errors exit 1 with a position', (t) => {
  const r = validate(fixture('syntax-error.yaml'));
  t.is(r.code, 1);
  t.regex(r.stderr, /^test\/fixtures\/spec\/syntax-error\.yaml:4:1: YAML: /);
});

test('a sub-agent cycle is reported in the file that closes it', (t) => {
  const r = validate(fixture('cycle-a.yaml'));
  t.is(r.code, 1);
  t.is(
    r.stderr,
    `${fixture('cycle-a.yaml')}:3:14: sub-agent spec \`cycle-b.yaml\` is invalid (see its errors)\n` +
      `${fixture('cycle-b.yaml')}:4:5: sub-agent cycle: ${fixture('cycle-a.yaml')} → ${fixture('cycle-b.yaml')} → ${fixture('cycle-a.yaml')}\n`,
  );
});

test('a file given twice (directly and as a sub-agent) reports its errors once', (t) => {
  const r = validate(fixture('cycle-a.yaml'), fixture('cycle-b.yaml'));
  t.is(r.code, 1);
  const lines = r.stderr.trimEnd().split('\n');
  t.is(new Set(lines).size, lines.length);
});

test('an unreadable file is an error, not a usage error', (t) => {
  const r = validate(fixture('no-such-file.yaml'));
  t.is(r.code, 1);
  t.is(r.stderr, `${fixture('no-such-file.yaml')}:1:1: cannot read file: no such file\n`);
});

test('usage errors exit 2', (t) => {
  const none = validate();
  t.is(none.code, 2);
  t.regex(none.stderr, /no files given/);
  t.regex(none.stderr, /Usage:\n {2}bridle validate FILE\.\.\./);

  const option = validate('--frobnicate', fixture('prompt-file.yaml'));
  t.is(option.code, 2);
  t.regex(option.stderr, /unknown option `--frobnicate`/);
  t.is(option.stdout, '');
});

test('`--` ends options', (t) => {
  const r = validate('--', fixture('prompt-file.yaml'));
  t.is(r.code, 0);
});

test('the shipped specs validate through the CLI', (t) => {
  const agents = ['polly', 'debby', 'demo'].map((n) => path.join('agents', `${n}.yaml`));
  const examples = ['seed', 'claude-code', 'codex', 'pi', 'cursor', 'command', 'bridle'].map((n) => path.join('agents', 'examples', `${n}.yaml`));
  const r = validate(...agents, ...examples);
  t.is(r.stderr, '');
  t.is(r.code, 0);
});

test('the agent-spec validator is the last, catch-all entry of the registry', (t) => {
  t.is(validators[validators.length - 1], specValidator);
  t.true(specValidator.claims(YamlSource.parse('any.yaml', '- just: a list\n')));
});
