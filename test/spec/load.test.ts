// The spec loader, in-process: shipped specs, normalization, and the errors it reports.
import test from 'ava';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { checkSpec, loadSpec, type AgentSpec } from '../../src/spec/index.js';
import { DiagnosticError, formatDiagnostic } from '../../src/util/diagnostic.js';
import { packageRoot } from '../../src/paths.js';

const fixtures = path.join(packageRoot, 'test', 'fixtures', 'spec');
const fixture = (name: string): string => path.join('test', 'fixtures', 'spec', name);
const check = (name: string) => checkSpec(fixture(name), { cwd: packageRoot });
const messages = (name: string): string[] => check(name).diagnostics.map(formatDiagnostic);

function shippedSpecs(): string[] {
  const list = (dir: string): string[] =>
    readdirSync(path.join(packageRoot, dir))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => path.join(dir, f));
  return [...list('agents'), ...list(path.join('agents', 'examples'))];
}

test('ships polly, debby, demo and one example per harness plus the seed', (t) => {
  const names = shippedSpecs().map((f) => path.relative('agents', f));
  for (const expected of ['polly.yaml', 'debby.yaml', 'demo.yaml', 'examples/seed.yaml']) t.true(names.includes(expected), expected);
  for (const harness of ['claude-code', 'codex', 'pi', 'cursor', 'command', 'bridle']) {
    t.true(names.includes(`examples/${harness}.yaml`), harness);
  }
});

for (const file of shippedSpecs()) {
  test(`shipped spec ${file} validates without errors or warnings`, (t) => {
    const result = checkSpec(file, { cwd: packageRoot });
    t.deepEqual(result.diagnostics.map(formatDiagnostic), []);
    t.deepEqual(result.warnings.map(formatDiagnostic), []);
    t.truthy(result.spec);
  });
}

test('each harness example uses its harness', (t) => {
  for (const harness of ['claude-code', 'codex', 'pi', 'cursor', 'command', 'bridle'] as const) {
    const result = checkSpec(path.join('agents', 'examples', `${harness}.yaml`), { cwd: packageRoot });
    t.is(result.spec?.harness, harness);
  }
});

test('the seed example loads with omni as an alias of bridle', (t) => {
  const { spec, diagnostics } = checkSpec(path.join(packageRoot, 'agents', 'examples', 'seed.yaml'));
  t.deepEqual(diagnostics, []);
  t.is(spec?.harness, 'bridle');
  t.is(spec?.harnessAlias, 'omni');
  t.deepEqual(
    spec?.subAgents.map((s) => [s.name, s.harness]),
    [
      ['claude-code', 'claude-code'],
      ['codex', 'codex'],
      ['pi', 'pi'],
      ['cursor', 'cursor'],
    ],
  );
});

test('polly delegates to a claude-code and a codex sub-agent under her policies', (t) => {
  const polly = loadSpec(path.join(packageRoot, 'agents', 'polly.yaml'));
  t.is(polly.harness, 'bridle');
  t.deepEqual(
    polly.subAgents.map((s) => s.harness),
    ['claude-code', 'codex'],
  );
  const policyFiles = (a: AgentSpec) => a.policies.map((p) => (p.kind === 'file' ? path.relative(packageRoot, p.path) : 'inline'));
  t.deepEqual(policyFiles(polly), ['policies/budget.yaml', 'policies/push-after-install.yaml']);
  for (const sub of polly.subAgents) t.deepEqual(policyFiles(sub), policyFiles(polly));
  t.true(polly.prompt?.startsWith('You orchestrate coding sub-agents.'));
  t.is(polly.promptFile, path.join(packageRoot, 'agents', 'prompts', 'polly.md'));
});

test('defaults: interactive, workspace-write sandbox behind the proxy', (t) => {
  const spec = loadSpec(fixture('prompt-file.yaml'), { cwd: packageRoot });
  t.is(spec.mode, 'interactive');
  t.deepEqual(spec.sandbox, { mode: 'workspace-write', read: [], write: [], network: 'proxy', allowUnixSockets: false, bestEffort: false });
  t.is(spec.tools, undefined);
  t.deepEqual(spec.credentials, []);
  t.deepEqual(spec.env, []);
});

