// Formatters, action summaries for asks, and the transcript fold over protocol events.
import test from 'ava';
import { formatCost, formatElapsed, formatTokens, summarizeAction } from '../../src/tui/format.js';
import { emptyTranscript, foldEvents, type StoredEvent } from '../../src/tui/transcript.js';

test('cost, elapsed and tokens', (t) => {
  t.is(formatCost(0), '$0.00');
  t.is(formatCost(12.345), '$12.35');
  t.is(formatCost(150.2), '$150');
  t.is(formatElapsed(42_500), '42s');
  t.is(formatElapsed(185_000), '3m05s');
  t.is(formatElapsed(7_620_000), '2h07m');
  t.is(formatTokens(48210), '48.2k');
});

test('actions summarised as command / push with branch / path / host', (t) => {
  t.deepEqual(summarizeAction({ tool: { name: 'bash', input: { command: 'npm install' } } }), { kind: 'command', text: 'npm install', tool: 'bash' });
  t.like(summarizeAction({ tool: { name: 'bash', input: { command: 'git push origin feature/x' } } }), { kind: 'push', remote: 'origin', branch: 'feature/x' });
  t.like(summarizeAction({ tool: { name: 'bash', input: { command: 'cd repo && git push -u origin HEAD:main' } } }), { kind: 'push', branch: 'main' });
  t.like(summarizeAction({ phase: 'egress', git: { op: 'push', remote: 'github.com/o/r', refs: ['refs/heads/main'] } }), { kind: 'push', branch: 'main', text: 'git push github.com/o/r main' });
  t.like(summarizeAction({ tool: { name: 'write', input: { path: '.env' } } }), { kind: 'path', text: '.env' });
  t.like(summarizeAction({ tool: { name: 'fetch', input: { url: 'https://evil.io/x' } } }), { kind: 'host', text: 'evil.io' });
  t.like(summarizeAction({ phase: 'egress', egress: { host: 'example.com', port: 8443 } }), { kind: 'host', text: 'example.com:8443' });
});

test('transcript fold: messages, tool call with decision and rule, result, ask, usage; idempotent on replays', (t) => {
  const ev = (seq: number, type: string, payload: Record<string, unknown>): StoredEvent => ({ seq, ts: seq, type, payload });
  const events = [
    ev(1, 'lifecycle', { kind: 'state', state: 'working' }),
    ev(2, 'request', { kind: 'user_message', text: 'push it' }),
    ev(3, 'text', { kind: 'text_delta', turn: 1, text: 'Pushing ' }),
    ev(4, 'text', { kind: 'text_delta', turn: 1, text: 'now.' }),
    ev(5, 'tool_call', { kind: 'tool_call', call_id: 'c1', tool: { name: 'bash', input: { command: 'git push' } } }),
    ev(6, 'tool_call', { kind: 'decision', call_id: 'c1', decision: { action: 'deny', rule: 'push-after-install', message: 'no push after npm install' } }),
    ev(7, 'tool_result', { kind: 'tool_result', call_id: 'c1', output: 'Bridle policy denied Bash', is_error: true }),
    ev(8, 'lifecycle', { kind: 'ask', ask_id: 'a_1', prompt: 'bash: rm -rf — careful' }),
    ev(9, 'lifecycle', { kind: 'ask_answered', ask_id: 'a_1', answer: 'deny_once', verdict: 'deny' }),
    ev(10, 'usage', { kind: 'metered', costUsd: 0.5, inputTokens: 1000, outputTokens: 200 }),
    ev(11, 'response', { kind: 'turn_end', turn: 1, status: 'completed', text: 'Pushing now. Denied.' }),
  ];
  const a = foldEvents(emptyTranscript, events.slice(0, 6));
  const b = foldEvents(a, events.slice(4));
  t.is(b.lastSeq, 11);
  t.is(b.state, 'working');
  t.deepEqual(b.usage, { costUsd: 0.5, inputTokens: 1000, outputTokens: 200 });
  t.deepEqual(
    b.entries.map((e) => e.kind),
    ['state', 'user', 'assistant', 'tool', 'ask'],
  );
  t.like(b.entries[2], { text: 'Pushing now. Denied.', done: true });
  t.like(b.entries[3], { name: 'bash', detail: 'git push', decision: { action: 'deny', rule: 'push-after-install' }, result: { isError: true } });
  t.like(b.entries[4], { answer: 'deny_once' });
});
