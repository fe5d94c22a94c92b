// The pane layout as a pure value, like tmux's layout cells: a tree whose leaves are panes and
// whose inner nodes split their area along one axis by relative weights. Every operation returns
// a new Layout and never mutates its input, so the dashboard can keep history, compare states
// and property-test the whole thing without a terminal.

export type PaneId = string;

/** `row`: children side by side (split right, tmux `%`); `column`: stacked (split down, `"`). */
export type Axis = 'row' | 'column';

export type LayoutNode = PaneNode | SplitNode;

export interface PaneNode {
  readonly kind: 'pane';
  readonly id: PaneId;
}

export interface SplitNode {
  readonly kind: 'split';
  readonly axis: Axis;
  /** At least two children; a split left with one child collapses into it. */
  readonly children: readonly LayoutNode[];
  /** Positive relative sizes, one per child. */
  readonly weights: readonly number[];
}

export interface Layout {
  /** Null when no pane is open. */
  readonly root: LayoutNode | null;
  /** Always an existing pane when `root` is not null, null otherwise. */
  readonly focus: PaneId | null;
  /** The focused pane fills the whole area while true. */
  readonly zoomed: boolean;
}

export const emptyLayout: Layout = { root: null, focus: null, zoomed: false };

export function singlePane(id: PaneId): Layout {
  return { root: { kind: 'pane', id }, focus: id, zoomed: false };
}

/** Pane ids in reading order (depth first, left to right / top to bottom). */
export function paneIds(layout: Layout): PaneId[] {
  const out: PaneId[] = [];
  const walk = (n: LayoutNode): void => {
    if (n.kind === 'pane') out.push(n.id);
    else n.children.forEach(walk);
  };
  if (layout.root) walk(layout.root);
  return out;
}

export function hasPane(layout: Layout, id: PaneId): boolean {
  return paneIds(layout).includes(id);
}

export function focusPane(layout: Layout, id: PaneId): Layout {
  if (!hasPane(layout, id) || layout.focus === id) return layout;
  // Moving focus away from a zoomed pane unzooms, as in tmux: the other pane is not visible.
  return { ...layout, focus: id, zoomed: false };
}

/** Focus the pane `delta` steps away in reading order, wrapping around (tmux `n` / `p`). */
export function focusNext(layout: Layout, delta = 1): Layout {
  const ids = paneIds(layout);
  if (ids.length < 2 || layout.focus === null) return layout;
  const at = ids.indexOf(layout.focus);
  const next = ids[(((at + delta) % ids.length) + ids.length) % ids.length]!;
  return focusPane(layout, next);
}

/**
 * Splits pane `target` (default: the focused one) and puts `newId` after it, focused. When the
 * target's parent already splits along `axis`, the new pane joins that parent and halves the
 * target's share, so repeated splits stay flat instead of nesting.
 */
export function splitPane(layout: Layout, axis: Axis, newId: PaneId, target: PaneId | null = layout.focus): Layout {
  if (hasPane(layout, newId)) throw new Error(`pane ${newId} already exists`);
  if (layout.root === null) return singlePane(newId);
  if (target === null || !hasPane(layout, target)) return layout;
  const fresh: PaneNode = { kind: 'pane', id: newId };
  const rewrite = (n: LayoutNode): LayoutNode => {
    if (n.kind === 'pane') {
      return n.id === target ? { kind: 'split', axis, children: [n, fresh], weights: [1, 1] } : n;
    }
    const at = n.children.findIndex((c) => c.kind === 'pane' && c.id === target);
    if (at >= 0 && n.axis === axis) {
      const half = n.weights[at]! / 2;
      return {
        ...n,
        children: [...n.children.slice(0, at + 1), fresh, ...n.children.slice(at + 1)],
        weights: [...n.weights.slice(0, at), half, half, ...n.weights.slice(at + 1)],
      };
    }
    return { ...n, children: n.children.map(rewrite) };
  };
  return { root: rewrite(layout.root), focus: newId, zoomed: false };
}

/**
 * Closes a pane; its nearest sibling takes the space (the previous one, or the next when it was
 * first). Focus moves to the pane that grew when the closed one had it.
 */
export function closePane(layout: Layout, id: PaneId | null = layout.focus): Layout {
  if (layout.root === null || id === null || !hasPane(layout, id)) return layout;
  if (layout.root.kind === 'pane') return emptyLayout;
  let heir: PaneId | null = null;
  const rewrite = (n: LayoutNode): LayoutNode => {
    if (n.kind === 'pane') return n;
    const at = n.children.findIndex((c) => c.kind === 'pane' && c.id === id);
    if (at < 0) return normalize({ ...n, children: n.children.map(rewrite) });
    const into = at > 0 ? at - 1 : 1;
    const sibling = n.children[into]!;
    heir = at > 0 ? lastPane(sibling) : firstPane(sibling);
    const weights = n.weights.slice();
    weights[into] = weights[into]! + weights[at]!;
    weights.splice(at, 1);
    const children = n.children.filter((_, i) => i !== at);
    return normalize({ ...n, children, weights });
  };
  const root = rewrite(layout.root);
  const focus = layout.focus === id ? heir : layout.focus;
  return { root, focus, zoomed: layout.zoomed && layout.focus !== id && root.kind === 'split' };
}

