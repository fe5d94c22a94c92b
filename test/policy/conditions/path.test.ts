import test from 'ava';
import { bash, decide, HOME, problems, read, session, tool, write, WS } from '../helpers.js';

const SECRETS = 'name: s\npath: ["~/.ssh/**", ".env", "/etc/shadow", "secrets/**"]\naction: deny';

test('home, absolute, workspace-relative and bare-name globs', (t) => {
  t.is(decide(SECRETS, read('~/.ssh/id_rsa')).action, 'deny');
  t.is(decide(SECRETS, read(`${HOME}/.ssh/config`)).action, 'deny');
  t.is(decide(SECRETS, read(`${HOME}/.ssh`)).action, 'deny', '`dir/**` covers the directory itself');
  t.is(decide(SECRETS, read('/etc/shadow')).action, 'deny');
  t.is(decide(SECRETS, read('secrets/db.txt')).action, 'deny');
  t.is(decide(SECRETS, read(`${WS}/secrets/x/y`)).action, 'deny');
  t.is(decide(SECRETS, read('pkg/deep/.env')).action, 'deny', 'a bare name matches at any depth');
  t.is(decide(SECRETS, read('src/app.ts')).action, 'allow');
  t.is(decide(SECRETS, read('/tmp/secrets/x')).action, 'allow', 'workspace-relative globs stay in the workspace');
});

test('paths are normalized before matching', (t) => {
  t.is(decide(SECRETS, read('src/../../repo/secrets//a')).action, 'deny');
  t.is(decide(SECRETS, read('/etc/./shadow')).action, 'deny');
  t.is(decide(SECRETS, { ...read('id_rsa'), cwd: `${HOME}/.ssh` }).action, 'deny', 'relative to the action cwd');
});

test('bash: arguments, `--opt=path`, redirections, `cd` and $HOME', (t) => {
  t.is(decide(SECRETS, bash('cat ~/.ssh/id_rsa | base64')).action, 'deny');
  t.is(decide(SECRETS, bash('cp x --target=/etc/shadow')).action, 'deny');
  t.is(decide(SECRETS, bash('echo key >> ~/.ssh/authorized_keys')).action, 'deny');
  t.is(decide(SECRETS, bash('cd ~/.ssh && cat id_rsa')).action, 'deny');
  t.is(decide(SECRETS, bash('cat "$HOME/.ssh/id_rsa"')).action, 'deny');
  t.is(decide(SECRETS, bash('ls -la src && echo hi 2>&1')).action, 'allow');
});

test('other tools: file_path and paths inputs', (t) => {
  t.is(decide(SECRETS, tool('edit', { file_path: '.env' })).action, 'deny');
  t.is(decide(SECRETS, tool('mcp__fs__read_many', { paths: ['a.txt', '/etc/shadow'] })).action, 'deny');
  t.is(decide(SECRETS, tool('fetch', { url: 'https://x/.env' })).action, 'allow', 'URLs are not paths');
});

test('allow rules need every path to match', (t) => {
  const y = 'name: ws\nmatch: { path: "./**" }\naction: allow';
  const opts = { defaults: { tool_call: 'ask' as const } };
  t.is(decide(y, bash('cp a.txt b.txt'), opts).action, 'allow');
  t.is(decide(y, bash('cp a.txt /etc/x'), opts).action, 'ask');
});

test('created_by: agent — only files this session created', (t) => {
  const y = 'name: rm-own\nmatch: { command: "rm *", path: { created_by: agent } }\naction: allow';
  const { session: s } = session(y, { defaults: { tool_call: 'ask' } });
  t.is(s.decide(bash('rm out.txt')).action, 'ask');
  s.evaluate({ phase: 'tool_result', tool: { name: 'write', input: { path: 'out.txt' }, created: true } });
  s.evaluate({ phase: 'tool_result', tool: { name: 'write', input: { path: 'old.txt' }, created: false } });
  t.is(s.decide(bash('rm out.txt')).action, 'allow');
  t.is(s.decide(bash(`rm ${WS}/out.txt`)).action, 'allow');
  t.is(s.decide(bash('rm old.txt')).action, 'ask');
  t.is(s.decide(bash('rm out.txt old.txt')).action, 'ask', 'every path must be the agent\'s');
  t.deepEqual(s.snapshot().created, [`${WS}/out.txt`]);
});

test('created_by with a glob, and via the fileExists hook on write tool_calls', (t) => {
  const y = 'name: tmp\nmatch: { path: { glob: "tmp/**", created_by: agent } }\naction: warn';
  const { session: s } = session(y, { fileExists: (p) => p.endsWith('existing.txt') });
  s.evaluate(write('tmp/new.txt'));
  s.evaluate(write('tmp/existing.txt'));
  t.is(s.decide(read('tmp/new.txt')).action, 'warn');
  t.is(s.decide(read('tmp/existing.txt')).action, 'allow');
  const d = s.decide(read('tmp/new.txt'));
  t.is(d.state![`created:${WS}/tmp/new.txt`], true);
});

test('problems', (t) => {
  t.deepEqual(problems('name: x\npath: { created_by: user }\naction: deny'), ['2:21: `created_by`: only `agent` is supported, got string `user`']);
  t.deepEqual(problems('name: x\npath: {}\naction: deny'), ['2:7: `path` needs `glob` or `created_by`']);
});
