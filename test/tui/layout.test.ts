// The layout tree: tmux-like operations, and geometry properties over random operation sequences.
import test from 'ava';
import fc from 'fast-check';
import {
  closePane,
  computeGeometry,
  distribute,
  emptyLayout,
  equalize,
  evenLayout,
  focusDirection,
  focusNext,
  minimumSize,
  paneIds,
  singlePane,
  splitPane,
  swapPanes,
  swapWithNext,
  toggleZoom,
  type Geometry,
  type Layout,
} from '../../src/tui/layout/index.js';

const SIZE = { cols: 80, rows: 24 };

function outers(g: Geometry): Record<string, [number, number, number, number]> {
  return Object.fromEntries(g.panes.map((p) => [p.id, [p.outer.x, p.outer.y, p.outer.width, p.outer.height]]));
}

test('split right then down: tmux-like tiles with title rows and separators', (t) => {
  let l = splitPane(singlePane('a'), 'row', 'b');
  l = splitPane(l, 'column', 'c');
  t.deepEqual(paneIds(l), ['a', 'b', 'c']);
  t.is(l.focus, 'c');
  const g = computeGeometry(l, SIZE);
  t.deepEqual(outers(g), { a: [0, 0, 40, 24], b: [40, 0, 40, 12], c: [40, 12, 40, 12] });
  const a = g.panes[0]!;
  // a is left of the screen's right edge: separator column, title row, content below.
  t.deepEqual(a.separator, { x: 39, y: 0, width: 1, height: 24 });
  t.deepEqual(a.content, { x: 0, y: 1, width: 39, height: 23 });
  const b = g.panes[1]!;
  t.is(b.separator.width, 0);
  t.deepEqual(b.content, { x: 40, y: 1, width: 40, height: 11 });
  t.true(g.fits);
});

test('splitting along the parent axis joins the parent and halves the share', (t) => {
  let l = splitPane(singlePane('a'), 'row', 'b');
  l = splitPane(l, 'row', 'c');
  t.is(l.root?.kind, 'split');
  if (l.root?.kind !== 'split') return;
  t.is(l.root.children.length, 3);
  t.deepEqual(l.root.weights, [1, 0.5, 0.5]);
  t.deepEqual(outers(computeGeometry(l, SIZE)), { a: [0, 0, 40, 24], b: [40, 0, 20, 24], c: [60, 0, 20, 24] });
  t.deepEqual(outers(computeGeometry(equalize(l), { cols: 81, rows: 24 })), { a: [0, 0, 27, 24], b: [27, 0, 27, 24], c: [54, 0, 27, 24] });
});

test('close gives the space to the sibling and moves focus there', (t) => {
  let l = splitPane(singlePane('a'), 'row', 'b');
  l = splitPane(l, 'column', 'c');
  l = closePane(l, 'c');
  t.is(l.focus, 'b');
  t.deepEqual(outers(computeGeometry(l, SIZE)), { a: [0, 0, 40, 24], b: [40, 0, 40, 24] });
  l = closePane(l, 'a');
  t.deepEqual(l, singlePane('b'));
  t.deepEqual(closePane(l, 'b'), emptyLayout);
});

test('closing an inner pane folds a same-axis split back into its parent', (t) => {
  let l = splitPane(singlePane('a'), 'row', 'b');
  l = splitPane(l, 'column', 'c', 'b');
  l = splitPane(l, 'row', 'd', 'c');
  l = closePane(l, 'b');
  // b's column split collapses to c|d, which is a row split inside a row split: flattened.
  t.is(l.root?.kind, 'split');
  if (l.root?.kind !== 'split') return;
  t.deepEqual(l.root.children.map((c) => (c.kind === 'pane' ? c.id : 'split')), ['a', 'c', 'd']);
  t.deepEqual(outers(computeGeometry(l, SIZE)), { a: [0, 0, 40, 24], c: [40, 0, 20, 24], d: [60, 0, 20, 24] });
});

