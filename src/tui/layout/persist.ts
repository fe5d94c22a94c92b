// The dashboard's layout on disk, so that detaching and opening `bridle` again brings back the
// arrangement the person built, as tmux keeps its windows. One file per Bridle home (the state
// dir), written atomically (temp file + rename, mode 0600) and at most every `debounceMs`.
//
// The file stores the tree with the session in each leaf rather than pane ids: pane ids are
// assigned afresh on load, so a file cannot name a pane that does not exist, and a JSON tree
// cannot hold a cycle. Every field is validated on load; anything unexpected makes the whole file
// "bad" (the caller falls back to tiling the live sessions) rather than half-applied.
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Axis } from './tree.js';

export const LAYOUT_VERSION = 1;
export const LAYOUT_FILE_NAME = 'dashboard-layout.json';

/** A leaf shows a session (or nothing); a split lays out its children by relative weights. */
export type SavedNode = { session: string | null } | { split: Axis; weights: number[]; children: SavedNode[] };

export interface SavedLayout {
  root: SavedNode | null;
  /** The focused pane as its index in reading order; null when there is no pane. */
  focus: number | null;
  zoomed: boolean;
  /** Sessions whose pane the person closed: they are not given a pane again on their own. */
  closed: string[];
}

export type LoadedLayout = { kind: 'none' } | { kind: 'ok'; saved: SavedLayout } | { kind: 'bad'; problem: string };

export interface LayoutStore {
  /** Reads the file once; never throws. */
  load(): LoadedLayout;
  /** Writes `saved` after the debounce delay (a later call in the meantime replaces it). */
  save(saved: SavedLayout): void;
  /** Writes a pending save now (detach, quit). */
  flush(): void;
}

// Bounds for a hand-edited file: far beyond any screen's worth of panes, small enough that a
// pathological file cannot make validation or layout recurse or loop for long.
const MAX_DEPTH = 64;
const MAX_PANES = 1024;
const MAX_CLOSED = 1000;
const MAX_ID = 256;

export function layoutFile(stateDir: string): string {
  return path.join(stateDir, LAYOUT_FILE_NAME);
}

export function serializeLayout(saved: SavedLayout): string {
  return `${JSON.stringify({ version: LAYOUT_VERSION, ...saved, closed: saved.closed.slice(-MAX_CLOSED) })}\n`;
}

class Bad extends Error {}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sessionId(v: unknown, where: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_ID) throw new Bad(`${where}: not a session id`);
  return v;
}

/** Parses and validates a layout file's text; a problem is returned, never thrown. */
export function parseLayout(text: string): SavedLayout | { problem: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { problem: 'not valid JSON' };
  }
  try {
    if (!isRecord(data)) throw new Bad('not an object');
    if (data.version !== LAYOUT_VERSION) throw new Bad(`format version ${JSON.stringify(data.version) ?? 'missing'} (this Bridle reads ${LAYOUT_VERSION})`);
    const sessions = new Set<string>();
    let panes = 0;
    const node = (v: unknown, depth: number, where: string): SavedNode => {
      if (depth > MAX_DEPTH) throw new Bad(`${where}: nested too deep`);
      if (!isRecord(v)) throw new Bad(`${where}: not an object`);
      if ('session' in v) {
        if (++panes > MAX_PANES) throw new Bad('too many panes');
        if (v.session === null) return { session: null };
        const id = sessionId(v.session, `${where}.session`);
        // A session shows in one pane at most, as the dashboard keeps it.
        if (sessions.has(id)) throw new Bad(`${where}: session ${id} is in two panes`);
        sessions.add(id);
        return { session: id };
      }
      if (v.split !== 'row' && v.split !== 'column') throw new Bad(`${where}: neither a pane nor a row / column split`);
      const { children, weights } = v;
      if (!Array.isArray(children) || children.length < 2) throw new Bad(`${where}.children: fewer than two`);
      if (!Array.isArray(weights) || weights.length !== children.length) throw new Bad(`${where}.weights: not one per child`);
      const ws = weights.map((w, i) => {
        if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0) throw new Bad(`${where}.weights[${i}]: not a positive number`);
        return w;
      });
      return { split: v.split, weights: ws, children: children.map((c, i) => node(c, depth + 1, `${where}.children[${i}]`)) };
    };
    const root = data.root === null ? null : node(data.root, 0, 'root');
    if (typeof data.zoomed !== 'boolean') throw new Bad('zoomed: not true or false');
    let focus: number | null = null;
    if (root === null) {
      if (data.focus !== null) throw new Bad('focus: set without panes');
    } else if (typeof data.focus !== 'number' || !Number.isInteger(data.focus) || data.focus < 0 || data.focus >= panes) {
      throw new Bad('focus: not the index of a pane');
    } else focus = data.focus;
    if (!Array.isArray(data.closed) || data.closed.length > MAX_CLOSED) throw new Bad('closed: not a list of session ids');
    const closed = data.closed.map((c, i) => sessionId(c, `closed[${i}]`));
    return { root, focus, zoomed: data.zoomed, closed };
  } catch (err) {
    if (err instanceof Bad) return { problem: err.message };
    // Anything else (a stack overflow on an absurd file) is still just a bad file.
    return { problem: 'unreadable' };
  }
}

export function readLayoutFile(file: string): LoadedLayout {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return { kind: 'bad', problem: `${path.basename(file)}: cannot read it` };
  }
  const parsed = parseLayout(text);
  return 'problem' in parsed ? { kind: 'bad', problem: `${path.basename(file)}: ${parsed.problem}` } : { kind: 'ok', saved: parsed };
}

/** Writes the file atomically: readers see the old file or the new one, never half of one. */
export function writeLayoutFile(file: string, saved: SavedLayout): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, serializeLayout(saved), { mode: 0o600 });
    renameSync(tmp, file);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw err;
  }
}

export function fileLayoutStore(file: string, options: { debounceMs?: number } = {}): LayoutStore {
  const debounceMs = options.debounceMs ?? 500;
  let pending: SavedLayout | null = null;
  let timer: NodeJS.Timeout | null = null;
  const flush = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (pending === null) return;
    const saved = pending;
    pending = null;
    try {
      writeLayoutFile(file, saved);
    } catch {
      // The layout is a convenience: a full disk or a read-only home must not disturb the
      // dashboard; the next change tries again.
    }
  };
  return {
    load: () => readLayoutFile(file),
    save(saved) {
      pending = saved;
      if (timer === null) {
        timer = setTimeout(flush, debounceMs);
        // A pending save never keeps the process alive: exits flush explicitly.
        timer.unref();
      }
    },
    flush,
  };
}
