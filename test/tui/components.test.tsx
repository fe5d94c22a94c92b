// Component tests: what each piece of the dashboard shows, rendered by Ink into a fake stdout.
import test from 'ava';
import { render } from 'ink-testing-library';
import { AskPrompt, askKeysOf } from '../../src/tui/components/AskPrompt.js';
import { Help, helpPages } from '../../src/tui/components/Help.js';
import { SessionList } from '../../src/tui/components/SessionList.js';
import { StatusBar } from '../../src/tui/components/StatusBar.js';
import { TerminalPane } from '../../src/tui/components/TerminalPane.js';
import { TranscriptPane } from '../../src/tui/components/TranscriptPane.js';
import { inkColor, rowRuns } from '../../src/tui/components/runs.js';
import { summarizeAction } from '../../src/tui/format.js';
import { DEFAULT_KEYMAP, describeBindings } from '../../src/tui/keymap.js';
import { parseKeymapText } from '../../src/tui/keymap-config.js';
import { TerminalModel } from '../../src/tui/terminal/model.js';
import { emptyTranscript, foldEvents } from '../../src/tui/transcript.js';

function frameOf(r: ReturnType<typeof render>): string {
  const f = r.lastFrame() ?? '';
  r.unmount();
  return f;
}

test('rowRuns: one run per style, cursor as its own inverse cell, trailing blanks dropped', async (t) => {
  const m = new TerminalModel({ cols: 12, rows: 1 });
  t.teardown(() => m.dispose());
  m.write('ab\x1b[31mcd\x1b[0mef');
  await m.drain();
  const row = m.frame().rows[0]!;
  t.deepEqual(
    rowRuns(row).map((r) => [r.text, r.style.fg]),
    [
      ['ab', null],
      ['cd', 1],
      ['ef', null],
    ],
  );
  const withCursor = rowRuns(row, 6);
  t.deepEqual(withCursor.map((r) => [r.text, r.style.inverse]), [
    ['ab', false],
    ['cd', false],
    ['ef', false],
    [' ', true],
  ]);
  t.deepEqual(rowRuns(row, 1).map((r) => r.text), ['a', 'b', 'cd', 'ef']);
  t.is(inkColor(1), 'red');
  t.is(inkColor(9), 'redBright');
  t.is(inkColor(8), 'gray');
  t.is(inkColor(208), 'ansi256(208)');
  t.is(inkColor('#0a141e'), '#0a141e');
  t.is(inkColor(null), undefined);
});

test('TerminalPane renders the model rows', async (t) => {
  const m = new TerminalModel({ cols: 20, rows: 3 });
  t.teardown(() => m.dispose());
  m.write('$ ls\r\n\x1b[34mdocs\x1b[0m  src\r\n$ ');
  await m.drain();
  const out = frameOf(render(<TerminalPane frame={m.frame()} width={20} height={3} showCursor={false} />));
  t.deepEqual(out.split('\n').map((l) => l.trimEnd()), ['$ ls', 'docs  src', '$']);
});

test('TranscriptPane: messages, tool call with decision and rule, usage line', (t) => {
  const tr = foldEvents(emptyTranscript, [
    { seq: 1, ts: 1, type: 'request', payload: { kind: 'user_message', text: 'push it' } },
    { seq: 2, ts: 2, type: 'tool_call', payload: { kind: 'tool_call', call_id: 'c', tool: { name: 'bash', input: { command: 'git push' } } } },
    { seq: 3, ts: 3, type: 'tool_call', payload: { kind: 'decision', call_id: 'c', decision: { action: 'deny', rule: 'push-after-install', message: 'installed packages first' } } },
    { seq: 4, ts: 4, type: 'usage', payload: { kind: 'metered', costUsd: 1.25, inputTokens: 1200, outputTokens: 30 } },
  ]);
  const out = frameOf(render(<TranscriptPane transcript={tr} width={60} height={6} />));
  t.regex(out, /› push it/);
  t.regex(out, /⚙ bash git push \[deny: push-after-install\]/);
  t.regex(out, /installed packages first/);
  t.regex(out, /usage \$1\.25 · 1\.2k in · 30 out/);
});

test('SessionList: elapsed, agent, harness, state, cost; selected marked', (t) => {
  const now = 1_000_000;
  const out = frameOf(
    render(
      <SessionList
        now={now}
        width={70}
        selected="s2"
        sessions={[
          { id: 's1', agent: 'coder-a', harness: 'claude-code', state: 'working', costUsd: 0.42, createdAt: now - 65_000, endedAt: null },
          { id: 's2', agent: 'coder-b', harness: 'codex', state: 'asking', costUsd: 1.5, createdAt: now - 5_000, endedAt: null },
          { id: 's3', agent: 'debby', harness: 'pi', state: 'failed', costUsd: 0, createdAt: now - 100_000, endedAt: now - 40_000 },
        ]}
      />,
    ),
  );
  const lines = out.split('\n').map((l) => l.trimEnd());
  t.deepEqual(lines, [
    '  1m05s  coder-a claude-code  working  $0.42',
    '▸ 5s     coder-b codex  asking  $1.50',
    '  1m00s  debby pi  failed  $0.00',
  ]);
  t.regex(frameOf(render(<SessionList now={0} width={40} sessions={[]} />)), /no sessions/);
});

