// The dashboard's key bindings and the pure resolver that turns key events into actions.
//
// Three tables, like tmux's key tables: `prefix` (keys after the prefix key, Ctrl-b by default),
// `ask` (active without the prefix while the focused pane shows an open ask) and `scroll`
// (active while the focused pane is in copy mode, tmux's vi copy-mode keys). A key that no active
// table binds goes
// to the focused pane. The resolver keeps only one bit of state — whether the prefix was just
// pressed — and learns everything else from the context the caller passes in.
import type { CopyMotion } from './copy/motions.js';
import { keyBytes, type KeyEvent } from './keys.js';
import type { Axis, EvenPreset, FocusDirection } from './layout/index.js';

export type AskAnswer = 'allow_once' | 'allow_session' | 'deny_once' | 'deny_session';
/** A copy-mode motion: the copy cursor, or the view (`line-up` and the page motions). */
export type ScrollMotion = CopyMotion;
/** What copy mode does with its selection. */
export type SelectionOp = 'begin' | 'lines' | 'rectangle' | 'other-end' | 'copy' | 'clear';
/** Copy mode's search: open the prompt to search down or up, or repeat the last search. */
export type SearchOp = 'down' | 'up' | 'again' | 'reverse';

/** What a key asks the dashboard to do. */
export type Action =
  | { type: 'split'; axis: Axis }
  | { type: 'focus'; direction: FocusDirection }
  | { type: 'focus-next'; delta: number }
  | { type: 'swap'; delta: number }
  | { type: 'layout'; preset: EvenPreset | 'equalize' }
  | { type: 'zoom' }
  | { type: 'close' }
  | { type: 'new-session' }
  | { type: 'detach' }
  | { type: 'scroll-mode' }
  | { type: 'help' }
  | { type: 'next-ask' }
  | { type: 'answer'; answer: AskAnswer }
  | { type: 'scroll'; motion: ScrollMotion }
  | { type: 'selection'; op: SelectionOp }
  | { type: 'search'; op: SearchOp }
  | { type: 'exit-scroll' }
  /** Type the paste buffer (the last copied text) into the focused pane. */
  | { type: 'paste-buffer' }
  /** Bytes for the focused pane (its PTY, or the input line of a headless session). */
  | { type: 'input'; data: string };

