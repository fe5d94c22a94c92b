// The dashboard's own state as a pure reducer: the layout tree, which session each pane shows,
// per-pane copy mode (its cursor and selection) and input line, and the overlay (help, spec picker). No I/O here; the App
// turns keys and daemon updates into these actions and performs the effects around them.
// What survives a detach (layout, sessions in panes, closed sessions) converts to and from the
// file's form here (savedLayoutOf, `restore`); layout/persist.ts reads and writes that file.
import {
  closePane,
  emptyLayout,
  equalize,
  evenLayout,
  focusDirection,
  focusNext,
  focusPane,
  paneIds,
  singlePane,
  splitPane,
  swapWithNext,
  toggleZoom,
  type Axis,
  type EvenPreset,
  type FocusDirection,
  type Layout,
  type LayoutNode,
  type PaneId,
  type Size,
} from './layout/index.js';
import type { SavedLayout, SavedNode } from './layout/persist.js';
import type { CopyState } from './copy/selection.js';

export type Overlay = { kind: 'none' } | { kind: 'help'; page?: number } | { kind: 'picker'; selected: number; typed: string; error?: string };

export interface DashState {
  layout: Layout;
  /** The session each pane shows; null for an empty pane. */
  panes: Readonly<Record<PaneId, string | null>>;
  nextPane: number;
  /** Sessions already given a pane once: a closed pane's session is not re-added on its own. */
  seen: readonly string[];
  /** Panes in copy mode (the table is still called scroll: `scroll_keys`). */
  scrolling: Readonly<Record<PaneId, boolean>>;
  /** Copy mode's cursor and selection per pane, in buffer coordinates; only while in copy mode. */
  copy: Readonly<Record<PaneId, CopyState>>;
  /** The input line of a headless pane. */
  lines: Readonly<Record<PaneId, string>>;
  overlay: Overlay;
}

export const initialDashState: DashState = { layout: emptyLayout, panes: {}, nextPane: 1, seen: [], scrolling: {}, copy: {}, lines: {}, overlay: { kind: 'none' } };

export type DashAction =
  /** Live sessions the dashboard has not shown yet get a pane each (tiled). */
  | { type: 'sessions'; live: readonly string[] }
  /**
   * On opening, with the daemon's first list: the saved layout comes back minus the panes whose
   * session is gone (`existing` is every session the daemon still lists), then `live` sessions
   * without a pane get one as with `sessions`. Replaces whatever layout there was.
   */
  | { type: 'restore'; saved: SavedLayout; existing: readonly string[]; live: readonly string[] }
  | { type: 'split'; axis: Axis; candidates: readonly string[] }
  | { type: 'focus'; direction: FocusDirection; size: Size }
  | { type: 'focus-next'; delta: number }
  | { type: 'focus-pane'; pane: PaneId }
  | { type: 'swap'; delta: number }
  | { type: 'layout'; preset: EvenPreset | 'equalize' }
  | { type: 'zoom' }
  | { type: 'close' }
  /** Show `session` in the focused pane when it is empty, else in a new split. */
  | { type: 'show'; session: string }
  /** Copy mode on or off for the focused pane; off forgets its cursor and selection. */
  | { type: 'scroll-mode'; on: boolean }
  | { type: 'copy'; pane: PaneId; state: CopyState }
  | { type: 'line'; pane: PaneId; text: string }
  | { type: 'overlay'; overlay: Overlay };

export function shownSessions(s: DashState): string[] {
  return Object.values(s.panes).filter((x): x is string => x !== null);
}

export function paneOf(s: DashState, session: string): PaneId | null {
  for (const [pane, id] of Object.entries(s.panes)) if (id === session) return pane;
  return null;
}

function addPane(s: DashState, session: string | null, axis: Axis, focus: boolean): DashState {
  const id = `p${s.nextPane}`;
  const layout = s.layout.root === null ? singlePane(id) : splitPane(s.layout, axis, id);
  return {
    ...s,
    layout: focus || s.layout.focus === null ? layout : { ...layout, focus: s.layout.focus },
    panes: { ...s.panes, [id]: session },
    nextPane: s.nextPane + 1,
    seen: session === null || s.seen.includes(session) ? s.seen : [...s.seen, session],
  };
}