test('StatusBar: spend, pending asks, mode and hints', (t) => {
  t.is(frameOf(render(<StatusBar totalCostUsd={3.5} pendingAsks={2} mode="normal" hints="C-b ? help" width={60} />)).trimEnd(), ' $3.50  2 asks pending  C-b ? help');
  t.is(frameOf(render(<StatusBar totalCostUsd={0} pendingAsks={0} mode="prefix" hints="" width={60} />)).trimEnd(), ' $0.00  no asks  PREFIX');
});

test('AskPrompt: git push shows the branch, rule and message, and the answer keys', (t) => {
  const out = frameOf(
    render(
      <AskPrompt
        width={100}
        more={1}
        now={0}
        ask={{
          id: 'a_1',
          sessionId: 's1',
          agent: 'coder-b',
          action: summarizeAction({ tool: { name: 'bash', input: { command: 'git push origin main' } } }),
          rules: ['push-after-install'],
          message: 'a package was installed in this session; pushing needs a person',
          expiresAt: 30_000,
        }}
      />,
    ),
  );
  t.regex(out, /ASK coder-b wants to git push\s+\(denied in 30s\)/);
  t.regex(out, /branch main → origin/);
  t.regex(out, /rule push-after-install: a package was installed/);
  t.regex(out, /y allow once {2}a allow for session {2}n deny once {2}N deny for session {2}Tab next ask \(1 more\)/);
});

test('AskPrompt: command and path asks; remapped keys show', (t) => {
  const km = parseKeymapText('keys.yaml', 'ask_keys:\n  Y: allow-session\n  a: none\n');
  const out = frameOf(
    render(
      <AskPrompt
        width={80}
        more={0}
        keys={askKeysOf(km)}
        ask={{ id: 'a', sessionId: 's', agent: 'polly', action: summarizeAction({ tool: { name: 'write', input: { path: '.env' } } }), rules: [], message: 'secrets' }}
      />,
    ),
  );
  t.regex(out, /polly wants to touch/);
  t.regex(out, /\.env \(write\)/);
  t.regex(out, /rule \(default\): secrets/);
  t.regex(out, /Y allow for session/);
  t.notRegex(out, /next ask/);
});

test('Help lists the bindings of the keymap in use', (t) => {
  const out = frameOf(render(<Help keymap={DEFAULT_KEYMAP} width={70} />));
  t.regex(out, /prefix C-b/);
  t.regex(out, /% +split the pane, new pane on the right/);
  t.regex(out, /Left h +focus the pane on the left/);
  t.regex(out, /N +deny it for the rest of the session/);
  t.regex(out, /in copy mode/);
  t.regex(out, /Space v +start selecting at the cursor/);
  t.regex(out, /Enter y +copy the selection and leave copy mode/);
  t.regex(out, /\] +paste the last copied text into the pane/);
});

test('Help flows into columns, then pages, when the screen is small; every binding is on some page', (t) => {
  const bindings = describeBindings(DEFAULT_KEYMAP);
  const pageText = (page: number) => frameOf(render(<Help keymap={DEFAULT_KEYMAP} width={80} height={20} page={page} />));
  const pages = helpPages(DEFAULT_KEYMAP, 80, 20);
  t.true(pages > 1);
  const all = Array.from({ length: pages }, (_, i) => pageText(i));
  t.true(all.every((p) => p.split('\n').length <= 20), 'each page fits the height');
  t.regex(all[0]!, /page 1\/\d, Space for more/);
  for (const b of bindings) t.true(all.some((p) => p.includes(b.help.slice(0, 20))), `${b.command} is listed`);
  t.is(pageText(pages), all[0]!, 'pages wrap around');
});

test('rowRuns: a selection is inverse, blanks included; the cursor inside it is the one cell not inverse', async (t) => {
  const m = new TerminalModel({ cols: 10, rows: 1 });
  t.teardown(() => m.dispose());
  m.write('ab\x1b[31mcd\x1b[0mef');
  await m.drain();
  const row = m.frame().rows[0]!;
  t.deepEqual(
    rowRuns(row, undefined, [1, 8]).map((r) => [r.text, r.style.inverse, r.style.fg]),
    [
      ['a', false, null],
      ['b', true, null],
      ['cd', true, 1],
      ['ef  ', true, null],
    ],
  );
  t.deepEqual(
    rowRuns(row, 3, [1, 4]).map((r) => [r.text, r.style.inverse]),
    [
      ['a', false],
      ['b', true],
      ['c', true],
      ['d', false],
      ['ef', false],
    ],
  );
});