/** Names used in keys.yaml, each with the action it stands for and a line for the help overlay. */
export const COMMANDS = {
  'split-right': { action: { type: 'split', axis: 'row' }, help: 'split the pane, new pane on the right' },
  'split-down': { action: { type: 'split', axis: 'column' }, help: 'split the pane, new pane below' },
  'focus-left': { action: { type: 'focus', direction: 'left' }, help: 'focus the pane on the left' },
  'focus-right': { action: { type: 'focus', direction: 'right' }, help: 'focus the pane on the right' },
  'focus-up': { action: { type: 'focus', direction: 'up' }, help: 'focus the pane above' },
  'focus-down': { action: { type: 'focus', direction: 'down' }, help: 'focus the pane below' },
  next: { action: { type: 'focus-next', delta: 1 }, help: 'focus the next pane' },
  previous: { action: { type: 'focus-next', delta: -1 }, help: 'focus the previous pane' },
  'swap-next': { action: { type: 'swap', delta: 1 }, help: 'swap the pane with the next one' },
  'swap-previous': { action: { type: 'swap', delta: -1 }, help: 'swap the pane with the previous one' },
  'layout-even-horizontal': { action: { type: 'layout', preset: 'even-horizontal' }, help: 'all panes side by side' },
  'layout-even-vertical': { action: { type: 'layout', preset: 'even-vertical' }, help: 'all panes stacked' },
  'layout-tiled': { action: { type: 'layout', preset: 'tiled' }, help: 'all panes in a grid' },
  equalize: { action: { type: 'layout', preset: 'equalize' }, help: 'give every split equal shares' },
  zoom: { action: { type: 'zoom' }, help: 'zoom the pane to the full screen and back' },
  close: { action: { type: 'close' }, help: 'close the pane' },
  'new-session': { action: { type: 'new-session' }, help: 'start a session from a spec' },
  detach: { action: { type: 'detach' }, help: 'leave the dashboard; sessions keep running' },
  'scroll-mode': { action: { type: 'scroll-mode' }, help: 'copy mode: scroll back, select and copy' },
  'paste-buffer': { action: { type: 'paste-buffer' }, help: 'paste the last copied text into the pane' },
  help: { action: { type: 'help' }, help: 'show the key bindings' },
  'next-ask': { action: { type: 'next-ask' }, help: 'jump to the next pending ask' },
  'send-prefix': { action: { type: 'input', data: '' }, help: 'send the prefix key to the pane' },
  'allow-once': { action: { type: 'answer', answer: 'allow_once' }, help: 'allow this action once' },
  'allow-session': { action: { type: 'answer', answer: 'allow_session' }, help: 'allow it for the rest of the session' },
  'deny-once': { action: { type: 'answer', answer: 'deny_once' }, help: 'deny this action once' },
  'deny-session': { action: { type: 'answer', answer: 'deny_session' }, help: 'deny it for the rest of the session' },
  'cursor-left': { action: { type: 'scroll', motion: 'cursor-left' }, help: 'cursor left' },
  'cursor-right': { action: { type: 'scroll', motion: 'cursor-right' }, help: 'cursor right' },
  'cursor-up': { action: { type: 'scroll', motion: 'cursor-up' }, help: 'cursor up (scrolls at the top edge)' },
  'cursor-down': { action: { type: 'scroll', motion: 'cursor-down' }, help: 'cursor down (scrolls at the bottom edge)' },
  'next-word': { action: { type: 'scroll', motion: 'next-word' }, help: 'start of the next word' },
  'previous-word': { action: { type: 'scroll', motion: 'previous-word' }, help: 'start of the previous word' },
  'next-word-end': { action: { type: 'scroll', motion: 'next-word-end' }, help: 'end of the word' },
  'start-of-line': { action: { type: 'scroll', motion: 'start-of-line' }, help: 'start of the line' },
  'back-to-indentation': { action: { type: 'scroll', motion: 'back-to-indentation' }, help: 'first non-blank of the line' },
  'end-of-line': { action: { type: 'scroll', motion: 'end-of-line' }, help: 'end of the line' },
  'top-line': { action: { type: 'scroll', motion: 'top-line' }, help: 'top line of the view' },
  'middle-line': { action: { type: 'scroll', motion: 'middle-line' }, help: 'middle line of the view' },
  'bottom-line': { action: { type: 'scroll', motion: 'bottom-line' }, help: 'bottom line of the view' },
  'scroll-up': { action: { type: 'scroll', motion: 'line-up' }, help: 'scroll the view one line up' },
  'scroll-down': { action: { type: 'scroll', motion: 'line-down' }, help: 'scroll the view one line down' },
  'page-up': { action: { type: 'scroll', motion: 'page-up' }, help: 'one page up' },
  'page-down': { action: { type: 'scroll', motion: 'page-down' }, help: 'one page down' },
  'half-page-up': { action: { type: 'scroll', motion: 'half-up' }, help: 'half a page up' },
  'half-page-down': { action: { type: 'scroll', motion: 'half-down' }, help: 'half a page down' },
  'scroll-top': { action: { type: 'scroll', motion: 'top' }, help: 'oldest line' },
  'scroll-bottom': { action: { type: 'scroll', motion: 'bottom' }, help: 'newest line' },
  'begin-selection': { action: { type: 'selection', op: 'begin' }, help: 'start selecting at the cursor' },
  'select-line': { action: { type: 'selection', op: 'lines' }, help: 'select whole lines' },
  'rectangle-toggle': { action: { type: 'selection', op: 'rectangle' }, help: 'block selection on or off (starts one at the cursor)' },
  'other-end': { action: { type: 'selection', op: 'other-end' }, help: 'cursor to the other end of the selection' },
  'copy-selection': { action: { type: 'selection', op: 'copy' }, help: 'copy the selection and leave copy mode' },
  'clear-selection': { action: { type: 'selection', op: 'clear' }, help: 'clear the selection; without one, leave' },
  'search-down': { action: { type: 'search', op: 'down' }, help: 'search down: type the text, then Enter' },
  'search-up': { action: { type: 'search', op: 'up' }, help: 'search up: type the text, then Enter' },
  'search-again': { action: { type: 'search', op: 'again' }, help: 'next match of the last search' },
  'search-reverse': { action: { type: 'search', op: 'reverse' }, help: 'next match of the last search, the other way' },
  'exit-scroll': { action: { type: 'exit-scroll' }, help: 'leave copy mode' },
} as const satisfies Record<string, { action: Action; help: string }>;

export type CommandName = keyof typeof COMMANDS;
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

export type TableName = 'prefix' | 'ask' | 'scroll';
export const TABLE_NAMES: readonly TableName[] = ['prefix', 'ask', 'scroll'];

export interface Keymap {
  /** Canonical key name of the prefix. */
  prefix: string;
  /** Canonical key name → command, per table. */
  tables: Record<TableName, ReadonlyMap<string, CommandName>>;
}

