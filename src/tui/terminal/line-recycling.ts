// Less garbage from scrolling. Once a pane's scrollback is full, xterm recycles its oldest line
// for every new one, copying a blank line into it — and gives the recycled line two fresh empty
// objects each time (its maps of combined characters and of extended attributes), whether or not
// either line has an entry. While four panes streamed, those objects were 40% of all the memory
// the dashboard allocated. Worse, a line lives through thousands of scrolls before it is recycled
// again, so they outlive the young generation and die in the old one, where only the full
// collections whose pauses delay keystroke echoes reclaim them.
//
// The fix keeps a recycled line's own map when both it and the copied line's are empty (the map
// belongs to that line alone: xterm only ever assigns a line a new object, never another line's),
// and copies as xterm does otherwise. It replaces a method of xterm's internal line class, so it
// is applied only to the exact version it was written for: the method's source is fingerprinted,
// and any other version keeps xterm's own code (a test fails then, to have the patch re-checked).
import { createHash } from 'node:crypto';
import type { Terminal } from '@xterm/headless';

/** SHA-256 of the source of `copyFrom` in the @xterm/headless build this was written for (6.0.0). */
const KNOWN_COPY_FROM = 'b9dfaf4bc34010775b31bde388f26b7b42713febb197a2b2cb90c550d73022d9';

type CellMap = Record<string, unknown>;

/** The fields of xterm's internal line class that `copyFrom` reads and writes. */
interface LineInternals {
  _data: Uint32Array;
  _combined: CellMap;
  _extendedAttrs: CellMap;
  length: number;
  isWrapped: boolean;
  copyFrom(line: LineInternals): void;
}

function isEmpty(map: CellMap): boolean {
  for (const _ in map) return false;
  return true;
}

/** `own` when both maps are empty, else a new map with `from`'s entries (what xterm does always). */
function copyMap(own: CellMap, from: CellMap): CellMap {
  if (isEmpty(from) && isEmpty(own)) return own;
  const copy: CellMap = {};
  for (const key in from) copy[key] = from[key];
  return copy;
}

function copyFrom(this: LineInternals, line: LineInternals): void {
  if (this.length !== line.length) this._data = new Uint32Array(line._data);
  else this._data.set(line._data);
  this.length = line.length;
  this._combined = copyMap(this._combined, line._combined);
  this._extendedAttrs = copyMap(this._extendedAttrs, line._extendedAttrs);
  this.isWrapped = line.isWrapped;
}

let state: 'unchecked' | 'patched' | 'unknown-version' = 'unchecked';

/**
 * Makes recycled lines keep their empty maps, for every terminal of this process (the line class
 * is shared). Returns whether the patch is in place: false for an xterm it was not written for.
 */
export function reuseRecycledLineMaps(term: Terminal): boolean {
  if (state === 'unchecked') {
    // A private field of the public Terminal; absent or shaped differently in another version.
    const core = (term as unknown as { _core?: { buffer?: { lines?: { get(i: number): unknown } } } })._core;
    const line = core?.buffer?.lines?.get(0);
    const proto = line ? (Object.getPrototypeOf(line) as Partial<LineInternals> | null) : null;
    const original = proto?.copyFrom;
    const known = typeof original === 'function' && createHash('sha256').update(original.toString()).digest('hex') === KNOWN_COPY_FROM;
    if (known) proto!.copyFrom = copyFrom;
    state = known ? 'patched' : 'unknown-version';
  }
  return state === 'patched';
}