/** Exchanges the places of two panes; focus stays with the pane it was on. */
export function swapPanes(layout: Layout, a: PaneId, b: PaneId): Layout {
  if (a === b || !hasPane(layout, a) || !hasPane(layout, b) || layout.root === null) return layout;
  const rewrite = (n: LayoutNode): LayoutNode => {
    if (n.kind === 'pane') return n.id === a ? { kind: 'pane', id: b } : n.id === b ? { kind: 'pane', id: a } : n;
    return { ...n, children: n.children.map(rewrite) };
  };
  return { ...layout, root: rewrite(layout.root) };
}

/** Swaps the focused pane with the one `delta` steps away in reading order (tmux `{` / `}`). */
export function swapWithNext(layout: Layout, delta = 1): Layout {
  const ids = paneIds(layout);
  if (ids.length < 2 || layout.focus === null) return layout;
  const at = ids.indexOf(layout.focus);
  const other = ids[(((at + delta) % ids.length) + ids.length) % ids.length]!;
  return swapPanes(layout, layout.focus, other);
}

export function toggleZoom(layout: Layout): Layout {
  // Zooming the only pane changes nothing visible; keep the flag off so the status stays honest.
  if (layout.root === null || layout.root.kind === 'pane') return layout.zoomed ? { ...layout, zoomed: false } : layout;
  return { ...layout, zoomed: !layout.zoomed };
}

/** Every split gives its children equal shares (tmux `select-layout -E`, applied to the whole tree). */
export function equalize(layout: Layout): Layout {
  const rewrite = (n: LayoutNode): LayoutNode =>
    n.kind === 'pane' ? n : { ...n, children: n.children.map(rewrite), weights: n.children.map(() => 1) };
  return layout.root === null ? layout : { ...layout, root: rewrite(layout.root) };
}

export type EvenPreset = 'even-horizontal' | 'even-vertical' | 'tiled';

/**
 * Rebuilds the tree from the panes in reading order, like tmux's preset layouts: all side by
 * side, all stacked, or a grid of near-square tiles (rows of equal columns, the last row may be
 * shorter and then its panes are wider).
 */
export function evenLayout(layout: Layout, preset: EvenPreset): Layout {
  const ids = paneIds(layout);
  if (ids.length < 2) return { ...layout, zoomed: false };
  const leaves: PaneNode[] = ids.map((id) => ({ kind: 'pane', id }));
  const flat = (axis: Axis, nodes: LayoutNode[]): LayoutNode =>
    nodes.length === 1 ? nodes[0]! : { kind: 'split', axis, children: nodes, weights: nodes.map(() => 1) };
  let root: LayoutNode;
  if (preset === 'even-horizontal') root = flat('row', leaves);
  else if (preset === 'even-vertical') root = flat('column', leaves);
  else {
    const cols = Math.ceil(Math.sqrt(leaves.length));
    const rows: LayoutNode[] = [];
    for (let i = 0; i < leaves.length; i += cols) rows.push(flat('row', leaves.slice(i, i + cols)));
    root = flat('column', rows);
  }
  return { ...layout, root, zoomed: false };
}

function firstPane(n: LayoutNode): PaneId {
  return n.kind === 'pane' ? n.id : firstPane(n.children[0]!);
}

function lastPane(n: LayoutNode): PaneId {
  return n.kind === 'pane' ? n.id : lastPane(n.children[n.children.length - 1]!);
}

/**
 * Keeps the tree canonical after a removal: a split with one child becomes that child, and a
 * child split along its parent's axis is folded into the parent (its weights scaled to the share
 * it had), so shapes compare equal however they were reached.
 */
function normalize(n: SplitNode): LayoutNode {
  if (n.children.length === 1) return n.children[0]!;
  const children: LayoutNode[] = [];
  const weights: number[] = [];
  n.children.forEach((c, i) => {
    const w = n.weights[i]!;
    if (c.kind === 'split' && c.axis === n.axis) {
      const total = c.weights.reduce((s, x) => s + x, 0);
      c.children.forEach((cc, j) => {
        children.push(cc);
        weights.push((w * c.weights[j]!) / total);
      });
    } else {
      children.push(c);
      weights.push(w);
    }
  });
  return { ...n, children, weights };
}