export const DEFAULT_KEYMAP: Keymap = {
  prefix: 'C-b',
  tables: {
    prefix: new Map<string, CommandName>([
      ['%', 'split-right'],
      ['"', 'split-down'],
      ['Left', 'focus-left'],
      ['Right', 'focus-right'],
      ['Up', 'focus-up'],
      ['Down', 'focus-down'],
      ['h', 'focus-left'],
      ['l', 'focus-right'],
      ['k', 'focus-up'],
      ['j', 'focus-down'],
      ['n', 'next'],
      ['p', 'previous'],
      ['o', 'next'],
      ['{', 'swap-previous'],
      ['}', 'swap-next'],
      ['M-1', 'layout-even-horizontal'],
      ['M-2', 'layout-even-vertical'],
      ['M-5', 'layout-tiled'],
      ['E', 'equalize'],
      ['z', 'zoom'],
      ['x', 'close'],
      ['c', 'new-session'],
      ['d', 'detach'],
      ['[', 'scroll-mode'],
      ['PageUp', 'scroll-mode'],
      [']', 'paste-buffer'],
      ['?', 'help'],
      ['Tab', 'next-ask'],
      ['C-b', 'send-prefix'],
    ]),
    ask: new Map<string, CommandName>([
      ['y', 'allow-once'],
      ['a', 'allow-session'],
      ['n', 'deny-once'],
      ['N', 'deny-session'],
      ['Tab', 'next-ask'],
    ]),
    // tmux's vi copy-mode keys. (C-b pages up only when the prefix is another key.)
    scroll: new Map<string, CommandName>([
      ['Left', 'cursor-left'],
      ['h', 'cursor-left'],
      ['Right', 'cursor-right'],
      ['l', 'cursor-right'],
      ['Up', 'cursor-up'],
      ['k', 'cursor-up'],
      ['Down', 'cursor-down'],
      ['j', 'cursor-down'],
      ['w', 'next-word'],
      ['b', 'previous-word'],
      ['e', 'next-word-end'],
      ['0', 'start-of-line'],
      ['^', 'back-to-indentation'],
      ['$', 'end-of-line'],
      ['H', 'top-line'],
      ['M', 'middle-line'],
      ['L', 'bottom-line'],
      ['C-y', 'scroll-up'],
      ['C-e', 'scroll-down'],
      ['PageUp', 'page-up'],
      ['C-b', 'page-up'],
      ['PageDown', 'page-down'],
      ['C-f', 'page-down'],
      ['C-u', 'half-page-up'],
      ['C-d', 'half-page-down'],
      ['g', 'scroll-top'],
      ['Home', 'scroll-top'],
      ['G', 'scroll-bottom'],
      ['End', 'scroll-bottom'],
      ['Space', 'begin-selection'],
      ['v', 'begin-selection'],
      ['V', 'select-line'],
      ['C-v', 'rectangle-toggle'],
      ['o', 'other-end'],
      ['Enter', 'copy-selection'],
      ['y', 'copy-selection'],
      ['Escape', 'clear-selection'],
      ['/', 'search-down'],
      ['?', 'search-up'],
      ['n', 'search-again'],
      ['N', 'search-reverse'],
      ['q', 'exit-scroll'],
      ['C-c', 'exit-scroll'],
    ]),
  },
};

/** What the resolver needs to know about the focused pane. */
export interface KeyContext {
  /** The focused pane shows an open ask: the ask table is active. */
  askOpen: boolean;
  /** The focused pane is in copy mode: the scroll table is active and other keys are dropped. */
  scrolling: boolean;
}

export interface ResolverState {
  /** The prefix key was pressed and the next key is a command. */
  prefixed: boolean;
}

export const initialResolverState: ResolverState = { prefixed: false };

export interface Resolution {
  state: ResolverState;
  /** Null when the key only changed state (the prefix) or is ignored. */
  action: Action | null;
}

/**
 * One key in, at most one action out. After the prefix, a bound key runs its command and an
 * unbound one is dropped (as tmux does), so a mistyped command never leaks into an agent's TUI.
 * In copy mode the prefix still works, so panes can be switched without leaving it first.
 */
export function resolveKey(keymap: Keymap, state: ResolverState, ev: KeyEvent, ctx: KeyContext): Resolution {
  const idle: ResolverState = { prefixed: false };
  if (state.prefixed) {
    const name = keymap.tables.prefix.get(ev.key);
    if (name === undefined) return { state: idle, action: null };
    if (name === 'send-prefix') return { state: idle, action: { type: 'input', data: keyBytes(keymap.prefix) ?? '' } };
    return { state: idle, action: COMMANDS[name].action };
  }
  if (ev.key === keymap.prefix) return { state: { prefixed: true }, action: null };
  if (ctx.scrolling) {
    const name = keymap.tables.scroll.get(ev.key);
    return { state: idle, action: name === undefined ? null : COMMANDS[name].action };
  }
  if (ctx.askOpen) {
    const name = keymap.tables.ask.get(ev.key);
    if (name !== undefined) return { state: idle, action: COMMANDS[name].action };
  }
  return { state: idle, action: { type: 'input', data: ev.raw } };
}

export interface BindingHelp {
  table: TableName;
  keys: string[];
  command: CommandName;
  help: string;
}

/**
 * The bindings grouped by table and command, in command order, for the help overlay. A key equal
 * to the prefix is left out of the other tables: the prefix takes it first, so it never reaches them.
 */
export function describeBindings(keymap: Keymap): BindingHelp[] {
  const out: BindingHelp[] = [];
  for (const table of TABLE_NAMES) {
    const byCommand = new Map<CommandName, string[]>();
    for (const [key, command] of keymap.tables[table]) {
      if (table !== 'prefix' && key === keymap.prefix) continue;
      const list = byCommand.get(command) ?? [];
      list.push(key);
      byCommand.set(command, list);
    }
    for (const command of COMMAND_NAMES) {
      const keys = byCommand.get(command);
      if (keys) out.push({ table, keys, command, help: COMMANDS[command].help });
    }
  }
  return out;
}
