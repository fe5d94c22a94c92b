// Copy mode's search over a real terminal model fed real bytes: direction, wrap-around at either
// end, repeat from a match, smart case, wide characters, text wrapped at the edge, history above
// the screen, the overlay
// that highlights a match, and the view that brings it into sight.
import test from 'ava';
import { moveCopy } from '../../src/tui/copy/motions.js';
import { findMatch, topShowing } from '../../src/tui/copy/search.js';
import { copyOverlay, type CopyState } from '../../src/tui/copy/selection.js';
import { TerminalModel } from '../../src/tui/terminal/model.js';

async function model(lines: string[], cols: number, rows: number): Promise<TerminalModel> {
  const m = new TerminalModel({ cols, rows });
  m.write(lines.join('\r\n'));
  await m.drain();
  return m;
}

const down = (text: string) => ({ text, backward: false });
const up = (text: string) => ({ text, backward: true });
/** A match on one screen line: `width` columns from `col`. */
const on = (line: number, col: number, width: number) => ({ line, col, end: { line, col: col + width - 1 } });

test('searching down finds the next occurrence after the cursor, then wraps to the top', async (t) => {
  const m = await model(['alpha beta', 'gamma beta', 'delta', 'beta end'], 20, 4);
  t.teardown(() => m.dispose());
  t.deepEqual(findMatch(m, down('beta'), { line: 0, col: 0 }), on(0, 6, 4));
  // From a match, the search moves on: the same line's occurrence is not found again.
  t.deepEqual(findMatch(m, down('beta'), { line: 0, col: 6 }), on(1, 6, 4));
  t.deepEqual(findMatch(m, down('beta'), { line: 1, col: 6 }), on(3, 0, 4));
  t.deepEqual(findMatch(m, down('beta'), { line: 3, col: 0 }), on(0, 6, 4), 'wraps around past the last line');
});

test('searching up finds the previous occurrence before the cursor, then wraps to the bottom', async (t) => {
  const m = await model(['alpha beta', 'gamma beta', 'delta', 'beta end'], 20, 4);
  t.teardown(() => m.dispose());
  t.deepEqual(findMatch(m, up('beta'), { line: 3, col: 5 }), on(3, 0, 4));
  t.deepEqual(findMatch(m, up('beta'), { line: 3, col: 0 }), on(1, 6, 4));
  t.deepEqual(findMatch(m, up('beta'), { line: 0, col: 6 }), on(3, 0, 4), 'wraps around past the first line');
});

test('two occurrences on one line are both found, in either direction', async (t) => {
  const m = await model(['ab ab ab'], 20, 2);
  t.teardown(() => m.dispose());
  t.deepEqual(findMatch(m, down('ab'), { line: 0, col: 0 }), on(0, 3, 2));
  t.deepEqual(findMatch(m, down('ab'), { line: 0, col: 3 }), on(0, 6, 2));
  t.deepEqual(findMatch(m, up('ab'), { line: 0, col: 6 }), on(0, 3, 2));
  // The only other occurrence is the cursor's own: after a full wrap-around it is found again.
  const single = await model(['one x'], 20, 2);
  t.teardown(() => single.dispose());
  t.deepEqual(findMatch(single, down('x'), { line: 0, col: 4 }), on(0, 4, 1));
});

test('smart case: lower-case text matches either case, a capital makes it exact', async (t) => {
  const m = await model(['Error: disk', 'error: net'], 20, 3);
  t.teardown(() => m.dispose());
  t.deepEqual(findMatch(m, down('error'), { line: 1, col: 9 }), on(0, 0, 5));
  t.deepEqual(findMatch(m, down('Error'), { line: 0, col: 0 }), on(0, 0, 5), 'only the capitalised one');
  t.is(findMatch(m, down('ERROR'), { line: 0, col: 0 }), null);
  t.is(findMatch(m, down('nowhere'), { line: 0, col: 0 }), null);
  t.is(findMatch(m, down(''), { line: 0, col: 0 }), null);
});