export function dashReducer(s: DashState, a: DashAction): DashState {
  switch (a.type) {
    case 'sessions': {
      const fresh = a.live.filter((id) => !s.seen.includes(id));
      if (fresh.length === 0) return s;
      let next = s;
      for (const id of fresh) {
        const empty = Object.entries(next.panes).find(([, v]) => v === null)?.[0];
        if (empty !== undefined) next = { ...next, panes: { ...next.panes, [empty]: id }, seen: [...next.seen, id] };
        else next = addPane(next, id, 'row', false);
      }
      // Panes added on their own are tiled; the person's focus stays where it was.
      return { ...next, layout: evenLayout(next.layout, 'tiled') };
    }
    case 'restore':
      return dashReducer(restore(s, a.saved, new Set(a.existing)), { type: 'sessions', live: a.live });
    case 'split': {
      const shown = shownSessions(s);
      return addPane(s, a.candidates.find((c) => !shown.includes(c)) ?? null, a.axis, true);
    }
    case 'focus':
      return { ...s, layout: focusDirection(s.layout, a.size, a.direction) };
    case 'focus-next':
      return { ...s, layout: focusNext(s.layout, a.delta) };
    case 'focus-pane':
      return { ...s, layout: focusPane(s.layout, a.pane) };
    case 'swap':
      return { ...s, layout: swapWithNext(s.layout, a.delta) };
    case 'layout':
      return { ...s, layout: a.preset === 'equalize' ? equalize(s.layout) : evenLayout(s.layout, a.preset) };
    case 'zoom':
      return { ...s, layout: toggleZoom(s.layout) };
    case 'close': {
      const focus = s.layout.focus;
      if (focus === null) return s;
      // Pane ids are never reused: the closed pane's entries go with it.
      const { [focus]: _gone, ...panes } = s.panes;
      const { [focus]: _scroll, ...scrolling } = s.scrolling;
      const { [focus]: _copy, ...copy } = s.copy;
      const { [focus]: _line, ...lines } = s.lines;
      return { ...s, layout: closePane(s.layout, focus), panes, scrolling, copy, lines };
    }
    case 'show': {
      const at = paneOf(s, a.session);
      if (at !== null) return { ...s, layout: focusPane(s.layout, at) };
      const focus = s.layout.focus;
      if (focus !== null && s.panes[focus] === null) return { ...s, panes: { ...s.panes, [focus]: a.session }, seen: s.seen.includes(a.session) ? s.seen : [...s.seen, a.session] };
      return addPane(s, a.session, 'row', true);
    }
    case 'scroll-mode': {
      const focus = s.layout.focus;
      if (focus === null) return s;
      if (a.on) return { ...s, scrolling: { ...s.scrolling, [focus]: true } };
      const { [focus]: _copy, ...copy } = s.copy;
      return { ...s, scrolling: { ...s.scrolling, [focus]: false }, copy };
    }
    case 'copy':
      return s.panes[a.pane] === undefined ? s : { ...s, copy: { ...s.copy, [a.pane]: a.state } };
    case 'line':
      return { ...s, lines: { ...s.lines, [a.pane]: a.text } };
    case 'overlay':
      return { ...s, overlay: a.overlay };
  }
}

/** Panes in reading order with their sessions (for next-ask and tests). */
export function panesInOrder(s: DashState): Array<{ pane: PaneId; session: string | null }> {
  return paneIds(s.layout).map((pane) => ({ pane, session: s.panes[pane] ?? null }));
}

/** The part of the state that survives a detach, in the layout file's form. */
export function savedLayoutOf(s: DashState): SavedLayout {
  const toSaved = (n: LayoutNode): SavedNode =>
    n.kind === 'pane' ? { session: s.panes[n.id] ?? null } : { split: n.axis, weights: [...n.weights], children: n.children.map(toSaved) };
  const shown = shownSessions(s);
  const focus = s.layout.focus === null ? null : paneIds(s.layout).indexOf(s.layout.focus);
  return {
    root: s.layout.root === null ? null : toSaved(s.layout.root),
    focus: focus === null || focus < 0 ? null : focus,
    zoomed: s.layout.zoomed,
    closed: s.seen.filter((id) => !shown.includes(id)),
  };
}

function restore(s: DashState, saved: SavedLayout, existing: ReadonlySet<string>): DashState {
  // Fresh pane ids, continuing the counter: ids are never reused within a run.
  let next = s.nextPane;
  const panes: Record<PaneId, string | null> = {};
  const build = (n: SavedNode): LayoutNode => {
    if ('session' in n) {
      const id = `p${next++}`;
      panes[id] = n.session;
      return { kind: 'pane', id };
    }
    return { kind: 'split', axis: n.split, weights: [...n.weights], children: n.children.map(build) };
  };
  let layout: Layout = emptyLayout;
  if (saved.root !== null) {
    const root = build(saved.root);
    const ids = paneIds({ root, focus: null, zoomed: false });
    // Zooming a lone pane is kept off, as toggleZoom does.
    layout = { root, focus: ids[saved.focus ?? 0] ?? ids[0]!, zoomed: saved.zoomed && root.kind === 'split' };
  }
  // A gone session's pane closes as with `x`: its space goes to its sibling, and the focus too
  // when it had it.
  for (const [pane, session] of Object.entries(panes)) {
    if (session === null || existing.has(session)) continue;
    layout = closePane(layout, pane);
    delete panes[pane];
  }
  const shown = Object.values(panes).filter((x): x is string => x !== null);
  const closed = saved.closed.filter((id) => existing.has(id) && !shown.includes(id));
  return { ...s, layout, panes, nextPane: next, seen: [...new Set([...shown, ...closed])], scrolling: {}, copy: {}, lines: {} };
}