test('a prompt given as a file path is read relative to the spec', (t) => {
  const spec = loadSpec(fixture('prompt-file.yaml'), { cwd: packageRoot });
  t.is(spec.prompt, 'Say hello, then stop.\n');
  t.is(spec.promptFile, path.join(fixtures, 'prompts', 'hello.md'));
  t.is(spec.file, path.join(fixtures, 'prompt-file.yaml'));

  const viaMap = loadSpec(fixture('prompt-file-map.yaml'), { cwd: packageRoot });
  t.is(viaMap.prompt, 'Say hello, then stop.\n');
  t.is(viaMap.promptFile, path.join(fixtures, 'prompts', 'hello.md'));
});

test('inline prompt text stays text', (t) => {
  const spec = loadSpec(path.join(packageRoot, 'agents', 'demo.yaml'));
  t.true(spec.prompt?.startsWith('Add a --version flag'));
  t.is(spec.promptFile, undefined);
});

test('missing referenced files are named; a missing credential file is only a warning', (t) => {
  const result = check('missing-files.yaml');
  const dir = fixtures;
  t.deepEqual(result.diagnostics.map(formatDiagnostic), [
    `${fixture('missing-files.yaml')}:2:9: prompt file \`prompts/nope.md\` not found (looked for ${path.join(dir, 'prompts', 'nope.md')})`,
    `${fixture('missing-files.yaml')}:4:14: sub-agent spec \`nowhere.yaml\` not found (looked for ${path.join(dir, 'nowhere.yaml')})`,
    `${fixture('missing-files.yaml')}:5:12: policy file \`../policies/none.yaml\` not found (looked for ${path.join(dir, '..', 'policies', 'none.yaml')})`,
  ]);
  t.is(result.warnings.length, 1);
  t.regex(result.warnings[0]!.message, /credential source file `secrets\/token` does not exist yet/);

  const ok = check('credential-file.yaml');
  t.deepEqual(ok.diagnostics, []);
  t.deepEqual(ok.spec?.credentials.map((c) => [c.name, c.hosts, c.source]), [
    ['OPENAI_API_KEY', ['api.openai.com'], { kind: 'file', path: path.join(fixtures, 'secrets', 'openai-key') }],
    ['GH_TOKEN', ['api.github.com', '*.githubusercontent.com'], { kind: 'env', env: 'GH_TOKEN' }],
  ]);
});

test('did-you-mean for a misspelled key', (t) => {
  t.true(messages('broken.yaml').includes(`${fixture('broken.yaml')}:2:1: unknown key \`promt\`; did you mean \`prompt\`?`));
});

test('an unknown harness lists the valid ones', (t) => {
  t.deepEqual(messages('unknown-harness.yaml'), [
    `${fixture('unknown-harness.yaml')}:2:10: unknown harness \`gemini\`; valid harnesses: claude-code, codex, pi, cursor, command, bridle (\`omni\` is an alias of \`bridle\`)`,
  ]);
});

test('every error of a file is reported at once', (t) => {
  const f = fixture('broken.yaml');
  t.deepEqual(messages('broken.yaml'), [
    `${f}:1:7: invalid name \`Bad Agent\`: use lowercase letters, digits, \`-\` and \`_\`, starting with a letter or digit`,
    `${f}:2:1: unknown key \`promt\`; did you mean \`prompt\`?`,
    `${f}:3:10: unknown harness \`claud-code\`; did you mean \`claude-code\`? valid harnesses: claude-code, codex, pi, cursor, command, bridle (\`omni\` is an alias of \`bridle\`)`,
    `${f}:4:7: invalid \`mode\` \`headles\`; did you mean \`headless\`?`,
    `${f}:5:8: \`tools\` must be a list, got a string`,
    `${f}:7:9: invalid \`sandbox.mode\` \`workspace_write\`; did you mean \`workspace-write\`?`,
    `${f}:8:12: invalid \`sandbox.network\` \`proxi\`; did you mean \`proxy\`?`,
  ]);
});

test('loadSpec throws a DiagnosticError carrying every error', (t) => {
  const err = t.throws(() => loadSpec(fixture('broken.yaml'), { cwd: packageRoot }), { instanceOf: DiagnosticError });
  t.is(err?.diagnostics.length, 7);
});

test('YAML syntax errors are reported as file:line:col', (t) => {
  const [first, ...rest] = messages('syntax-error.yaml');
  t.deepEqual(rest, []);
  t.true(first?.startsWith(`${fixture('syntax-error.yaml')}:4:1: YAML: `));
});

test('an empty file is not a spec', (t) => {
  t.deepEqual(messages('empty.yaml'), [
    `${fixture('empty.yaml')}:1:1: an agent spec must be a mapping with at least \`name\` and \`harness\`, got nothing`,
  ]);
});

