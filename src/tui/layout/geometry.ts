// Turns a Layout into integer cell rectangles for a terminal of a given size. Each pane's outer
// rectangle holds a one-row title bar on top (which also separates it from the pane above) and a
// one-column separator on its right unless it touches the screen's right edge — tmux's look with
// pane titles on. The outer rectangles tile the area exactly: no gaps, no overlaps.
import type { Axis, Layout, LayoutNode, PaneId } from './tree.js';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Size {
  cols: number;
  rows: number;
}

export interface PaneGeometry {
  id: PaneId;
  /** The pane's whole share of the screen, frame included. */
  outer: Rect;
  /** Where the terminal or transcript content goes; its size is what the PTY is told. */
  content: Rect;
  /** The title bar (top row of `outer`); height 0 when the pane has no rows at all. */
  title: Rect;
  /** The separator column on the right; width 0 at the screen's right edge. */
  separator: Rect;
}

export interface Geometry {
  size: Size;
  /** Visible panes in reading order; only the focused one while zoomed. */
  panes: PaneGeometry[];
  /** False when the area is smaller than the layout needs; some panes then have empty content. */
  fits: boolean;
}

const TITLE_ROWS = 1;
const SEPARATOR_COLS = 1;

/** The smallest area where every pane gets at least one content cell. */
export function minimumSize(root: LayoutNode): Size {
  return { cols: minExtent(root, 'row', false), rows: minExtent(root, 'column', false) };
}

export function computeGeometry(layout: Layout, size: Size): Geometry {
  const area: Rect = { x: 0, y: 0, width: Math.max(0, Math.floor(size.cols)), height: Math.max(0, Math.floor(size.rows)) };
  const panes: PaneGeometry[] = [];
  const root = layout.zoomed && layout.focus !== null ? ({ kind: 'pane', id: layout.focus } as const) : layout.root;
  if (root === null) return { size, panes, fits: true };
  const min = minimumSize(root);
  place(root, area, area.x + area.width, panes);
  return { size, panes, fits: area.width >= min.cols && area.height >= min.rows };
}

function place(node: LayoutNode, rect: Rect, screenRight: number, out: PaneGeometry[]): void {
  if (node.kind === 'pane') {
    out.push(frame(node.id, rect, rect.x + rect.width < screenRight));
    return;
  }
  const along = node.axis === 'row' ? rect.width : rect.height;
  const separated = rect.x + rect.width < screenRight;
  const last = node.children.length - 1;
  const mins = node.children.map((c, i) => minExtent(c, node.axis, (node.axis === 'row' && i < last) || separated));
  const sizes = distribute(along, node.weights, mins);
  let offset = node.axis === 'row' ? rect.x : rect.y;
  node.children.forEach((child, i) => {
    const s = sizes[i]!;
    const sub: Rect = node.axis === 'row' ? { x: offset, y: rect.y, width: s, height: rect.height } : { x: rect.x, y: offset, width: rect.width, height: s };
    offset += s;
    place(child, sub, screenRight, out);
  });
}

function frame(id: PaneId, outer: Rect, separated: boolean): PaneGeometry {
  const sepW = separated ? Math.min(SEPARATOR_COLS, outer.width) : 0;
  const titleH = Math.min(TITLE_ROWS, outer.height);
  const innerW = outer.width - sepW;
  return {
    id,
    outer,
    title: { x: outer.x, y: outer.y, width: innerW, height: titleH },
    content: { x: outer.x, y: outer.y + titleH, width: innerW, height: outer.height - titleH },
    separator: { x: outer.x + innerW, y: outer.y, width: sepW, height: outer.height },
  };
}

/**
 * Minimum extent of a node along `axis`. `separated` says whether the node's right edge is
 * inside the screen (so its rightmost panes carry a separator column).
 */
function minExtent(node: LayoutNode, axis: Axis, separated: boolean): number {
  if (node.kind === 'pane') return axis === 'row' ? 1 + (separated ? SEPARATOR_COLS : 0) : 1 + TITLE_ROWS;
  const last = node.children.length - 1;
  const parts = node.children.map((c, i) => minExtent(c, axis, (node.axis === 'row' && i < last) || separated));
  return node.axis === axis ? parts.reduce((s, x) => s + x, 0) : Math.max(...parts);
}

/**
 * Splits `total` cells by `weights` (largest remainder, ties to the earlier child), then moves
 * cells from children with the most slack to any child below its minimum. When even the minimums
 * do not fit, earlier children get theirs first and later ones what is left (possibly nothing).
 */
export function distribute(total: number, weights: readonly number[], mins: readonly number[]): number[] {
  const n = weights.length;
  const minSum = mins.reduce((s, x) => s + x, 0);
  if (total < minSum) {
    let left = total;
    const sizes = mins.map((m) => {
      const s = Math.min(m, left);
      left -= s;
      return s;
    });
    return sizes;
  }
  const weightSum = weights.reduce((s, x) => s + x, 0);
  const ideal = weights.map((w) => (weightSum > 0 ? (total * w) / weightSum : total / n));
  const sizes = ideal.map(Math.floor);
  let rest = total - sizes.reduce((s, x) => s + x, 0);
  const order = ideal.map((v, i) => ({ i, frac: v - Math.floor(v) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; rest > 0; k = (k + 1) % n, rest--) sizes[order[k]!.i]!++;
  for (let i = 0; i < n; i++) {
    while (sizes[i]! < mins[i]!) {
      let donor = -1;
      for (let j = 0; j < n; j++) if (sizes[j]! > mins[j]! && (donor < 0 || sizes[j]! - mins[j]! > sizes[donor]! - mins[donor]!)) donor = j;
      // total >= sum of mins guarantees a donor exists while someone is short.
      sizes[donor]!--;
      sizes[i]!++;
    }
  }
  return sizes;
}
