// The shipped policy packs in policies/.
import test from 'ava';
import path from 'node:path';
import { readdirSync } from 'node:fs';
import { packageRoot } from '../../src/paths.js';
import { PolicyEngine } from '../../src/policy/engine.js';
import { loadPolicyFile, validatePolicyFile } from '../../src/policy/loader.js';
import type { NormalizedAction } from '../../src/policy/types.js';
import { bash, bashResult, HOME, llm, read, tool, WS } from './helpers.js';

const pack = (name: string) => path.join(packageRoot, 'policies', name);
const open = (name: string) =>
  new PolicyEngine({ home: HOME, workspace: WS, server: loadPolicyFile(pack(name), 'server') }).openSession({ id: 'p' });

test('every shipped pack validates', (t) => {
  const files = readdirSync(path.join(packageRoot, 'policies')).filter((f) => f.endsWith('.yaml'));
  t.true(files.length >= 4);
  for (const f of files) t.deepEqual(validatePolicyFile(pack(f)), [], f);
});

test('budget.yaml: one warning at $50, an ask at each $100', (t) => {
  const { session: s, human } = open('budget.yaml');
  const at = (usd: number) => s.evaluate(llm('m', { cost_usd: usd }));
  t.is(at(10).action, 'allow');
  const w = at(50);
  t.is(w.action, 'warn');
  t.is(w.message, 'This session has spent $50 or more.');
  t.is(at(60).action, 'allow', 'the warning is given once');
  const a = at(100);
  t.is(a.action, 'ask');
  human.answer(a.ask!.id, 'allow_once');
  t.is(at(150).action, 'allow');
  const b = at(205);
  t.is(b.action, 'ask');
  human.answer(b.ask!.id, 'allow_once');
  t.is(at(299).action, 'allow');
  t.is(at(300).action, 'ask');
});

test('budget.yaml: a session that jumps straight past $100 warns and asks together', (t) => {
  const { session: s } = open('budget.yaml');
  const d = s.evaluate(llm('m', { cost_usd: 130 }));
  t.is(d.action, 'ask');
  t.deepEqual(d.rules.map((r) => r.name).sort(), ['budget-ask', 'budget-warn']);
});

test('push-after-install.yaml: pushing is free until dependencies change', (t) => {
  const { session: s, human } = open('push-after-install.yaml');
  t.is(s.evaluate(bash('git push origin main')).action, 'allow');
  t.is(s.evaluate(bashResult('npm test')).action, 'allow');
  t.is(s.evaluate(bash('git push')).action, 'allow');
  s.evaluate(bashResult('cd web && pnpm add zod'));
  const d = s.evaluate(bash('git push origin feature'));
  t.is(d.action, 'ask');
  t.is(d.message, 'Dependencies changed in this session; approve before pushing.');
  human.answer(d.ask!.id, 'allow_session');
  t.is(s.evaluate(bash('git push origin feature')).action, 'allow');
});

test('push-after-install.yaml: install commands across ecosystems, and look-alikes that are not', (t) => {
  for (const cmd of ['npm install', 'npm i lodash', 'npm ci', 'yarn', 'yarn add x', 'pip install -r req.txt', 'python3 -m pip install x', 'uv add x', 'cargo add serde', 'go get x', 'bundle install', 'sudo npm install -g x']) {
    const { session: s } = open('push-after-install.yaml');
    s.evaluate(bashResult(cmd));
    t.is(s.evaluate(bash('git push')).action, 'ask', cmd);
  }
  for (const cmd of ['npm info x', 'npm test', 'echo "npm install"', 'pip list']) {
    const { session: s } = open('push-after-install.yaml');
    s.evaluate(bashResult(cmd));
    t.is(s.evaluate(bash('git push')).action, 'allow', cmd);
  }
});

