// The layout kept across runs: the file's round trip through the dashboard state, restoring over
// a changed session list, hand-edited and broken files, and the atomic 0600 write.
import test from 'ava';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dashReducer, initialDashState, panesInOrder, savedLayoutOf, type DashAction, type DashState } from '../../src/tui/dashboard-state.js';
import { computeGeometry, type LayoutNode } from '../../src/tui/layout/index.js';
import { fileLayoutStore, layoutFile, parseLayout, readLayoutFile, serializeLayout, writeLayoutFile, type SavedLayout } from '../../src/tui/layout/persist.js';

const SIZE = { cols: 120, rows: 40 };

function tmpDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bridle-layout-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function run(...actions: DashAction[]): DashState {
  return actions.reduce(dashReducer, initialDashState);
}

/** Each pane's outer rectangle keyed by the session it shows: what the person sees. */
function screen(s: DashState): Record<string, [number, number, number, number]> {
  const g = computeGeometry(s.layout, SIZE);
  // Empty panes by their place in reading order: pane ids differ after a restore.
  let empty = 0;
  return Object.fromEntries(g.panes.map((p) => [s.panes[p.id] ?? `empty${empty++}`, [p.outer.x, p.outer.y, p.outer.width, p.outer.height]]));
}

function focusedSession(s: DashState): string | null {
  return s.layout.focus === null ? null : (s.panes[s.layout.focus] ?? null);
}

function restore(saved: SavedLayout, existing: string[], live: string[] = existing): DashState {
  return dashReducer(initialDashState, { type: 'restore', saved, existing, live });
}

// s1 | (s2 / (s3 | s4)), built with the dashboard's own actions, then swapped and refocused so the
// pane ids are no longer in reading order.
function built(): DashState {
  return run(
    { type: 'sessions', live: ['s1', 's2'] },
    { type: 'focus-next', delta: 1 },
    { type: 'split', axis: 'column', candidates: ['s3'] },
    { type: 'split', axis: 'row', candidates: ['s4'] },
    { type: 'swap', delta: -1 },
    { type: 'split', axis: 'row', candidates: [] },
  );
}

test('round trip: nested splits with weights, an empty pane, focus and zoom come back as they were', (t) => {
  // Focus on s3 (last in reading order, after the empty pane), zoomed.
  const before = ([{ type: 'focus-next', delta: 1 }, { type: 'zoom' }] as DashAction[]).reduce(dashReducer, built());
  t.true(before.layout.zoomed);
  t.is(focusedSession(before), 's3');
  t.is(panesInOrder(before).length, 5);
  const saved = savedLayoutOf(before);
  const dir = tmpDir(t);
  const file = layoutFile(dir);
  writeLayoutFile(file, saved);
  const loaded = readLayoutFile(file);
  if (loaded.kind !== 'ok') return t.fail(`not loaded: ${JSON.stringify(loaded)}`);
  t.deepEqual(loaded.saved, saved);
  const after = restore(loaded.saved, ['s1', 's2', 's3', 's4']);
  t.deepEqual(savedLayoutOf(after), saved);
  t.true(after.layout.zoomed);
  t.is(focusedSession(after), focusedSession(before));
  t.deepEqual(screen(after), screen(before));
  // Unzoomed, every pane is where it was, the empty one included.
  t.deepEqual(screen(dashReducer(after, { type: 'zoom' })), screen(dashReducer(before, { type: 'zoom' })));
  t.deepEqual(
    panesInOrder(after).map((p) => p.session),
    panesInOrder(before).map((p) => p.session),
  );
});

