// Directional focus (prefix + arrows / h j k l): picks the pane whose outer rectangle touches the
// focused one on that side, preferring the largest shared edge, then the one nearest the top or
// left. Works on geometry, not on the tree, because "left of" is a screen notion: in a nested
// layout the neighbour may live in a distant branch.
import { computeGeometry, type Rect, type Size } from './geometry.js';
import { focusPane, type Layout, type PaneId } from './tree.js';

export type FocusDirection = 'left' | 'right' | 'up' | 'down';

export function neighbour(layout: Layout, size: Size, direction: FocusDirection): PaneId | null {
  if (layout.focus === null) return null;
  // Geometry of the unzoomed layout: a zoomed pane still has neighbours in the real arrangement.
  const { panes } = computeGeometry({ ...layout, zoomed: false }, size);
  const from = panes.find((p) => p.id === layout.focus)?.outer;
  if (!from) return null;
  let best: { id: PaneId; overlap: number; at: number } | null = null;
  for (const p of panes) {
    if (p.id === layout.focus) continue;
    const r = p.outer;
    if (!touches(from, r, direction)) continue;
    const horizontal = direction === 'left' || direction === 'right';
    const overlap = horizontal ? span(from.y, from.height, r.y, r.height) : span(from.x, from.width, r.x, r.width);
    if (overlap <= 0) continue;
    const at = horizontal ? r.y : r.x;
    if (!best || overlap > best.overlap || (overlap === best.overlap && at < best.at)) best = { id: p.id, overlap, at };
  }
  return best?.id ?? null;
}

/** Moves focus in a direction; no pane there leaves the layout unchanged (no wrap-around). */
export function focusDirection(layout: Layout, size: Size, direction: FocusDirection): Layout {
  const id = neighbour(layout, size, direction);
  return id === null ? layout : focusPane(layout, id);
}

function touches(a: Rect, b: Rect, d: FocusDirection): boolean {
  switch (d) {
    case 'left':
      return b.x + b.width === a.x;
    case 'right':
      return a.x + a.width === b.x;
    case 'up':
      return b.y + b.height === a.y;
    case 'down':
      return a.y + a.height === b.y;
  }
}

function span(a: number, al: number, b: number, bl: number): number {
  return Math.min(a + al, b + bl) - Math.max(a, b);
}