test('a sub-agent cycle through spec paths is an error', (t) => {
  t.deepEqual(messages('cycle-a.yaml'), [
    `${fixture('cycle-a.yaml')}:3:14: sub-agent spec \`cycle-b.yaml\` is invalid (see its errors)`,
    `${fixture('cycle-b.yaml')}:4:5: sub-agent cycle: ${fixture('cycle-a.yaml')} → ${fixture('cycle-b.yaml')} → ${fixture('cycle-a.yaml')}`,
  ]);
});

test('command is required for harness command and rejected otherwise; sub-agent names are unique', (t) => {
  const f = fixture('command.yaml');
  t.deepEqual(messages('command.yaml'), [
    `${f}:3:1: \`command\` is only used with \`harness: command\` (this agent's harness is \`codex\`)`,
    `${f}:5:5: missing required field \`command\` in \`sub_agents[0]\` (harness \`command\` runs it)`,
    `${f}:7:5: duplicate sub-agent name \`twin\` (first used at 6:5)`,
  ]);
  const example = loadSpec(path.join(packageRoot, 'agents', 'examples', 'command.yaml'));
  t.deepEqual(example.command, ['npm', 'test']);
  t.deepEqual(example.params, { retries: 2 });
});

test('sub-agents: harness names, spec paths and inline maps; governance is inherited', (t) => {
  const spec = loadSpec(fixture('mixed-sub-agents.yaml'), { cwd: packageRoot });
  t.is(spec.harness, 'bridle');
  t.is(spec.sandbox.mode, 'none');
  t.deepEqual(
    spec.subAgents.map((s) => [s.name, s.harness]),
    [
      ['codex', 'codex'],
      ['helper', 'claude-code'],
      ['greeter', 'pi'],
      ['inner', 'bridle'],
    ],
  );
  const [codex, helper, greeter, inner] = spec.subAgents;
  // Inline sub-agents without a sandbox/env take the parent's; spec files and explicit values keep theirs.
  t.is(codex?.sandbox.mode, 'none');
  t.deepEqual(codex?.env, ['PATH']);
  t.is(helper?.sandbox.mode, 'read-only');
  t.true(helper?.sandbox.bestEffort);
  t.is(greeter?.sandbox.mode, 'workspace-write');
  t.deepEqual(greeter?.env, []);
  t.is(greeter?.prompt, 'Say hello, then stop.\n');
  t.is(inner?.subAgents[0]?.sandbox.mode, 'none');
  // Vendor-specific settings are never inherited.
  t.is(codex?.model, undefined);
  t.deepEqual(codex?.credentials, []);
  // Policies accumulate down the whole tree; inline rules keep their node and position.
  for (const agent of [spec, codex, helper, greeter, inner, inner?.subAgents[0]]) {
    t.is(agent?.policies.length, 1);
    const rule = agent?.policies[0];
    t.is(rule?.kind, 'inline');
    if (rule?.kind === 'inline') {
      t.deepEqual(rule.rule, { action: 'deny', when: { tool: 'bash' } });
      t.deepEqual(rule.at, { file: fixture('mixed-sub-agents.yaml'), line: 5, col: 5 });
      t.deepEqual(rule.source.position(rule.node), rule.at);
    }
  }
});

test('sandbox: none shorthand equals { mode: none }', (t) => {
  const short = loadSpec(fixture('shorthand.yaml'), { cwd: packageRoot });
  const long = loadSpec(fixture('anchors.yaml'), { cwd: packageRoot });
  t.deepEqual(short.sandbox, long.sandbox);
  t.is(short.sandbox.mode, 'none');
});

test('aliases are followed', (t) => {
  const spec = loadSpec(fixture('anchors.yaml'), { cwd: packageRoot });
  t.deepEqual(spec.subAgents[0]?.tools, ['read', 'edit']);
});

test('credentials cannot leak through env, and network none needs a sandbox', (t) => {
  const f = fixture('secret-env.yaml');
  t.deepEqual(messages('secret-env.yaml'), [
    `${f}:5:13: \`ANTHROPIC_*\` would pass credential \`ANTHROPIC_API_KEY\`'s real secret to the agent; credentials reach it only as placeholders`,
    `${f}:6:33: \`sandbox.network: none\` needs a sandbox to enforce it, but \`sandbox.mode\` is \`none\``,
  ]);
});