test('round trip keeps uneven weights exactly', (t) => {
  const saved: SavedLayout = {
    root: { split: 'column', weights: [0.7, 0.3], children: [{ split: 'row', weights: [3, 1, 2], children: [{ session: 'a' }, { session: 'b' }, { session: null }] }, { session: 'c' }] },
    focus: 3,
    zoomed: false,
    closed: ['z'],
  };
  const parsed = parseLayout(serializeLayout(saved));
  t.deepEqual(parsed, saved);
  const s = restore(saved, ['a', 'b', 'c', 'z']);
  t.deepEqual(savedLayoutOf(s), saved);
  t.is(focusedSession(s), 'c');
  const root = s.layout.root as LayoutNode;
  t.is(root.kind, 'split');
  if (root.kind === 'split') t.deepEqual(root.weights, [0.7, 0.3]);
});

test('restore drops panes of gone sessions (their space to the sibling) and gives new live sessions a pane', (t) => {
  const saved: SavedLayout = {
    root: { split: 'row', weights: [2, 1], children: [{ session: 's1' }, { split: 'column', weights: [1, 1], children: [{ session: 's2' }, { session: 's3' }] }] },
    focus: 1, // s2
    zoomed: false,
    closed: [],
  };
  // s2 is gone: s3 takes its place in the right column, and the focus with it (as `close` does).
  const dropped = restore(saved, ['s1', 's3']);
  t.deepEqual(
    panesInOrder(dropped).map((p) => p.session),
    ['s1', 's3'],
  );
  t.is(focusedSession(dropped), 's3');
  t.deepEqual(savedLayoutOf(dropped).root, { split: 'row', weights: [2, 1], children: [{ session: 's1' }, { session: 's3' }] });
  // An ended session the daemon still lists keeps its pane (it is not live, but it exists).
  const ended = restore(saved, ['s1', 's2', 's3'], ['s1', 's3']);
  t.deepEqual(
    panesInOrder(ended).map((p) => p.session),
    ['s1', 's2', 's3'],
  );
  // A session started while detached gets a pane, as a new session does.
  const added = restore(saved, ['s1', 's3', 's4'], ['s1', 's3', 's4']);
  t.deepEqual(panesInOrder(added).map((p) => p.session).sort(), ['s1', 's3', 's4']);
  t.is(focusedSession(added), 's3', 'the focus stays where it was');
  // Everything gone: no panes, and the new live session gets the first one.
  const fresh = restore(saved, ['s9'], ['s9']);
  t.deepEqual(panesInOrder(fresh), [{ pane: fresh.layout.focus!, session: 's9' }]);
});

test('restore fills an empty pane first and keeps closed sessions closed', (t) => {
  const saved: SavedLayout = {
    root: { split: 'column', weights: [1, 1], children: [{ session: 's1' }, { session: null }] },
    focus: 0,
    zoomed: true,
    closed: ['s2', 'gone'],
  };
  const s = restore(saved, ['s1', 's2', 's3'], ['s1', 's2', 's3']);
  // s2's pane was closed by the person: not given one again; s3 is new: the empty pane shows it.
  t.deepEqual(
    panesInOrder(s).map((p) => p.session),
    ['s1', 's3'],
  );
  t.deepEqual(savedLayoutOf(s).closed, ['s2'], 'a closed session that is gone is forgotten');
  // Later lists do not bring s2 back either.
  const later = dashReducer(s, { type: 'sessions', live: ['s1', 's2', 's3'] });
  t.is(later, s);
});

test('a zoomed layout whose focused pane is gone comes back unzoomed', (t) => {
  const saved: SavedLayout = { root: { split: 'row', weights: [1, 1], children: [{ session: 'a' }, { session: 'b' }] }, focus: 1, zoomed: true, closed: [] };
  const s = restore(saved, ['a']);
  t.false(s.layout.zoomed);
  t.is(focusedSession(s), 'a');
  const kept = restore({ ...saved, root: { split: 'row', weights: [1, 1, 1], children: [{ session: 'a' }, { session: 'b' }, { session: 'c' }] } }, ['b', 'c']);
  t.true(kept.layout.zoomed, 'zoom stays while its pane and others remain');
  t.is(focusedSession(kept), 'b');
});

