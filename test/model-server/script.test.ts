import test from 'ava';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DiagnosticError, formatDiagnostic } from '../../src/util/diagnostic.js';
import { loadScriptFile, parseScript, scriptFrom } from '../../src/model-server/script.js';
import { packageRoot } from '../../src/paths.js';
import { tempDir } from './helpers.js';

function problems(text: string): string[] {
  try {
    parseScript(text, 'script.yaml');
  } catch (err) {
    if (err instanceof DiagnosticError) return err.diagnostics.map(formatDiagnostic);
    throw err;
  }
  throw new Error('expected the script to be rejected');
}

test('a list of turns parses into matchers and replies', (t) => {
  const script = parseScript(
    [
      '- name: first',
      '  user: "hello"',
      '  reply:',
      '    text: hi',
      '    usage: { input_tokens: 10, output_tokens: 2 }',
      '- tool_result_regex: "/done$/i"',
      '  once: false',
      '  model: haiku',
      '  reply:',
      '    tool_calls:',
      '      - { name: Bash, input: { command: ls } }',
      '      - { name: apply_patch, input: "*** Begin Patch" }',
    ].join('\n'),
    'script.yaml',
  );
  t.is(script.turns.length, 2);
  const [a, b] = script.turns;
  t.deepEqual(a!.match, { on: 'user', substring: 'hello' });
  t.is(a!.name, 'first');
  t.true(a!.once);
  t.deepEqual(a!.reply.usage, { input_tokens: 10, output_tokens: 2 });
  t.is(b!.line, 6);
  t.is(b!.match.on, 'tool_result');
  t.true(b!.match.regex!.test('All DONE'));
  t.is(b!.match.model, 'haiku');
  t.false(b!.once);
  t.deepEqual(b!.reply.tool_calls, [
    { name: 'Bash', input: { command: 'ls' } },
    { name: 'apply_patch', input: '*** Begin Patch' },
  ]);
});

test('the mapping form carries turns and a fallback text', (t) => {
  const script = parseScript('fallback: "nothing scripted"\nturns:\n  - reply: { text: ok }\n', 'x.yaml');
  t.is(script.fallback, 'nothing scripted');
  t.is(script.turns[0]!.match.on, 'any');
});

test('unknown keys are reported at their position with a suggestion', (t) => {
  t.deepEqual(problems('- tool_reslt: ok\n  reply: { text: x }\n'), [
    'script.yaml:1:3: turn 1: unknown key `tool_reslt`; did you mean `tool_result`?',
  ]);
  t.deepEqual(problems('- user: a\n  reply:\n    txt: x\n'), [
    'script.yaml:3:5: reply: unknown key `txt`; did you mean `text`?',
  ]);
  t.deepEqual(problems('- user: a\n  reply: { usage: { output_tokens: 1 } }\n'), [
    'script.yaml:2:10: a reply needs `text`, `tool_calls` or `error`',
  ]);
});

test('every problem is reported, each at the offending value', (t) => {
  const text = [
    'turns:',
    '  - user: a',
    '    user_regex: b',
    '    reply: { text: x }',
    '  - tool_result_regex: "(unclosed"',
    '    reply:',
    '      usage: { input_tokens: -3 }',
    '      text: y',
    '  - user: c',
    '  - reply:',
    '      tool_calls:',
    '        - input: { a: 1 }',
    '      error: { status: 200 }',
  ].join('\n');
  const found = problems(text);
  t.is(found.length, 6, found.join('\n'));
  t.is(found[0], 'script.yaml:3:5: turn 1 already matches on `user`; a turn has at most one of user, user_regex, tool_result, tool_result_regex');
  t.regex(found[1]!, /^script\.yaml:5:24: `tool_result_regex`: Invalid regular expression/);
  t.is(found[2], 'script.yaml:7:30: `usage.input_tokens` must be a whole number >= 0');
  t.is(found[3], 'script.yaml:9:5: turn 3 has no `reply`');
  t.is(found[4], 'script.yaml:12:11: tool call is missing `name`');
  t.is(found[5], 'script.yaml:13:24: `error.status` must be an HTTP error status (400-599)');
});

test('YAML syntax errors and duplicate keys carry positions too', (t) => {
  const [syntax] = problems('- user: "unterminated\n  reply: {}\n');
  t.regex(syntax!, /^script\.yaml:\d+:\d+: /);
  t.deepEqual(problems('- user: a\n  user: b\n  reply: { text: x }\n').map((p) => p.slice(0, 16)), ['script.yaml:2:3:']);
});

test('a script that is neither a list nor a mapping is rejected', (t) => {
  t.deepEqual(problems('just text\n'), [
    'script.yaml:1:1: a script is a list of turns, or a mapping with `turns` (and optionally `fallback`)',
  ]);
  t.deepEqual(problems('fallback: x\n'), ['script.yaml:1:1: script has no `turns`']);
});

test('scripts built in code obey the same rules', (t) => {
  const script = scriptFrom([{ user: 'hi', reply: { text: 'hello' } }]);
  t.is(script.turns[0]!.reply.text, 'hello');
  const err = t.throws(() => scriptFrom([{ user: 'hi', reply: {} }]), { instanceOf: DiagnosticError });
  t.regex(err!.message, /^<script>:\d+:\d+: a reply needs `text`, `tool_calls` or `error`$/);
});

test('script files load, and a missing file is a diagnostic', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 's.yaml');
  writeFileSync(file, '- reply: { text: ok }\n');
  t.is(loadScriptFile(file).turns.length, 1);
  const err = t.throws(() => loadScriptFile(path.join(dir, 'nope.yaml')), { instanceOf: DiagnosticError });
  t.is(err!.message, `${path.join(dir, 'nope.yaml')}:1:1: cannot read script: ENOENT`);
});

test('the shipped fixture scripts are valid', (t) => {
  for (const name of ['claude-tools.yaml', 'sample.yaml']) {
    const script = loadScriptFile(path.join(packageRoot, 'test/fixtures/model-server', name));
    t.true(script.turns.length > 0, name);
  }
});
