// The session runtime's pure parts: the child environment is built from nothing (allowlist,
// harness recipe, proxy variables, placeholders, private HOME and TMPDIR), and the sandbox
// profile lets the agent reach only the proxy and its hook endpoint, write its workspace and
// private dir, and denies the rest of Bridle's state dir entry by entry.
import test from 'ava';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSpec } from '../../src/spec/index.js';
import { buildChildEnv, NO_CREDENTIAL, sessionProfile } from '../../src/session/index.js';
import { daemonPaths, SESSIONS_GUARD } from '../../src/session/paths.js';
import { packageRoot } from '../../src/paths.js';

const spec = loadSpec(path.join(packageRoot, 'test', 'fixtures', 'session', 'agent.yaml'));

test('the child environment holds only the allowlist, the harness recipe and the proxy variables', (t) => {
  const env = buildChildEnv({
    spec: { ...spec, env: ['LANG', 'MY_*'] },
    clientEnv: { LANG: 'de_DE.UTF-8', MY_FLAG: '1', SECRET_TOKEN: 'nope', HOME: '/home/real', ANTHROPIC_API_KEY: 'sk-real' },
    home: '/private/home',
    tmp: '/private/tmp',
    proxyEnv: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:1/s/t/anthropic', HTTPS_PROXY: 'http://bridle:t@127.0.0.1:1', ANTHROPIC_API_KEY: 'sk-ant-api03-placeholder' },
  });
  t.deepEqual(env, {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'de_DE.UTF-8',
    TERM: 'dumb',
    MY_FLAG: '1',
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    ANTHROPIC_API_KEY: 'sk-ant-api03-placeholder',
    ANTHROPIC_BASE_URL: 'http://127.0.0.1:1/s/t/anthropic',
    HTTPS_PROXY: 'http://bridle:t@127.0.0.1:1',
    NO_PROXY: '127.0.0.1,localhost,::1',
    no_proxy: '127.0.0.1,localhost,::1',
    HOME: '/private/home',
    TMPDIR: '/private/tmp',
  });
  // Without a credential the key variable holds a stand-in, never anything of the client's.
  const bare = buildChildEnv({ spec, clientEnv: { ANTHROPIC_API_KEY: 'sk-real' }, home: '/h', tmp: '/t', proxyEnv: {} });
  t.is(bare.ANTHROPIC_API_KEY, NO_CREDENTIAL);
});

test('the profile: proxy and hook ports only, private dir writable, the rest of the state dir denied', (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bridle-profile-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const paths = daemonPaths({ BRIDLE_HOME: path.join(root, 'state'), XDG_RUNTIME_DIR: path.join(root, 'rt') });
  const mine = path.join(paths.sessions, 's_mine');
  const other = path.join(paths.sessions, 's_other');
  for (const d of [mine, other, paths.runtime]) mkdirSync(d, { recursive: true });
  for (const f of [paths.token, path.join(paths.state, 'bridle.db'), path.join(paths.sessions, SESSIONS_GUARD)]) writeFileSync(f, '');
  const ws = path.join(root, 'ws');
  mkdirSync(ws);
  const profile = sessionProfile({ spec, workspace: ws, privateDir: mine, paths, proxyPort: 4100, userHome: path.join(root, 'home'), policyFiles: [] }, [4200]);
  t.is(profile.mode, 'workspace-write');
  t.deepEqual(profile.net, { mode: 'proxy', allow_ports: [4100, 4200], allow_unix_sockets: false });
  t.true(profile.fs.write.includes(ws));
  t.true(profile.fs.write.includes(mine));
  for (const denied of [paths.token, path.join(paths.state, 'bridle.db'), other, path.join(paths.sessions, SESSIONS_GUARD), paths.runtime]) {
    t.true(profile.fs.deny.includes(denied), denied);
  }
  t.false(profile.fs.deny.includes(mine));
  t.false(profile.fs.deny.includes(paths.state), 'the state dir itself is frozen by its denied entries, not denied whole');
});