test('wide characters: columns and widths are screen columns', async (t) => {
  const m = await model(['日本語 text 日本'], 30, 2);
  t.teardown(() => m.dispose());
  // 日本語 takes six columns, then a space: "text" starts at column 7.
  t.deepEqual(findMatch(m, down('text'), { line: 0, col: 0 }), on(0, 7, 4));
  t.deepEqual(findMatch(m, down('日本'), { line: 0, col: 0 }), on(0, 12, 4));
  t.deepEqual(findMatch(m, up('本語'), { line: 0, col: 12 }), on(0, 2, 4));
});

test('history above the screen is searched, and the view centers on a match out of sight', async (t) => {
  const lines = Array.from({ length: 50 }, (_, i) => `row ${i + 1}`);
  const m = await model([...lines, 'prompt'], 20, 10);
  t.teardown(() => m.dispose());
  t.true(m.length > 10, 'some lines are history');
  const found = findMatch(m, up('row 7'), { line: m.length - 1, col: 0 });
  t.deepEqual(found, on(6, 0, 5));
  const view = { top: m.length - 10, rows: 10 };
  t.is(topShowing(6, view, m.length), 1, 'centered: five rows above it');
  t.is(topShowing(0, view, m.length), 0, 'not above the first line');
  t.is(topShowing(m.length - 3, view, m.length), view.top, 'a line in view leaves the view alone');
});

test('a match is drawn like a selection until the cursor moves', async (t) => {
  const m = await model(['alpha beta'], 20, 2);
  t.teardown(() => m.dispose());
  const match = findMatch(m, down('beta'), { line: 0, col: 0 })!;
  const s: CopyState = { cursor: { line: 0, col: 6 }, anchor: null, lines: false, match };
  t.deepEqual(copyOverlay(s, 0, 2, 20).spans, [[6, 10], null]);
  t.is(copyOverlay(s, 0, 2, 20).cursor, null, 'the whole match is highlighted; the cursor is its first cell');
  const moved = moveCopy(s, 'cursor-right', m, { top: 0, rows: 2 });
  t.is(moved.state.match, undefined);
  t.deepEqual(copyOverlay(moved.state, 0, 2, 20).spans, [null, null]);
  t.deepEqual(copyOverlay(moved.state, 0, 2, 20).cursor, { x: 7, y: 0 });
  // A selection in progress wins over the match highlight.
  const selecting: CopyState = { ...s, anchor: { line: 0, col: 0 } };
  t.deepEqual(copyOverlay(selecting, 0, 2, 20).spans, [[0, 7], null]);
});

test('text wrapped at the edge is searched as the line it was written as', async (t) => {
  // 10 columns: "needle" starts at column 8, so it wraps: "ne" ends row 0 and "edle" begins
  // row 1 (a continuation). Then a line of its own below.
  const m = await model(['abcdefg needle tail', 'needle alone'], 10, 4);
  t.teardown(() => m.dispose());
  t.true(m.line(1)?.wrapped, 'row 1 continues row 0');
  const across = { line: 0, col: 8, end: { line: 1, col: 3 } };
  t.deepEqual(findMatch(m, down('needle'), { line: 0, col: 0 }), across);
  t.deepEqual(findMatch(m, down('needle'), { line: 0, col: 8 }), on(2, 0, 6), 'repeating moves on to the next logical line');
  t.deepEqual(findMatch(m, up('needle'), { line: 2, col: 0 }), across, 'found from below, too');
  t.deepEqual(findMatch(m, up('needle'), { line: 1, col: 5 }), across, 'and from inside the wrapped line');
  t.deepEqual(findMatch(m, down('needle'), { line: 2, col: 0 }), across, 'wrapping around past the last line');
  // The highlight runs from the match's start to the edge, then on the next row up to its end.
  const s: CopyState = { cursor: { line: 0, col: 8 }, anchor: null, lines: false, match: across };
  t.deepEqual(copyOverlay(s, 0, 3, 10).spans, [[8, 10], [0, 4], null]);
});

test('a wide character pushed to the next row leaves no gap in the searched text', async (t) => {
  // 9 columns: "abcdefgh" leaves one column, too narrow for 日, which starts the next row; the
  // last cell of row 0 is never written.
  const m = await model(['abcdefgh日本'], 9, 3);
  t.teardown(() => m.dispose());
  t.true(m.line(1)?.wrapped);
  t.deepEqual(findMatch(m, down('h日'), { line: 0, col: 0 }), { line: 0, col: 7, end: { line: 1, col: 1 } });
});
