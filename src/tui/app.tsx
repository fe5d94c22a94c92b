// The dashboard: the building blocks composed over a DashboardSource. Keys come in raw (the
// runner owns the terminal), go through parseKeys → resolveKey, and become layout changes, ask
// answers, PTY input, copy-mode motions and copies, or overlays. Daemon updates come in through
// the source.
// State lives in the pure dashReducer and a few hooks; the components only draw.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Box } from 'ink';
import { askView, openAsks } from './ask-view.js';
import { clipboardBytes, pasteBytes } from './clipboard.js';
import { askKeysOf } from './components/AskPrompt.js';
import { Help, helpPages } from './components/Help.js';
import { ASK_ROWS, PaneView, type PaneContent } from './components/PaneView.js';
import type { SessionSummary } from './components/SessionList.js';
import { SessionList } from './components/SessionList.js';
import { SpecPicker } from './components/SpecPicker.js';
import { StatusBar } from './components/StatusBar.js';
import { clampCopy, moveCopy, otherEnd, startCopy, type CopyView, type Moved } from './copy/motions.js';
import { selectionRange, type CopyState } from './copy/selection.js';
import { findMatch, topShowing, type SearchQuery } from './copy/search.js';
import { selectedText } from './copy/text.js';
import { dashReducer, initialDashState, paneOf, panesInOrder, savedLayoutOf, shownSessions, type DashAction, type DashState } from './dashboard-state.js';
import { DEFAULT_KEYMAP, initialResolverState, resolveKey, type Action, type CommandName, type Keymap, type ScrollMotion, type SearchOp, type SelectionOp } from './keymap.js';
import { parseKeys, type KeyEvent } from './keys.js';
import type { TerminalModel } from './terminal/model.js';
import type { PaneRect, TerminalPainter } from './terminal/painter.js';
import type { ClockPainter, ClockRow } from './terminal/clock-painter.js';
import { computeGeometry, type PaneId, type Size } from './layout/index.js';
import { serializeLayout, type LayoutStore, type LoadedLayout } from './layout/persist.js';
import { notification, noticeForState, type NotifyOptions } from './notify.js';
import type { DashboardSource, PendingAsk, Snapshot } from './source.js';
import { useFeeds } from './use-feeds.js';
import { useTerminals, type TerminalWant } from './use-terminals.js';

export type ExitReason = 'detached' | 'quit';

/** Raw terminal input, as the runner reads it from stdin. */
export interface KeyInput {
  on(listener: (data: string) => void): () => void;
}

export interface AppProps {
  source: DashboardSource;
  keys: KeyInput;
  size: Size;
  keymap?: Keymap;
  /**
   * Bytes for the outer terminal (the runner writes them): bell / OSC notifications, and copy
   * mode's OSC 52 that sets the clipboard.
   */
  notify?: (bytes: string) => void;
  notifyOptions?: NotifyOptions;
  onExit(reason: ExitReason): void;
  clock?: () => number;
  /**
   * `q` and `Ctrl-c` quit even on a live pane (they never reach the agent). For `bridle demo`,
   * which owns its sessions and ends them when the dashboard closes.
   */
  quitAlways?: boolean;
  /**
   * Draws interactive panes straight to the terminal (terminal/painter.ts) rather than through
   * Ink; Ink then draws their areas blank. Without it (component tests) Ink draws them.
   */
  painter?: TerminalPainter;
  /**
   * Advances the session list's elapsed times on screen once a second without an Ink render
   * (terminal/clock-painter.ts). Without one (component tests), a render each second does it.
   */
  clockPainter?: ClockPainter;
  /**
   * Where the layout is kept across runs (layout/persist.ts): read once on mount and applied with
   * the daemon's first session list, then saved after every change. Without one, every opening
   * tiles the live sessions afresh.
   */
  layoutStore?: LayoutStore;
}

const LIVE = new Set(['starting', 'working', 'waiting', 'asking']);
const LIST_ROWS = 4;
const HELP_WIDTH = 120;

export function isLive(s: SessionSummary | undefined): boolean {
  return s !== undefined && LIVE.has(s.state);
}