test('protect-secrets.yaml: credential stores and .env files are off limits to every tool', (t) => {
  const { session: s } = open('protect-secrets.yaml');
  const denied: NormalizedAction[] = [
    read('~/.ssh/id_ed25519'),
    read(`${HOME}/.aws/credentials`),
    read('.env'),
    read('apps/api/.env.production'),
    tool('edit', { file_path: 'config/prod.env' }),
    tool('write', { path: '~/.ssh/authorized_keys' }),
    bash('cat ~/.aws/credentials'),
    bash('cd ~/.ssh && tar czf /tmp/k.tgz .'),
    bash('source .env && npm start'),
    bash('grep KEY < .env'),
  ];
  for (const a of denied) t.is(s.decide(a).action, 'deny', JSON.stringify(a.tool));
  const allowed: NormalizedAction[] = [read('.env.example'), read('src/env.ts'), bash('cp .env.example .env.sample'), read('docs/ssh.md')];
  for (const a of allowed) t.is(s.decide(a).action, 'allow', JSON.stringify(a.tool));
});

test('protect-secrets.yaml: key-shaped strings are redacted in results and responses', (t) => {
  const { session: s } = open('protect-secrets.yaml');
  const secrets = [
    'AKIAIOSFODNN7EXAMPLE',
    'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB',
    'sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345',
    'xoxb-123456789012-abcdefghijkl',
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----',
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  ];
  for (const secret of secrets) {
    const d = s.decide(bashResult('cat x', `before ${secret} after`));
    t.is(d.action, 'redact', secret);
    t.is(d.rewritten!.tool!.result, 'before [REDACTED] after', secret);
  }
  const r = s.decide({ phase: 'response', text: 'your key is AKIAIOSFODNN7EXAMPLE' });
  t.is((r.rewritten as { text: string }).text, 'your key is [REDACTED]');
  t.is(s.decide(bashResult('ls', 'src test package.json')).action, 'allow');
});

test('default.yaml: destructive commands denied, privilege and history rewrites asked', (t) => {
  const { session: s } = open('default.yaml');
  for (const c of ['rm -rf /', 'sudo rm -rf / --no-preserve-root', 'rm -fr ~', 'rm -rf $HOME', 'rm -r -f /', 'mkfs.ext4 /dev/sda1', 'dd if=/dev/zero of=/dev/sda']) {
    t.is(s.decide(bash(c)).action, 'deny', c);
  }
  for (const c of ['sudo apt-get install x', 'git push --force', 'git push -f origin main', 'git push origin +main', 'git reset --hard HEAD~3', 'git clean -fdx']) {
    t.is(s.decide(bash(c)).action, 'ask', c);
  }
  for (const c of ['rm -rf build', 'rm -rf ./dist', 'git push origin main', 'git reset HEAD file', 'ls -la /']) {
    t.is(s.decide(bash(c)).action, 'allow', c);
  }
});

test('default.yaml: Bridle\'s own config and state are off limits', (t) => {
  const { session: s } = open('default.yaml');
  t.is(s.decide(tool('write', { path: '~/.config/bridle/server.yaml' })).action, 'deny');
  t.is(s.decide(bash('cat ~/.local/state/bridle/vault.json')).action, 'deny');
});

test('default.yaml: spawn depth and count bounds, and a tool-burst warning', (t) => {
  const { session: s } = open('default.yaml');
  t.is(s.decide({ phase: 'spawn', depth: 3 }).action, 'allow');
  t.is(s.decide({ phase: 'spawn', depth: 4 }).action, 'deny');
  t.is(s.decide({ phase: 'spawn', session: { spawned: 20 } }).action, 'ask');
  for (let i = 0; i < 120; i++) s.evaluate({ ...bash(`echo ${i}`), ts: 1000 + i });
  t.is(s.evaluate({ ...bash('echo more'), ts: 2000 }).action, 'warn');
});

test('default.yaml: defaults are allow in every phase', (t) => {
  const set = loadPolicyFile(pack('default.yaml'));
  t.deepEqual(Object.values(set.defaults), Array(8).fill('allow'));
});