test('zoom shows only the focused pane; focusing another unzooms', (t) => {
  let l = splitPane(singlePane('a'), 'row', 'b');
  l = toggleZoom(l);
  t.true(l.zoomed);
  t.deepEqual(outers(computeGeometry(l, SIZE)), { b: [0, 0, 80, 24] });
  t.false(toggleZoom(l).zoomed);
  const moved = focusNext(l);
  t.is(moved.focus, 'a');
  t.false(moved.zoomed);
  t.false(toggleZoom(singlePane('a')).zoomed);
});

test('swap exchanges places, focus follows the pane', (t) => {
  let l = splitPane(singlePane('a'), 'row', 'b');
  l = swapPanes(l, 'a', 'b');
  t.deepEqual(paneIds(l), ['b', 'a']);
  t.is(l.focus, 'b');
  t.deepEqual(paneIds(swapWithNext(l)), ['a', 'b']);
});

test('next/previous wrap around in reading order', (t) => {
  let l = splitPane(splitPane(singlePane('a'), 'row', 'b'), 'row', 'c');
  t.is(focusNext(l).focus, 'a');
  t.is(focusNext(l, -1).focus, 'b');
  l = focusNext(l, 2);
  t.is(l.focus, 'b');
});

test('directional focus follows the screen, across branches', (t) => {
  // a | (b / c), then focus moves by direction.
  let l = splitPane(singlePane('a'), 'row', 'b');
  l = splitPane(l, 'column', 'c');
  t.is(focusDirection(l, SIZE, 'up').focus, 'b');
  t.is(focusDirection(l, SIZE, 'left').focus, 'a');
  t.is(focusDirection(l, SIZE, 'right').focus, 'c', 'nothing to the right: unchanged');
  const fromA = focusDirection(focusDirection(l, SIZE, 'left'), SIZE, 'right');
  // b and c share equal edges with a: the upper one wins.
  t.is(fromA.focus, 'b');
});

test('even layouts: horizontal, vertical, tiled', (t) => {
  let l = singlePane('a');
  for (const id of ['b', 'c', 'd', 'e']) l = splitPane(l, 'column', id);
  t.deepEqual(
    Object.values(outers(computeGeometry(evenLayout(l, 'even-horizontal'), { cols: 100, rows: 10 }))).map((r) => r[2]),
    [20, 20, 20, 20, 20],
  );
  t.deepEqual(
    Object.values(outers(computeGeometry(evenLayout(l, 'even-vertical'), { cols: 10, rows: 50 }))).map((r) => r[3]),
    [10, 10, 10, 10, 10],
  );
  const tiled = computeGeometry(evenLayout(l, 'tiled'), { cols: 90, rows: 20 });
  // five panes: rows of 3 and 2.
  t.deepEqual(outers(tiled), {
    a: [0, 0, 30, 10],
    b: [30, 0, 30, 10],
    c: [60, 0, 30, 10],
    d: [0, 10, 45, 10],
    e: [45, 10, 45, 10],
  });
});

test('distribute: largest remainder, minimums honoured, starved tail when too small', (t) => {
  t.deepEqual(distribute(10, [1, 1, 1], [1, 1, 1]), [4, 3, 3]);
  t.deepEqual(distribute(10, [8, 1, 1], [1, 3, 3]), [4, 3, 3]);
  t.deepEqual(distribute(3, [1, 1], [2, 2]), [2, 1]);
  t.deepEqual(distribute(0, [1, 1], [2, 2]), [0, 0]);
});

test('a too-small area still tiles and says it does not fit', (t) => {
  let l = singlePane('a');
  for (const id of ['b', 'c', 'd']) l = splitPane(l, 'row', id);
  t.deepEqual(minimumSize(l.root!), { cols: 7, rows: 2 });
  const g = computeGeometry(l, { cols: 5, rows: 2 });
  t.false(g.fits);
  t.is(g.panes.reduce((s, p) => s + p.outer.width * p.outer.height, 0), 10);
});

// ---- properties over random operation sequences ----