export function App({ source, keys, size, keymap = DEFAULT_KEYMAP, notify, notifyOptions, onExit, clock = Date.now, quitAlways = false, painter, clockPainter, layoutStore }: AppProps) {
  const [snap, setSnap] = useState<Snapshot>({ sessions: [], asks: [] });
  // The reducer's latest state is kept in a ref too: keys arriving before React re-renders must
  // see the effect of the keys before them.
  const dashRef = useRef<DashState>(initialDashState);
  const [dash, setDash] = useState<DashState>(initialDashState);
  const dispatch = useRef((a: DashAction): void => {
    dashRef.current = dashReducer(dashRef.current, a);
    setDash(dashRef.current);
  }).current;
  const [now, setNow] = useState(clock());
  const [answered, setAnswered] = useState<ReadonlySet<string>>(new Set());
  const [prefixed, setPrefixed] = useState(false);
  /** The last text copied in copy mode: what `prefix ]` types into a pane. */
  const pasteBuffer = useRef<string | null>(null);
  // The last copy-mode search, for `n` / `N`; kept across copy modes and panes, as tmux does.
  const lastSearch = useRef<SearchQuery | null>(null);

  // The saved layout, read once; applied with the first session list (which says what is gone).
  const [loaded] = useState((): LoadedLayout => layoutStore?.load() ?? { kind: 'none' });
  // A file that could not be used is said once, in the status bar, until the next key.
  const [notice, setNotice] = useState<string | null>(loaded.kind === 'bad' ? `layout not restored: ${loaded.problem}` : null);
  // Checked on every key without a state update: keys are the echo-latency path.
  const noticeShown = useRef(notice !== null);
  /**
   * The layout as last saved, or as it was right after opening; null before the first list.
   * Only a change from it is written, so opening alone never rewrites the file (a bad file stays
   * as it is until the person changes the layout).
   */
  const savedText = useRef<string | null>(null);

  // Daemon updates: new live sessions get panes; state changes and new asks ring the bell.
  const seenStates = useRef<Map<string, string> | null>(null);
  const seenAsks = useRef<Set<string>>(new Set());
  useEffect(
    () =>
      source.watch((s) => {
        setSnap(s);
        const live = s.sessions.filter(isLive).map((x) => x.id).reverse();
        if (savedText.current === null && loaded.kind === 'ok') dispatch({ type: 'restore', saved: loaded.saved, existing: s.sessions.map((x) => x.id), live });
        else dispatch({ type: 'sessions', live });
        if (savedText.current === null) savedText.current = serializeLayout(savedLayoutOf(dashRef.current));
        const first = seenStates.current === null;
        const prev = seenStates.current ?? new Map<string, string>();
        seenStates.current = new Map(s.sessions.map((x) => [x.id, x.state]));
        if (first) {
          seenAsks.current = new Set(s.asks.map((a) => a.id));
          return;
        }
        for (const x of s.sessions) {
          const n = noticeForState(x.agent, prev.get(x.id) ?? null, x.state);
          if (n && n.reason !== 'ask') notify?.(notification(n, notifyOptions));
        }
        for (const a of s.asks) {
          if (seenAsks.current.has(a.id)) continue;
          seenAsks.current.add(a.id);
          const agent = s.sessions.find((x) => x.id === a.sessionId)?.agent ?? a.sessionId;
          notify?.(notification({ pane: agent, reason: 'ask', detail: a.prompt }, notifyOptions));
        }
      }),
    [source],
  );
  // Elapsed times advance through the clock painter when there is one; a render each second is
  // then needed only for an open ask's countdown.
  const ticking = clockPainter === undefined || snap.asks.length > 0;
  useEffect(() => {
    if (!ticking) return;
    setNow(clock());
    const t = setInterval(() => setNow(clock()), 1000);
    return () => clearInterval(t);
  }, [clock, ticking]);

  // Debounced by the store; written at once when the App goes away (detach, quit).
  const saveLayout = useRef((store: LayoutStore, state: DashState): void => {
    if (savedText.current === null) return;
    const saved = savedLayoutOf(state);
    const text = serializeLayout(saved);
    if (text === savedText.current) return;
    savedText.current = text;
    store.save(saved);
  }).current;
  useEffect(() => {
    if (layoutStore) saveLayout(layoutStore, dash);
  }, [layoutStore, dash.layout, dash.panes, dash.seen]);
  useEffect(() => {
    if (!layoutStore) return;
    return () => {
      // From the reducer's latest state: a key that changed the layout and then detached in the
      // same read may not have been rendered yet.
      saveLayout(layoutStore, dashRef.current);
      layoutStore.flush();
    };
  }, [layoutStore]);

  const sessionsById = useMemo(() => new Map(snap.sessions.map((s) => [s.id, s])), [snap.sessions]);
  const asks = useMemo(() => openAsks(snap.asks, answered), [snap.asks, answered]);
  const feeds = useFeeds(source, shownSessions(dash));

  const listRows = Math.max(1, Math.min(LIST_ROWS, snap.sessions.length));
  const area: Size = { cols: size.cols, rows: Math.max(0, size.rows - listRows - 1) };
  const geometry = useMemo(() => computeGeometry(dash.layout, area), [dash.layout, area.cols, area.rows]);

  const wanted: TerminalWant[] = [];
  for (const g of geometry.panes) {
    const id = dash.panes[g.id];
    if (id && feeds[id]?.interactive && g.content.width > 0 && g.content.height > 0) wanted.push({ session: id, cols: g.content.width, rows: g.content.height });
  }
  const terminals = useTerminals(source, wanted, painter);

  // Everything the key handler reads, current as of the last render.
  const helpWidth = Math.min(HELP_WIDTH, area.cols);
  const live = useRef({ dash, snap, asks, feeds, terminals, area, geometry, keymap, sessionsById, notify, notifyOptions, helpWidth });
  live.current = { dash, snap, asks, feeds, terminals, area, geometry, keymap, sessionsById, notify, notifyOptions, helpWidth };
  const resolver = useRef(initialResolverState);

  useEffect(() => {
    let state: DashState = dashRef.current;
    const act = (a: DashAction): void => {
      dispatch(a);
      state = dashRef.current;
    };
    const focusedSession = (): string | null => (state.layout.focus !== null ? (state.panes[state.layout.focus] ?? null) : null);
    const askFor = (session: string | null): PendingAsk | undefined => (session === null ? undefined : live.current.asks.find((a) => a.sessionId === session && !localAnswered.has(a.id)));
    const localAnswered = new Set<string>();

    // Copy mode works on the focused pane's terminal model, in buffer coordinates; the model's
    // scroll offset is the view, moved to keep the copy cursor in sight.
    const copyTarget = (): { pane: PaneId; model: TerminalModel; state: CopyState } | null => {
      const pane = state.layout.focus;
      const id = focusedSession();
      const model = id ? live.current.terminals.model(id) : undefined;
      if (pane === null || !model) return null;
      const current = state.copy[pane];
      return { pane, model, state: current ? clampCopy(current, model) : startCopy(model, viewOf(model), model.programCursor()) };
    };
    const viewOf = (model: TerminalModel): CopyView => ({ top: model.viewTop, rows: model.rows });
    const apply = (pane: PaneId, model: TerminalModel, moved: Moved): void => {
      model.scrollToLine(moved.top);
      act({ type: 'copy', pane, state: moved.state });
    };

    const enterCopy = (): void => {
      const id = focusedSession();
      const pane = state.layout.focus;
      const model = id ? live.current.terminals.model(id) : undefined;
      if (!id || pane === null || !live.current.feeds[id]?.interactive || !model) return;
      if (state.scrolling[pane] === true) return;
      act({ type: 'scroll-mode', on: true });
      act({ type: 'copy', pane, state: startCopy(model, viewOf(model), model.programCursor()) });
    };

    const exitCopy = (): void => {
      const id = focusedSession();
      if (id) live.current.terminals.model(id)?.scrollTo(0);
      act({ type: 'scroll-mode', on: false });
    };

    const motion = (m: ScrollMotion): void => {
      const t = copyTarget();
      if (t) apply(t.pane, t.model, moveCopy(t.state, m, t.model, viewOf(t.model)));
    };

    const selection = (op: SelectionOp): void => {
      const t = copyTarget();
      if (!t) return;
      const s = t.state;
      switch (op) {
        case 'begin':
        case 'lines':
          act({ type: 'copy', pane: t.pane, state: { ...s, anchor: s.cursor, lines: op === 'lines', rect: false } });
          return;
        case 'rectangle':
          // As vi's Ctrl-v: a block from the cursor, or the selection made so switched to and from one.
          act({ type: 'copy', pane: t.pane, state: { ...s, anchor: s.anchor ?? s.cursor, lines: false, rect: s.rect !== true } });
          return;
        case 'other-end':
          apply(t.pane, t.model, otherEnd(s, t.model, viewOf(t.model)));
          return;
        case 'clear':
          // The first Escape drops the selection, the next one leaves copy mode.
          if (s.anchor !== null) act({ type: 'copy', pane: t.pane, state: { ...s, anchor: null, lines: false } });
          else exitCopy();
          return;
        case 'copy': {
          const range = selectionRange(s);
          if (range) {
            const text = selectedText(t.model, range);
            pasteBuffer.current = text;
            live.current.notify?.(clipboardBytes(text, live.current.notifyOptions?.mux ?? null));
          }
          exitCopy();
          return;
        }
      }
    };

    const say = (text: string): void => {
      noticeShown.current = true;
      setNotice(text);
    };

    /** Moves the copy cursor to the next occurrence of `q` and scrolls it into view when it is not. */
    const searchFor = (q: SearchQuery): void => {
      const t = copyTarget();
      if (!t) return;
      const m = findMatch(t.model, q, t.state.cursor);
      if (!m) {
        act({ type: 'copy', pane: t.pane, state: { ...t.state, match: undefined, prompt: undefined } });
        say(`not found: ${q.text}`);
        return;
      }
      const top = topShowing(m.line, viewOf(t.model), t.model.length);
      // A selection in progress grows to the match, as in vi.
      apply(t.pane, t.model, { state: { cursor: { line: m.line, col: m.col }, anchor: t.state.anchor, lines: t.state.lines, match: m }, top });
    };

    const search = (op: SearchOp): void => {
      const t = copyTarget();
      if (!t) return;
      if (op === 'down' || op === 'up') {
        act({ type: 'copy', pane: t.pane, state: { ...t.state, prompt: { text: '', backward: op === 'up' } } });
        return;
      }
      const last = lastSearch.current;
      if (!last) {
        say('no search yet: / searches down, ? up');
        return;
      }
      searchFor(op === 'again' ? last : { ...last, backward: !last.backward });
    };

    /** A key while the search prompt is open: it edits the text; Enter searches, Escape cancels. */
    const promptKey = (ev: KeyEvent, data: string): void => {
      const t = copyTarget();
      const prompt = t?.state.prompt;
      if (!t || !prompt) return;
      const edit = (text: string): void => act({ type: 'copy', pane: t.pane, state: { ...t.state, prompt: { ...prompt, text } } });
      if (ev.key === 'Enter') {
        if (prompt.text === '') {
          act({ type: 'copy', pane: t.pane, state: { ...t.state, prompt: undefined } });
          return;
        }
        lastSearch.current = prompt;
        searchFor(prompt);
      } else if (ev.key === 'Escape' || ev.key === 'C-c') act({ type: 'copy', pane: t.pane, state: { ...t.state, prompt: undefined } });
      else if (ev.key === 'Backspace') edit(prompt.text.slice(0, -1));
      else if (ev.key === 'C-u') edit('');
      else if (ev.key === 'Space') edit(`${prompt.text} `);
      else if (ev.key === 'Paste') edit(prompt.text + data.replace(/\x1b\[20[01]~/g, '').replace(/[\r\n]+/g, ' '));
      else if ([...ev.key].length === 1) edit(prompt.text + ev.key);
    };

    /** `prefix ]`: the paste buffer into the focused pane, as a terminal pastes. */
    const paste = (): void => {
      const text = pasteBuffer.current;
      const pane = state.layout.focus;
      const id = focusedSession();
      if (text === null || text === '' || pane === null || id === null || !isLive(live.current.sessionsById.get(id))) return;
      if (live.current.feeds[id]?.interactive) {
        const model = live.current.terminals.model(id);
        model?.userInput();
        source.input(id, pasteBytes(text, model?.bracketedPaste === true));
        return;
      }
      act({ type: 'line', pane, text: (state.lines[pane] ?? '') + text.replace(/[\r\n]+/g, ' ') });
    };

    const typeInto = (ev: KeyEvent, data: string): void => {
      const pane = state.layout.focus;
      const id = focusedSession();
      const s = id ? live.current.sessionsById.get(id) : undefined;
      if (quitAlways && (ev.key === 'q' || ev.key === 'C-c')) {
        onExit('quit');
        return;
      }
      // Nothing on the focused pane takes keys: q and Ctrl-c leave the dashboard.
      if (pane === null || id === null || !isLive(s)) {
        if (ev.key === 'q' || ev.key === 'C-c') onExit('quit');
        return;
      }
      if (live.current.feeds[id]?.interactive) {
        // Before sending: the echo may come back before this handler has returned.
        live.current.terminals.model(id)?.userInput();
        source.input(id, data);
        return;
      }
      const line = state.lines[pane] ?? '';
      if (ev.key === 'Enter') {
        if (line.trim() !== '') void source.send(id, line).catch(() => undefined);
        act({ type: 'line', pane, text: '' });
      } else if (ev.key === 'Backspace') act({ type: 'line', pane, text: line.slice(0, -1) });
      else if (ev.key === 'C-c') {
        if (line === '') onExit('quit');
        else act({ type: 'line', pane, text: '' });
      } else if (ev.key === 'Space') act({ type: 'line', pane, text: `${line} ` });
      else if (ev.key === 'Paste') act({ type: 'line', pane, text: line + data.replace(/\x1b\[20[01]~/g, '').replace(/[\r\n]+/g, ' ') });
      else if ([...ev.key].length === 1) act({ type: 'line', pane, text: line + ev.key });
    };

    const run = (action: Action, ev: KeyEvent): void => {
      switch (action.type) {
        case 'split': {
          const candidates = live.current.snap.sessions.filter(isLive).map((s) => s.id);
          act({ type: 'split', axis: action.axis, candidates });
          return;
        }
        case 'focus':
          act({ type: 'focus', direction: action.direction, size: live.current.area });
          return;
        case 'focus-next':
          act({ type: 'focus-next', delta: action.delta });
          return;
        case 'swap':
          act({ type: 'swap', delta: action.delta });
          return;
        case 'layout':
          act({ type: 'layout', preset: action.preset });
          return;
        case 'zoom':
          act({ type: 'zoom' });
          return;
        case 'close':
          act({ type: 'close' });
          return;
        case 'new-session':
          act({ type: 'overlay', overlay: { kind: 'picker', selected: 0, typed: '' } });
          return;
        case 'detach':
          onExit('detached');
          return;
        case 'scroll-mode':
          enterCopy();
          return;
        case 'paste-buffer':
          paste();
          return;
        case 'help':
          act({ type: 'overlay', overlay: { kind: 'help' } });
          return;
        case 'next-ask': {
          const all = live.current.asks.filter((a) => !localAnswered.has(a.id));
          if (all.length === 0) return;
          const current = askFor(focusedSession());
          const i = current ? all.findIndex((a) => a.id === current.id) : -1;
          const next = all[(i + 1) % all.length]!;
          act({ type: 'show', session: next.sessionId });
          return;
        }
        case 'answer': {
          const ask = askFor(focusedSession());
          if (!ask) return;
          localAnswered.add(ask.id);
          setAnswered((s) => new Set([...s, ask.id]));
          void source.resolve(ask.id, action.answer).catch(() => undefined);
          return;
        }
        case 'scroll':
          motion(action.motion);
          return;
        case 'selection':
          selection(action.op);
          return;
        case 'search':
          search(action.op);
          return;
        case 'exit-scroll':
          exitCopy();
          return;
        case 'input':
          typeInto(ev, action.data);
          return;
      }
    };

    const picker = (ev: KeyEvent): void => {
      const o = state.overlay;
      if (o.kind !== 'picker') return;
      const specs = source.specs();
      const set = (p: Partial<typeof o>): void => act({ type: 'overlay', overlay: { ...o, ...p } });
      if (ev.key === 'Escape' || ev.key === 'C-c') act({ type: 'overlay', overlay: { kind: 'none' } });
      else if (ev.key === 'Up' || ev.key === 'C-p') set({ selected: Math.max(0, o.selected - 1) });
      else if (ev.key === 'Down' || ev.key === 'C-n') set({ selected: Math.min(Math.max(0, specs.length - 1), o.selected + 1) });
      else if (ev.key === 'Backspace') set({ typed: o.typed.slice(0, -1) });
      else if (ev.key === 'Enter') {
        const spec = o.typed.trim() !== '' ? o.typed.trim() : specs[o.selected];
        if (!spec) return;
        act({ type: 'overlay', overlay: { kind: 'none' } });
        source.start(spec).then(
          (id) => act({ type: 'show', session: id }),
          (err: Error) => act({ type: 'overlay', overlay: { kind: 'picker', selected: o.selected, typed: o.typed, error: err.message.split('\n')[0] } }),
        );
      } else if (ev.key === 'Space') set({ typed: `${o.typed} ` });
      else if ([...ev.key].length === 1) set({ typed: o.typed + ev.key });
    };

    return keys.on((data) => {
      state = dashRef.current;
      if (noticeShown.current) {
        noticeShown.current = false;
        setNotice(null);
      }
      for (const ev of parseKeys(data)) {
        if (state.overlay.kind === 'help') {
          const page = state.overlay.page ?? 0;
          const pages = helpPages(live.current.keymap, live.current.helpWidth, live.current.area.rows);
          if (ev.key === 'q' || ev.key === 'Escape' || ev.key === '?' || ev.key === 'Enter') act({ type: 'overlay', overlay: { kind: 'none' } });
          else if (['Space', 'PageDown', 'Down', 'j', 'n'].includes(ev.key)) act({ type: 'overlay', overlay: { kind: 'help', page: (page + 1) % pages } });
          else if (['PageUp', 'Up', 'k', 'b', 'p'].includes(ev.key)) act({ type: 'overlay', overlay: { kind: 'help', page: (page + pages - 1) % pages } });
          continue;
        }
        if (state.overlay.kind === 'picker') {
          picker(ev);
          continue;
        }
        const pane = state.layout.focus;
        if (pane !== null && state.scrolling[pane] === true && state.copy[pane]?.prompt) {
          promptKey(ev, ev.raw);
          continue;
        }
        const r = resolveKey(live.current.keymap, resolver.current, ev, {
          askOpen: askFor(focusedSession()) !== undefined,
          scrolling: pane !== null && state.scrolling[pane] === true,
        });
        if (r.state.prefixed !== resolver.current.prefixed) setPrefixed(r.state.prefixed);
        resolver.current = r.state;
        if (r.action) run(r.action, ev);
      }
    });
  }, [keys, source, onExit, quitAlways]);

  // Rendering.
  const focus = dash.layout.focus;
  const focusedId = focus !== null ? (dash.panes[focus] ?? null) : null;
  const askKeys = askKeysOf(keymap);
  const totalCost = snap.sessions.reduce((s, x) => s + x.costUsd, 0);
  const scrolling = focus !== null && dash.scrolling[focus] === true;
  const mode = prefixed ? 'prefix' : scrolling ? 'copy' : 'normal';
  const listed = [...snap.sessions.filter(isLive), ...snap.sessions.filter((s) => !isLive(s))].slice(0, listRows);
  const prefix = keymap.prefix;
  // The painter draws the interactive panes, except under an overlay (help, picker), which Ink
  // draws over them: then Ink draws the panes too, as they are at that render.
  const painted = painter !== undefined && dash.overlay.kind === 'none';
  // The picker's list is read from disk when it opens, not on every render while it is open.
  const pickerOpen = dash.overlay.kind === 'picker';
  const pickerSpecs = useMemo(() => (pickerOpen ? source.specs() : []), [pickerOpen, source]);
  const rects: PaneRect[] = [];
  if (painted) {
    for (const g of geometry.panes) {
      const id = dash.panes[g.id];
      if (!id || !feeds[id]?.interactive || g.content.width <= 0 || g.content.height <= 0) continue;
      const hasAsk = asks.some((a) => a.sessionId === id);
      const height = g.content.height - (hasAsk ? Math.min(ASK_ROWS, g.content.height) : 0);
      if (height <= 0) continue;
      const copying = dash.scrolling[g.id] === true;
      rects.push({ session: id, x: g.content.x, y: listRows + g.content.y, width: g.content.width, height, cursor: g.id === focus && !copying && !hasAsk, copy: copying ? dash.copy[g.id] : undefined });
    }
  }
  // A layout effect runs before the runner flushes Ink's frame (a microtask after the commit),
  // so the repaint that follows the frame already uses this layout.
  useLayoutEffect(() => painter?.setPanes(rects));
  const clockRows: ClockRow[] = [];
  if (dash.overlay.kind === 'none') listed.forEach((s, y) => s.endedAt === null && clockRows.push({ y, since: s.createdAt, inverse: s.id === focusedId }));
  useLayoutEffect(() => clockPainter?.setRows(clockRows));
  const searchPrompt = scrolling && focus !== null ? dash.copy[focus]?.prompt : undefined;
  const hints = notice !== null ? notice : searchPrompt ? `${searchPrompt.backward ? 'search up' : 'search down'}: ${searchPrompt.text}\u2581 · Enter search · Escape cancel` : scrolling ? copyHints(keymap) : `${prefix} ? help · ${prefix} c new · ${prefix} % " split · ${prefix} z zoom · ${prefix} d detach${asks.length ? ` · ${prefix} Tab next ask` : ''}`;

  return (
    <Box flexDirection="column" width={size.cols} height={size.rows}>
      <Box height={listRows} overflow="hidden">
        <SessionList sessions={listed} selected={focusedId} now={now} width={size.cols} />
      </Box>
      <Box width={area.cols} height={area.rows} overflow="hidden">
        {geometry.panes.map((g) => {
          const id = dash.panes[g.id] ?? null;
          const s = id ? sessionsById.get(id) : undefined;
          const feed = id ? feeds[id] : undefined;
          const pending = id ? asks.find((a) => a.sessionId === id) : undefined;
          const content: PaneContent = !id ? { kind: 'empty' } : feed?.interactive ? (painted ? { kind: 'painted' } : { kind: 'terminal', frame: terminals.frames[id] ?? terminals.model(id)?.frame() ?? null }) : { kind: 'transcript', transcript: feed?.transcript ?? { entries: [], usage: { costUsd: 0, inputTokens: 0, outputTokens: 0 }, state: null, lastSeq: 0 } };
          return (
            <PaneView
              key={g.id}
              geometry={g}
              focused={g.id === focus}
              session={s ? { id: s.id, agent: s.agent, harness: s.harness, state: s.state } : id ? { id, agent: '…', harness: '', state: 'starting' } : null}
              content={content}
              ask={pending ? askView(pending, s?.agent ?? pending.sessionId, feed) : null}
              askKeys={askKeys}
              moreAsks={Math.max(0, asks.length - (pending ? 1 : 0))}
              inputLine={id && isLive(s) && feed && !feed.interactive ? (dash.lines[g.id] ?? '') : null}
              scrolling={dash.scrolling[g.id] === true}
              copy={dash.copy[g.id]}
              now={now}
            />
          );
        })}
        {dash.overlay.kind === 'help' ? (
          <Box position="absolute" marginLeft={Math.max(0, Math.floor((area.cols - helpWidth) / 2))}>
            <Help keymap={keymap} width={helpWidth} height={area.rows} page={dash.overlay.page ?? 0} />
          </Box>
        ) : null}
        {dash.overlay.kind === 'picker' ? (
          <Box position="absolute" marginLeft={Math.max(0, Math.floor((area.cols - Math.min(72, area.cols)) / 2))} marginTop={1}>
            <SpecPicker specs={pickerSpecs} selected={dash.overlay.selected} typed={dash.overlay.typed} error={dash.overlay.error} width={Math.min(72, area.cols)} height={Math.max(6, Math.min(16, area.rows - 2))} />
          </Box>
        ) : null}
      </Box>
      <StatusBar totalCostUsd={totalCost} pendingAsks={asks.length} mode={mode} hints={hints} width={size.cols} />
    </Box>
  );
}

/** The status bar's hints in copy mode, with the keys of the keymap in use. */
function copyHints(keymap: Keymap): string {
  const keyOf = (command: CommandName): string | undefined => [...keymap.tables.scroll].find(([key, c]) => c === command && key !== keymap.prefix)?.[0];
  const parts: Array<[CommandName, string]> = [
    ['begin-selection', 'select'],
    ['select-line', 'lines'],
    ['copy-selection', 'copy'],
    ['clear-selection', 'clear'],
    ['search-down', 'search'],
    ['exit-scroll', 'leave'],
  ];
  const hints = parts.flatMap(([command, what]) => {
    const key = keyOf(command);
    return key === undefined ? [] : [`${key} ${what}`];
  });
  const paste = [...keymap.tables.prefix].find(([, c]) => c === 'paste-buffer')?.[0];
  if (paste !== undefined) hints.push(`${keymap.prefix} ${paste} paste`);
  return hints.join(' · ');
}

export { paneOf, panesInOrder };
