// `bridle model-server` as users run it: a real child process, stopped by a signal.
import test from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { modelServerCommand } from '../../src/cli/commands/model-server.js';
import { UsageError, type CliIO } from '../../src/cli/command.js';
import { tempDir } from './helpers.js';

const sample = path.join(packageRoot, 'test/fixtures/model-server/sample.yaml');

function captureIO(cwd: string): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (s) => void out.push(s), stderr: (s) => void err.push(s), env: {}, cwd };
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`prints its URL, serves the script, logs requests, and exits 0 on ${signal}`, async (t) => {
    const dir = tempDir(t);
    const log = path.join(dir, 'requests.jsonl');
    const child = spawn(process.execPath, [path.join(packageRoot, 'bin/bridle.js'), 'model-server', '--script', sample, '--log', log], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.teardown(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.setEncoding('utf8');
    while (!stdout.includes('\n')) {
      const [chunk] = (await Promise.race([once(child.stdout, 'data'), once(child, 'exit')])) as [string];
      if (child.exitCode !== null) t.fail(`exited early: ${stderr}`);
      stdout += chunk;
    }
    const match = /^model-server listening on (http:\/\/127\.0\.0\.1:(\d+))\n$/.exec(stdout);
    t.truthy(match, stdout);
    const url = match![1]!;

    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hello?' }] }),
    });
    const body = (await res.json()) as { choices: Array<{ message: { content: string } }> };
    t.is(body.choices[0]!.message.content, 'Hello! I am a scripted model.');

    child.kill(signal);
    const [code] = (await once(child, 'exit')) as [number | null];
    t.is(code, 0, stderr);
    t.is(stderr, '#1 POST /v1/chat/completions -> turn 1 "greet" [200]\n');
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { path: string; turn: number });
    t.deepEqual(lines.map((l) => [l.path, l.turn]), [['/v1/chat/completions', 1]]);
  });
}

test('an invalid script is reported as file:line:col and exits 1', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'bad.yaml');
  writeFileSync(file, '- user: hi\n  reply:\n    text: ok\n    tool_calls:\n      - { nme: Bash }\n');
  const io = captureIO(dir);
  t.is(await modelServerCommand.run(['--script', 'bad.yaml'], io), 1);
  t.deepEqual(io.err, [`${file}:5:11: tool call: unknown key \`nme\`; did you mean \`name\`?\n`]);
  t.deepEqual(io.out, []);
});

test('usage errors: missing --script, bad port, stray argument', async (t) => {
  const io = captureIO('/');
  await t.throwsAsync(modelServerCommand.run([], io), { instanceOf: UsageError, message: 'missing --script FILE' });
  await t.throwsAsync(modelServerCommand.run(['--script', 'x', '--port', 'http'], io), { instanceOf: UsageError, message: /--port must be a number/ });
  await t.throwsAsync(modelServerCommand.run(['--script=x', 'extra'], io), { instanceOf: UsageError, message: 'unexpected argument `extra`' });
});
