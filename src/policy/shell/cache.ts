// Agents repeat themselves: the same `npm test` or `git status` dozens of times a session. Parses
// are cached per command string in a bounded two-generation LRU: hits in the young generation
// cost one Map lookup and no writes; when the young generation fills it becomes the old one and
// the previous old generation is dropped, so memory stays under 2 × capacity entries.
import { parseShell } from './parser.js';
import type { ShellParse } from './types.js';

/** Longer inputs (generated scripts, heredocs) are parsed every time instead of pinned in memory. */
const MAX_CACHED_LENGTH = 16 * 1024;

export class ShellParseCache<Extra = undefined> {
  private young = new Map<string, Entry<Extra>>();
  private old = new Map<string, Entry<Extra>>();

  constructor(
    private readonly capacity = 512,
    private readonly makeExtra?: (parse: ShellParse) => Extra,
  ) {}

  get(command: string): Entry<Extra> {
    let e = this.young.get(command);
    if (e !== undefined) return e;
    e = this.old.get(command);
    if (e === undefined) {
      const parse = parseShell(command);
      e = { parse, extra: this.makeExtra ? this.makeExtra(parse) : (undefined as Extra) };
      if (command.length > MAX_CACHED_LENGTH) return e;
    } else this.old.delete(command);
    if (this.young.size >= this.capacity) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(command, e);
    return e;
  }

  /** An uncached entry for a parse made elsewhere (e.g. a command that is not a string). */
  wrap(parse: ShellParse): Entry<Extra> {
    return { parse, extra: this.makeExtra ? this.makeExtra(parse) : (undefined as Extra) };
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}

export interface Entry<Extra> {
  readonly parse: ShellParse;
  /** Per-parse scratch owned by the cache's user (the engine memoizes matcher results here). */
  readonly extra: Extra;
}
