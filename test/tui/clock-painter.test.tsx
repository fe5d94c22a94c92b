// The clock painter rewrites exactly the session list's elapsed field: over a list row as Ink
// draws it, the painted bytes give the row Ink would draw at the later time.
import test from 'ava';
import React from 'react';
import { render } from 'ink-testing-library';
import xterm from '@xterm/headless';
import { SessionList, type SessionSummary } from '../../src/tui/components/SessionList.js';
import { ClockPainter } from '../../src/tui/terminal/clock-painter.js';

const { Terminal } = xterm;

function listLines(sessions: SessionSummary[], now: number, selected: string): string[] {
  const r = render(<SessionList now={now} width={60} selected={selected} sessions={sessions} />);
  const out = r.lastFrame() ?? '';
  r.unmount();
  return out.split('\n');
}

async function screenAfter(bytes: string[]): Promise<string[]> {
  const term = new Terminal({ cols: 60, rows: 3, allowProposedApi: true, convertEol: true });
  for (const b of bytes) await new Promise<void>((r) => term.write(b, r));
  const lines = [0, 1, 2].map((y) => term.buffer.active.getLine(y)!.translateToString(true).trimEnd());
  term.dispose();
  return lines;
}

test('painting the clocks later gives the rows a render at that time would give', async (t) => {
  const t0 = 10_000_000;
  const sessions: SessionSummary[] = [
    { id: 'a', agent: 'coder-a', harness: 'claude-code', state: 'working', costUsd: 0.42, createdAt: t0 - 5_000, endedAt: null },
    { id: 'b', agent: 'coder-b', harness: 'codex', state: 'asking', costUsd: 1.5, createdAt: t0 - 65_000, endedAt: null },
  ];
  let now = t0;
  const painter = new ClockPainter(() => undefined, () => now);
  t.teardown(() => painter.dispose());
  painter.setRows([
    { y: 0, since: sessions[0]!.createdAt, inverse: false },
    { y: 1, since: sessions[1]!.createdAt, inverse: true },
  ]);
  const drawn = listLines(sessions, t0, 'b').join('\n');
  now = t0 + 3_600_000 + 120_000;
  const painted = await screenAfter([drawn, painter.paint()]);
  const expected = await screenAfter([listLines(sessions, now, 'b').join('\n')]);
  t.deepEqual(painted, expected);
  t.regex(painted[0]!, /^ {2}1h02m +coder-a/);
  // The focused row keeps its inverse style in the painted field.
  t.true(painter.paint().includes('\x1b[2;3H\x1b[0;7m'));
});

test('no rows (an overlay is open, or nothing is live): nothing to paint, no timer', (t) => {
  const writes: string[] = [];
  const painter = new ClockPainter((b) => writes.push(b));
  painter.setRows([]);
  t.is(painter.paint(), '');
  painter.dispose();
  t.deepEqual(writes, []);
});