test('restore assigns pane ids after the ones already used', (t) => {
  const before = run({ type: 'sessions', live: ['x'] }, { type: 'split', axis: 'row', candidates: [] });
  const s = dashReducer(before, { type: 'restore', saved: { root: { session: 'a' }, focus: 0, zoomed: false, closed: [] }, existing: ['a'], live: ['a'] });
  t.deepEqual(Object.keys(s.panes), [`p${before.nextPane}`]);
  t.is(s.nextPane, before.nextPane + 1);
});

const good = { version: 1, root: { split: 'row', weights: [1, 1], children: [{ session: 'a' }, { session: 'b' }] }, focus: 0, zoomed: false, closed: [] };
const withRoot = (root: unknown, extra: Record<string, unknown> = {}): string => JSON.stringify({ ...good, root, ...extra });
let deep: unknown = { session: 'd' };
for (let i = 0; i < 200; i++) deep = { split: 'row', weights: [1, 1], children: [deep, { session: null }] };

const broken: Array<[string, string, RegExp]> = [
  ['truncated JSON', JSON.stringify(good).slice(0, 40), /not valid JSON/],
  ['empty file', '', /not valid JSON/],
  ['an array', '[]', /not an object/],
  ['null', 'null', /not an object/],
  ['unknown version', JSON.stringify({ ...good, version: 2 }), /format version 2/],
  ['version as a string', JSON.stringify({ ...good, version: '1' }), /format version "1"/],
  ['no version', JSON.stringify({ ...good, version: undefined }), /format version missing/],
  ['root a number', withRoot(5), /root: not an object/],
  ['a node that is neither', withRoot({ split: 'diagonal', weights: [1, 1], children: [{ session: 'a' }, { session: 'b' }] }), /neither a pane nor/],
  ['a split with one child', withRoot({ split: 'row', weights: [1], children: [{ session: 'a' }] }), /fewer than two/],
  ['weights not one per child', withRoot({ split: 'row', weights: [1], children: [{ session: 'a' }, { session: 'b' }] }), /not one per child/],
  ['a weight as a string', withRoot({ split: 'row', weights: ['1', 1], children: [{ session: 'a' }, { session: 'b' }] }), /weights\[0\]/],
  ['a zero weight', withRoot({ split: 'row', weights: [1, 0], children: [{ session: 'a' }, { session: 'b' }] }), /weights\[1\]/],
  ['a negative weight', withRoot({ split: 'row', weights: [-1, 1], children: [{ session: 'a' }, { session: 'b' }] }), /weights\[0\]/],
  ['a session id as a number', withRoot({ split: 'row', weights: [1, 1], children: [{ session: 'a' }, { session: 7 }] }), /children\[1\]\.session/],
  ['an empty session id', withRoot({ session: '' }), /root\.session/],
  ['a session in two panes', withRoot({ split: 'row', weights: [1, 1], children: [{ session: 'a' }, { session: 'a' }] }), /in two panes/],
  ['focus past the last pane', withRoot(good.root, { focus: 2 }), /focus/],
  ['focus not an integer', withRoot(good.root, { focus: 0.5 }), /focus/],
  ['focus as a pane id', withRoot(good.root, { focus: 'p1' }), /focus/],
  ['focus without panes', withRoot(null, { focus: 0 }), /focus/],
  ['zoomed as a string', withRoot(good.root, { zoomed: 'yes' }), /zoomed/],
  ['closed not a list', withRoot(good.root, { closed: 'a' }), /closed/],
  ['closed with a number', withRoot(good.root, { closed: [1] }), /closed\[0\]/],
  ['nested absurdly deep', withRoot(deep), /too deep/],
];

for (const [what, text, problem] of broken) {
  test(`a bad file is refused, not half applied: ${what}`, (t) => {
    const parsed = parseLayout(text);
    if (!('problem' in parsed)) return t.fail(`accepted: ${JSON.stringify(parsed)}`);
    t.regex(parsed.problem, problem);
  });
}

