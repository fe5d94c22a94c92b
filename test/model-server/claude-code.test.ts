// The real Claude Code CLI against the scripted server, offline: proves the Anthropic wire
// format (streaming, tool_use, usage) is what that client accepts, and that turn matching
// follows a real agent loop (prompt → tool calls → tool results → final answer).
import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { startModelServer, type ModelServer } from '../../src/model-server/index.js';
import { tempDir } from './helpers.js';

const claude = path.join(packageRoot, 'node_modules/.bin/claude');
const API_KEY = 'sk-ant-placeholder-not-a-real-key';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs claude with an environment built from nothing, so no host config or key leaks in. */
function runClaude(t: ExecutionContext, server: ModelServer, cwd: string, args: string[]): Promise<Run> {
  const home = tempDir(t, 'bridle-claude-home-');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    ANTHROPIC_BASE_URL: server.url,
    ANTHROPIC_API_KEY: API_KEY,
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
  };
  const child = spawn(claude, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

type Block = { type: string; text?: string; tool_use_id?: string; content?: unknown };
type Message = { role: string; content: string | Block[] };

function lastUserMessage(body: unknown): Message | undefined {
  const messages = (body as { messages: Message[] }).messages;
  return [...messages].reverse().find((m) => m.role === 'user');
}

test('claude runs a scripted tool round trip offline', async (t) => {
  t.true(existsSync(claude), `${claude} is missing: dev dependencies are not installed`);
  const workspace = tempDir(t, 'bridle-claude-ws-');
  const fixture = readFileSync(path.join(packageRoot, 'test/fixtures/model-server/claude-tools.yaml'), 'utf8');
  const server = await startModelServer({ script: fixture.replaceAll('{{WORKSPACE}}', workspace), logFile: path.join(tempDir(t), 'requests.jsonl') });
  t.teardown(() => server.close());

  const run = await runClaude(t, server, workspace, [
    '-p', 'Please create the files.',
    '--output-format', 'stream-json',
    '--verbose',
    '--allowedTools', 'Bash', 'Write',
  ]);
  t.is(run.code, 0, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);

  // What claude printed: the final scripted text as its result, with our usage figures summed.
  const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const result = events.find((e) => e.type === 'result') as { result: string; is_error: boolean; usage: { input_tokens: number; output_tokens: number; cache_read_input_tokens: number } };
  t.truthy(result, run.stdout);
  t.false(result.is_error);
  t.is(result.result, 'Both files are written: hello.txt and notes.md.');
  t.is(result.usage.input_tokens, 1200 + 1500);
  t.is(result.usage.output_tokens, 80 + 20);
  t.is(result.usage.cache_read_input_tokens, 1000);

  // What the tools did: claude really ran both scripted calls in the workspace.
  t.is(readFileSync(path.join(workspace, 'hello.txt'), 'utf8'), 'hi\n');
  t.is(readFileSync(path.join(workspace, 'notes.md'), 'utf8'), '# Notes\nscripted\n');

  // What claude sent: the recorded requests.
  const requests = server.requests();
  for (const r of requests.filter((r) => r.turn === null)) t.log(`side request answered by fallback: ${r.method} ${r.path}`);
  const answered = requests.filter((r) => r.turn !== null);
  t.deepEqual(answered.map((r) => r.turn), [1, 2]);
  const [first, second] = answered as [typeof answered[0], typeof answered[0]];
  for (const r of answered) {
    t.regex(r.path, /^\/v1\/messages(\?beta=true)?$/);
    t.is(r.headers['x-api-key'], API_KEY);
    t.true((r.body as { stream?: boolean }).stream, 'claude streams its main requests');
  }
  const prompt = lastUserMessage(first.body)!;
  t.true(JSON.stringify(prompt.content).includes('Please create the files.'));
  const declared = (first.body as { tools: Array<{ name: string }> }).tools.map((x) => x.name);
  t.true(declared.includes('Bash') && declared.includes('Write'), declared.join(','));

  // The second request carries one tool_result per scripted call, paired by the ids we issued.
  const results = (lastUserMessage(second.body)!.content as Block[]).filter((b) => b.type === 'tool_result');
  t.deepEqual(results.map((b) => b.tool_use_id), first.reply!.tool_calls.map((c) => c.id));
  t.regex(JSON.stringify(results[1]!.content), /File created successfully/);
  t.deepEqual(server.unusedTurns(), []);
});

test('claude shows the scripted fallback when nothing matches', async (t) => {
  const workspace = tempDir(t, 'bridle-claude-ws-');
  const server = await startModelServer({ script: [{ name: 'never', user: 'a phrase nobody sends', reply: { text: 'unreachable' } }] });
  t.teardown(() => server.close());
  const run = await runClaude(t, server, workspace, ['-p', 'What is in this folder?', '--output-format', 'json']);
  t.is(run.code, 0, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  const result = JSON.parse(run.stdout) as { result: string; is_error: boolean };
  t.false(result.is_error);
  t.true(result.result.includes('No scripted turn in <script> matches this request (user message'), result.result);
  t.true(result.result.includes('What is in this folder?'), result.result);
  t.true(result.result.includes('turn 1 "never"'), result.result);
  t.deepEqual(server.unusedTurns(), [{ index: 1, name: 'never' }]);
});
