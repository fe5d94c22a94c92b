import test from 'ava';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { DiagnosticError } from '../../src/util/diagnostic.js';
import { packageRoot } from '../../src/paths.js';
import { compilePolicyNode, loadPolicyFile, loadPolicyFiles, parsePolicyText, validatePolicyFile } from '../../src/policy/loader.js';
import { problems } from './helpers.js';

const fixture = (f: string) => path.join(packageRoot, 'test', 'fixtures', 'policy', f);

test('the seed form loads unchanged', (t) => {
  const set = loadPolicyFile(fixture('seed.yaml'));
  t.is(set.rules.length, 1);
  const r = set.rules[0]!;
  t.is(r.name, 'budget-warn');
  t.is(r.action, 'warn');
  t.is(r.level, 'agent');
  t.is(r.source, `${fixture('seed.yaml')}:1`);
});

test('a bare list and a `policies:` list with `defaults:`', (t) => {
  t.deepEqual(loadPolicyFile(fixture('list.yaml')).rules.map((r) => r.name), ['no-push', 'ask-write']);
  const general = loadPolicyFile(fixture('general.yaml'), 'server');
  t.deepEqual(general.rules.map((r) => [r.name, r.level]), [['ask-push-after-install', 'server']]);
  t.deepEqual(general.defaults, { egress: 'ask' });
  t.deepEqual(general.files, [fixture('general.yaml')]);
});

test('every problem in a file is reported with its position', (t) => {
  t.deepEqual(validatePolicyFile(fixture('broken.yaml')).map((d) => `${path.basename(d.file)}:${d.line}:${d.col}: ${d.message}`), [
    'broken.yaml:3:14: unknown condition kind `comand`; did you mean `command`?',
    'broken.yaml:6:17: `cost`: bad op `about`; expected one of: lt, le, gt, ge, eq',
    'broken.yaml:9:14: `content`: regex does not compile: Invalid regular expression: /(oops/: Unterminated group',
    'broken.yaml:12:9: unknown phase `tool_cal`; did you mean `tool_call`?',
    'broken.yaml:17:13: unknown action `block`; expected one of: allow, warn, redact, ask, deny',
    'broken.yaml:18:5: rule `f` has no `action` (one of allow, warn, redact, ask, deny)',
  ]);
});

test('loadPolicyFile throws every diagnostic at once; loadPolicyFiles gathers all files', (t) => {
  const e = t.throws(() => loadPolicyFile(fixture('broken.yaml')), { instanceOf: DiagnosticError });
  t.is(e.diagnostics.length, 6);
  const e2 = t.throws(() => loadPolicyFiles([fixture('broken.yaml'), fixture('missing.yaml')]), { instanceOf: DiagnosticError });
  t.is(e2.diagnostics.length, 7);
  t.regex(e2.diagnostics.at(-1)!.message, /cannot read policy file: ENOENT/);
});

test('YAML syntax errors are positioned', (t) => {
  t.deepEqual(problems('policies:\n  - name: a\n   action: deny'), ['3:1: Sequence item without - indicator']);
});

test('file-level problems', (t) => {
  t.deepEqual(problems(''), ['1:1: empty policy file: expected `policies:`, a list of rules, or one rule']);
  t.deepEqual(problems('42'), ['1:1: expected `policies:`, a list of rules, or one rule; got number `42`']);
  t.deepEqual(problems('policies: {}\n'), ['1:11: `policies`: expected a list of rules, got a map']);
  t.deepEqual(problems('policies: []\npolicy: x\n'), ['2:1: unknown top-level key `policy`; expected one of: policies, defaults, description']);
  t.deepEqual(problems('defaults: { egres: deny, spawn: maybe }\npolicies: []'), [
    '1:13: unknown phase `egres`; did you mean `egress`?',
    '1:33: `defaults.spawn`: expected one of allow, warn, ask, deny, got string `maybe`',
  ]);
});

