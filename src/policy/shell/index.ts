export { parseShell } from './parser.js';
export { ShellParseCache, type Entry as ShellCacheEntry } from './cache.js';
export type { ShellParse, SimpleCommand, Redirect } from './types.js';