test('the good file those are made from is accepted (the cases above fail for their own reason)', (t) => {
  t.deepEqual(parseLayout(JSON.stringify(good)), { root: good.root, focus: 0, zoomed: false, closed: [] });
  t.deepEqual(parseLayout(withRoot(null, { focus: null })), { root: null, focus: null, zoomed: false, closed: [] });
});

test('reading: a missing file is nothing, an unreadable or bad one is a problem, never an exception', (t) => {
  const dir = tmpDir(t);
  t.deepEqual(readLayoutFile(path.join(dir, 'none.json')), { kind: 'none' });
  const asDir = path.join(dir, 'dir.json');
  mkdirSync(asDir);
  t.is(readLayoutFile(asDir).kind, 'bad');
  const bad = path.join(dir, 'bad.json');
  writeFileSync(bad, '{"version": 1, "root": ');
  t.deepEqual(readLayoutFile(bad), { kind: 'bad', problem: 'bad.json: not valid JSON' });
});

test('the write is atomic (a new file renamed over the old one) and mode 0600', (t) => {
  const dir = tmpDir(t);
  const file = layoutFile(path.join(dir, 'state'));
  const saved: SavedLayout = { root: { session: 'a' }, focus: 0, zoomed: false, closed: [] };
  writeLayoutFile(file, saved);
  t.is(statSync(file).mode & 0o777, 0o600);
  // A file someone left readable is replaced, not rewritten in place: a new inode, mode 0600.
  writeFileSync(file, 'old', { mode: 0o644 });
  const oldInode = statSync(file).ino;
  writeLayoutFile(file, saved);
  t.not(statSync(file).ino, oldInode);
  t.is(statSync(file).mode & 0o777, 0o600);
  t.deepEqual(readdirSync(path.dirname(file)), [path.basename(file)], 'no temp file left behind');
  t.deepEqual(parseLayout(readFileSync(file, 'utf8')), saved);

  // When the rename fails, the old file stays whole and the temp file goes.
  const blocked = path.join(dir, 'blocked');
  mkdirSync(path.join(blocked, 'dashboard-layout.json', 'inside'), { recursive: true });
  t.throws(() => writeLayoutFile(layoutFile(blocked), saved));
  t.deepEqual(readdirSync(blocked), ['dashboard-layout.json']);
});

test('the store writes the latest save once, on flush or after the debounce', async (t) => {
  const dir = tmpDir(t);
  const file = layoutFile(dir);
  const store = fileLayoutStore(file, { debounceMs: 20 });
  const one: SavedLayout = { root: { session: 'one' }, focus: 0, zoomed: false, closed: [] };
  const two: SavedLayout = { ...one, root: { session: 'two' } };
  store.save(one);
  store.save(two);
  t.false(existsSync(file), 'nothing written before the debounce');
  store.flush();
  t.deepEqual(store.load(), { kind: 'ok', saved: two });
  store.flush();
  t.deepEqual(store.load(), { kind: 'ok', saved: two }, 'a flush with nothing pending writes nothing new');
  // Without a flush, the timer writes it.
  store.save(one);
  const deadline = Date.now() + 10_000;
  while (JSON.stringify(store.load()) !== JSON.stringify({ kind: 'ok', saved: one })) {
    if (Date.now() > deadline) return t.fail('the debounced save never came');
    await new Promise((r) => setTimeout(r, 10));
  }
  t.pass();
});

test('a write that fails (the state dir is a file) does not throw out of the store', (t) => {
  const dir = tmpDir(t);
  const notDir = path.join(dir, 'file');
  writeFileSync(notDir, '');
  const store = fileLayoutStore(layoutFile(notDir), { debounceMs: 10 });
  store.save({ root: null, focus: null, zoomed: false, closed: [] });
  t.notThrows(() => store.flush());
  t.is(store.load().kind, 'bad');
});