test('rule-level problems', (t) => {
  t.deepEqual(problems('- { name: a, action: deny }\n- { name: a, action: deny }'), [
    '2:11: duplicate rule name `a` (first at test.yaml:1); names key the rule\'s state',
  ]);
  t.deepEqual(problems('name: a\ncomand: x\naction: deny'), ['2:1: unknown key `comand` in rule `a`; did you mean `command`?']);
  t.deepEqual(problems('name: a\ntype: costs\nvalue: 1\naction: deny'), ['2:7: unknown condition kind `costs`; did you mean `cost`?']);
  t.deepEqual(problems('name: "a b"\naction: deny'), ['1:7: `name`: expected letters, digits and `-_.:@/`, got string `a b`']);
  t.deepEqual(problems('name: a\ntool: x\ntimeout: 1m\naction: deny'), ['3:1: `timeout` applies only to `ask` rules']);
  t.deepEqual(problems('name: a\ntool: x\nreplacement: "*"\naction: deny'), ['3:1: `replacement` applies only to `redact` rules']);
  t.deepEqual(problems('name: a\ntool: x\naction: redact'), ['3:9: `redact` needs a `content` condition: its regexes say what to rewrite']);
  t.deepEqual(problems('name: a\ntool: x\neffects: { set: { f: 1 } }\naction: deny'), [
    '3:10: `effects` apply when an action proceeds; a `deny` rule\'s effects would never run',
  ]);
  t.deepEqual(problems('name: a\nmatch: { tool: bash, content: x }\naction: deny'), [
    '1:1: the conditions of `a` share no phase by default (tool: tool_call; content: request/llm_response/tool_result/response); set `on:`',
  ]);
  t.deepEqual(problems('name: a\ntool: x\nresolves: b\naction: allow'), ['3:1: `resolves` is only for session rules, which a human adds at run time']);
});

test('when and effects problems', (t) => {
  t.deepEqual(problems('name: a\ntool: x\nwhen: { aftr: { tool: y } }\naction: ask'), [
    '3:9: `when`: `aftr` looks like a typo; did you mean `after`? (other keys are state flags)',
  ]);
  t.deepEqual(problems('name: a\ntool: x\nwhen: { flag: [1] }\naction: ask'), ['3:15: `when` flag `flag`: expected a string, number or boolean, got a list']);
  t.deepEqual(problems('name: a\ntool: x\nwhen: { after: { on: nope } }\naction: ask'), ['3:22: unknown phase `nope`; did you mean `none`?'].map((s) => s.replace('did you mean `none`?', 'expected one of: request, llm_request, llm_response, tool_call, tool_result, response, egress, spawn')));
  t.deepEqual(problems('name: a\ntool: x\neffects: { sett: {} }\naction: warn'), ['3:12: unknown key `sett` in `effects`; did you mean `set`?']);
});

test('a rule without a name gets one from its file and position', (t) => {
  const r = parsePolicyText('- { tool: a, action: deny }\n- { tool: b, action: deny }', 'pack.yaml');
  t.deepEqual(r.rules.map((x) => x.name), ['pack.yaml#1', 'pack.yaml#2']);
});

test('YAML anchors and aliases work', (t) => {
  const r = parsePolicyText('policies:\n  - { name: a, command: &c ["rm -rf *"], action: deny }\n  - { name: b, command: *c, on: tool_result, action: warn }', 'x.yaml');
  t.deepEqual(r.diagnostics, []);
  t.is(r.rules.length, 2);
});

test('inline rules from an agent spec node: rule maps compiled, paths resolved', (t) => {
  const text = 'name: polly\npolicies:\n  - ../policies/budget.yaml\n  - { name: inline, command: "rm *", action: ask }\n  - 42\n';
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const node = doc.get('policies', true);
  const r = compilePolicyNode(node, { file: '/specs/polly.yaml', lineCounter, doc });
  t.deepEqual(r.files, [{ path: '/policies/budget.yaml', line: 3, col: 5 }]);
  t.deepEqual(r.diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`), ['5:5: `policies`: expected a policy file path or a rule map, got number `42`']);
  const ok = compilePolicyNode(doc.getIn(['policies', 1], true), { file: '/specs/polly.yaml', lineCounter, doc });
  t.deepEqual(ok.rules.map((x) => [x.name, x.level, x.source]), [['inline', 'agent', '/specs/polly.yaml:4']]);
});