type Op =
  | { op: 'split'; axis: 'row' | 'column' }
  | { op: 'close' | 'zoom' | 'equalize' }
  | { op: 'next'; delta: number }
  | { op: 'swap'; delta: number }
  | { op: 'dir'; d: 'left' | 'right' | 'up' | 'down' }
  | { op: 'even'; preset: 'even-horizontal' | 'even-vertical' | 'tiled' }
  | { op: 'focus'; index: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('split' as const), axis: fc.constantFrom('row' as const, 'column' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('close' as const, 'zoom' as const, 'equalize' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('next' as const), delta: fc.integer({ min: -3, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('swap' as const), delta: fc.integer({ min: -3, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('dir' as const), d: fc.constantFrom('left' as const, 'right' as const, 'up' as const, 'down' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('even' as const), preset: fc.constantFrom('even-horizontal' as const, 'even-vertical' as const, 'tiled' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('focus' as const), index: fc.nat(20) }) },
);

function apply(ops: Op[], size: { cols: number; rows: number }): Layout {
  let l = singlePane('p0');
  let n = 1;
  for (const o of ops) {
    switch (o.op) {
      case 'split':
        l = splitPane(l, o.axis, `p${n++}`);
        break;
      case 'close':
        l = closePane(l);
        if (l.root === null) l = singlePane(`p${n++}`);
        break;
      case 'zoom':
        l = toggleZoom(l);
        break;
      case 'equalize':
        l = equalize(l);
        break;
      case 'next':
        l = focusNext(l, o.delta);
        break;
      case 'swap':
        l = swapWithNext(l, o.delta);
        break;
      case 'dir':
        l = focusDirection(l, size, o.d);
        break;
      case 'even':
        l = evenLayout(l, o.preset);
        break;
      case 'focus': {
        const ids = paneIds(l);
        l = { ...l, focus: ids[o.index % ids.length]!, zoomed: false };
        break;
      }
    }
  }
  return l;
}

function assertTiles(g: Geometry, cols: number, rows: number): string | null {
  const grid = new Uint8Array(cols * rows);
  for (const p of g.panes) {
    const r = p.outer;
    if (r.width < 0 || r.height < 0 || !Number.isInteger(r.x + r.y + r.width + r.height)) return `bad rect ${JSON.stringify(r)}`;
    for (let y = r.y; y < r.y + r.height; y++)
      for (let x = r.x; x < r.x + r.width; x++) {
        if (x < 0 || y < 0 || x >= cols || y >= rows) return `${p.id} outside at ${x},${y}`;
        if (grid[y * cols + x]!++) return `overlap at ${x},${y}`;
      }
    // the frame parts partition the outer rect too
    const parts = p.content.width * p.content.height + p.title.width * p.title.height + p.separator.width * p.separator.height;
    if (parts !== r.width * r.height) return `${p.id} frame does not partition its rect`;
  }
  return grid.every((c) => c === 1) ? null : 'gap';
}

test('property: rects tile the area exactly, focus is on a pane, every pane >= 1x1 when it fits', (t) => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 40 }), fc.integer({ min: 1, max: 160 }), fc.integer({ min: 1, max: 60 }), (ops, cols, rows) => {
      const l = apply(ops, { cols, rows });
      const ids = paneIds(l);
      if (l.focus === null || !ids.includes(l.focus)) return false;
      if (new Set(ids).size !== ids.length) return false;
      const g = computeGeometry(l, { cols, rows });
      const problem = assertTiles(g, cols, rows);
      if (problem) throw new Error(problem);
      if (g.panes.length !== (l.zoomed ? 1 : ids.length)) return false;
      const min = minimumSize(l.zoomed ? { kind: 'pane', id: l.focus } : l.root!);
      if (g.fits !== (cols >= min.cols && rows >= min.rows)) return false;
      if (g.fits) return g.panes.every((p) => p.content.width >= 1 && p.content.height >= 1);
      return true;
    }),
    { numRuns: 400 },
  );
  t.pass();
});

test('property: at the minimum size every pane still gets a content cell', (t) => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 30 }), (ops) => {
      const l = apply(ops, SIZE);
      const { cols, rows } = minimumSize(l.root!);
      const g = computeGeometry({ ...l, zoomed: false }, { cols, rows });
      return g.fits && assertTiles(g, cols, rows) === null && g.panes.every((p) => p.content.width >= 1 && p.content.height >= 1);
    }),
    { numRuns: 300 },
  );
  t.pass();
});
