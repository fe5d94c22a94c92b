// The dashboard's own state as a pure reducer: the layout tree, which session each pane shows,
// per-pane copy mode (its cursor and selection) and input line, and the overlay (help, spec picker). No I/O here; the App
// turns keys and daemon updates into these actions and performs the effects around them.
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
  type PaneId,
  type Size,
} from './layout/index.js';
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
