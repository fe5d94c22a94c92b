// Key parsing, the prefix state machine, and keys.yaml with file:line:col errors.
import test from 'ava';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DiagnosticError } from '../../src/util/diagnostic.js';
import { DEFAULT_KEYMAP, describeBindings, initialResolverState, resolveKey, type Action, type KeyContext, type Keymap } from '../../src/tui/keymap.js';
import { loadKeymap, parseKeymapText } from '../../src/tui/keymap-config.js';
import { normalizeKeySpec, parseKeys } from '../../src/tui/keys.js';

const plain: KeyContext = { askOpen: false, scrolling: false };

/** Feeds raw input through the resolver, collecting actions. */
function run(input: string, ctx: KeyContext = plain, keymap: Keymap = DEFAULT_KEYMAP): Action[] {
  let state = initialResolverState;
  const out: Action[] = [];
  for (const ev of parseKeys(input)) {
    const r = resolveKey(keymap, state, ev, ctx);
    state = r.state;
    if (r.action) out.push(r.action);
  }
  return out;
}

test('parseKeys: control, arrows (CSI and SS3), modifiers, meta, paste, unicode', (t) => {
  const keys = (s: string) => parseKeys(s).map((k) => k.key);
  t.deepEqual(keys('\x02%a\r\t\x7f '), ['C-b', '%', 'a', 'Enter', 'Tab', 'Backspace', 'Space']);
  t.deepEqual(keys('\x1b[A\x1bOB\x1b[1;5C\x1b[1;3D\x1b[Z'), ['Up', 'Down', 'C-Right', 'M-Left', 'BTab']);
  t.deepEqual(keys('\x1b[5~\x1b[6~\x1b[3~\x1b[15~'), ['PageUp', 'PageDown', 'Delete', 'F5']);
  t.deepEqual(keys('\x1bx\x1b\x01\x1b'), ['M-x', 'C-M-a', 'Escape']);
  t.deepEqual(keys('é😀N'), ['é', '😀', 'N']);
  const paste = parseKeys('\x1b[200~hello\x1b[201~z');
  t.deepEqual(paste.map((k) => k.key), ['Paste', 'z']);
  t.is(paste[0]!.raw, '\x1b[200~hello\x1b[201~');
  t.is(parseKeys('\x1b[1;5C')[0]!.raw, '\x1b[1;5C');
  t.is(parseKeys('\x1b[?1;2c')[0]!.key, 'Unknown');
});

test('normalizeKeySpec accepts common spellings', (t) => {
  t.is(normalizeKeySpec('Ctrl-b'), 'C-b');
  t.is(normalizeKeySpec('ctrl+B'), 'C-b');
  t.is(normalizeKeySpec('^a'), 'C-a');
  t.is(normalizeKeySpec('alt-up'), 'M-Up');
  t.is(normalizeKeySpec('S-Tab'), 'BTab');
  t.is(normalizeKeySpec('shift-n'), 'N');
  t.is(normalizeKeySpec('esc'), 'Escape');
  t.is(normalizeKeySpec('%'), '%');
  t.is(normalizeKeySpec('C--'), 'C--');
  t.is(normalizeKeySpec('Hyper-q'), undefined);
  t.is(normalizeKeySpec('Upp'), undefined);
});

test('prefix then command keys; unbound after prefix is dropped', (t) => {
  t.deepEqual(run('\x02%\x02"'), [
    { type: 'split', axis: 'row' },
    { type: 'split', axis: 'column' },
  ]);
  t.deepEqual(run('\x02\x1b[D\x02l\x02k\x02j'), [
    { type: 'focus', direction: 'left' },
    { type: 'focus', direction: 'right' },
    { type: 'focus', direction: 'up' },
    { type: 'focus', direction: 'down' },
  ]);
  t.deepEqual(run('\x02z\x02x\x02n\x02p\x02c\x02d\x02[\x02?'), [
    { type: 'zoom' },
    { type: 'close' },
    { type: 'focus-next', delta: 1 },
    { type: 'focus-next', delta: -1 },
    { type: 'new-session' },
    { type: 'detach' },
    { type: 'scroll-mode' },
    { type: 'help' },
  ]);
  t.deepEqual(run('\x02Q'), []);
  t.deepEqual(run('\x02\x02'), [{ type: 'input', data: '\x02' }], 'prefix twice sends it through');
});

test('without the prefix keys go to the pane, raw', (t) => {
  t.deepEqual(run('ls\x1b[A'), [
    { type: 'input', data: 'l' },
    { type: 'input', data: 's' },
    { type: 'input', data: '\x1b[A' },
  ]);
});

test('ask keys work while the focused pane has an open ask; other keys still reach the pane', (t) => {
  const ask = { askOpen: true, scrolling: false };
  t.deepEqual(run('yanN\t', ask), [
    { type: 'answer', answer: 'allow_once' },
    { type: 'answer', answer: 'allow_session' },
    { type: 'answer', answer: 'deny_once' },
    { type: 'answer', answer: 'deny_session' },
    { type: 'next-ask' },
  ]);
  t.deepEqual(run('q', ask), [{ type: 'input', data: 'q' }]);
  t.deepEqual(run('y'), [{ type: 'input', data: 'y' }], 'no ask: y is just a letter');
  t.deepEqual(run('\x02\t'), [{ type: 'next-ask' }], 'prefix Tab jumps to an ask from anywhere');
});

test('copy mode: motions, selection and copy keys act, others are dropped, prefix still works', (t) => {
  const copy = { askOpen: false, scrolling: true };
  const motions = (input: string) => run(input, copy).map((a) => (a.type === 'scroll' ? a.motion : a.type));
  t.deepEqual(motions('hjkl\x1b[D\x1b[B\x1b[A\x1b[C'), ['cursor-left', 'cursor-down', 'cursor-up', 'cursor-right', 'cursor-left', 'cursor-down', 'cursor-up', 'cursor-right']);
  t.deepEqual(motions('wbe0^$HMLgG\x1b[H\x1b[F'), ['next-word', 'previous-word', 'next-word-end', 'start-of-line', 'back-to-indentation', 'end-of-line', 'top-line', 'middle-line', 'bottom-line', 'top', 'bottom', 'top', 'bottom']);
  t.deepEqual(motions('\x1b[5~\x1b[6~\x06\x15\x04\x19\x05'), ['page-up', 'page-down', 'page-down', 'half-up', 'half-down', 'line-up', 'line-down']);
  t.deepEqual(run(' vVo\ry\x1b', copy), [
    { type: 'selection', op: 'begin' },
    { type: 'selection', op: 'begin' },
    { type: 'selection', op: 'lines' },
    { type: 'selection', op: 'other-end' },
    { type: 'selection', op: 'copy' },
    { type: 'selection', op: 'copy' },
    { type: 'selection', op: 'clear' },
  ]);
  t.deepEqual(run('q\x03', copy), [{ type: 'exit-scroll' }, { type: 'exit-scroll' }]);
  t.deepEqual(run('xZ', copy), [], 'unbound keys go nowhere: not to the pane');
  t.deepEqual(run('\x02n', copy), [{ type: 'focus-next', delta: 1 }]);
  t.deepEqual(run('\x02', copy), [], 'C-b is the prefix, not page-up, while the prefix is C-b');
  t.deepEqual(run('\x02]'), [{ type: 'paste-buffer' }]);
  t.deepEqual(run('\x02]', copy), [{ type: 'paste-buffer' }]);
  t.deepEqual(run('y'), [{ type: 'input', data: 'y' }], 'outside copy mode y is a letter for the pane');
});

test('keys.yaml binds copy-mode commands by name; C-b pages up once the prefix is another key', (t) => {
  const km = parseKeymapText('keys.yaml', ['prefix: C-a', 'prefix_keys:', '  p: paste-buffer', 'scroll_keys:', '  Y: copy-selection', '  y: none', '  C-v: select-line', '  x: clear-selection', '  "|": end-of-line', ''].join('\n'));
  const copy = { askOpen: false, scrolling: true };
  t.deepEqual(run('Yy\x16x|', copy, km), [
    { type: 'selection', op: 'copy' },
    { type: 'selection', op: 'lines' },
    { type: 'selection', op: 'clear' },
    { type: 'scroll', motion: 'end-of-line' },
  ]);
  t.deepEqual(run('\x02', copy, km), [{ type: 'scroll', motion: 'page-up' }]);
  t.deepEqual(run('\x01p\x01]', plain, km), [{ type: 'paste-buffer' }, { type: 'paste-buffer' }]);
  const err = t.throws(() => parseKeymapText('k.yaml', 'scroll_keys:\n  v: begin-selektion\n'), { instanceOf: DiagnosticError }) as DiagnosticError;
  t.is(err.message, 'k.yaml:2:6: unknown command `begin-selektion`: did you mean `begin-selection`?');
});

test('keys.yaml overrides, unbinds, and a new prefix carries send-prefix', (t) => {
  const km = parseKeymapText('keys.yaml', 'prefix: C-a\nprefix_keys:\n  "|": split-right\n  "%": none\nask_keys:\n  Y: allow-session\n');
  t.is(km.prefix, 'C-a');
  t.deepEqual(run('\x01|\x01%\x02', plain, km), [
    { type: 'split', axis: 'row' },
    { type: 'input', data: '\x02' },
  ]);
  t.deepEqual(run('\x01\x01', plain, km), [{ type: 'input', data: '\x01' }]);
  t.deepEqual(run('Y', { askOpen: true, scrolling: false }, km), [{ type: 'answer', answer: 'allow_session' }]);
  t.deepEqual(parseKeymapText('keys.yaml', ''), DEFAULT_KEYMAP);
});

test('keys.yaml problems are reported as file:line:col, all at once, with suggestions', (t) => {
  const text = ['prefix: Hyper-q', 'prefix_keys:', '  "%": split-rigth', '  Upp: zoom', 'scrol_keys: {}', ''].join('\n');
  const err = t.throws(() => parseKeymapText('/home/u/.config/bridle/keys.yaml', text), { instanceOf: DiagnosticError }) as DiagnosticError;
  t.deepEqual(err.message.split('\n'), [
    '/home/u/.config/bridle/keys.yaml:1:9: `Hyper-q` is not a key (write C-b, M-x, Up, PageDown, Tab, S-Tab, Space or one character)',
    '/home/u/.config/bridle/keys.yaml:3:8: unknown command `split-rigth`: did you mean `split-right`?',
    '/home/u/.config/bridle/keys.yaml:4:3: `Upp` is not a key (write C-b, M-x, Up, PageDown, Tab, S-Tab, Space or one character)',
    '/home/u/.config/bridle/keys.yaml:5:1: unknown setting `scrol_keys`: did you mean `scroll_keys`?',
  ]);
  const syntax = t.throws(() => parseKeymapText('k.yaml', 'prefix_keys: [\n'), { instanceOf: DiagnosticError }) as DiagnosticError;
  t.regex(syntax.message, /^k\.yaml:\d+:\d+: YAML: /);
});

test('loadKeymap reads keys.yaml from the user config dir, defaults without one', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bridle-keys-'));
  t.is(loadKeymap({ XDG_CONFIG_HOME: dir }), DEFAULT_KEYMAP);
  mkdirSync(path.join(dir, 'bridle'));
  writeFileSync(path.join(dir, 'bridle', 'keys.yaml'), 'prefix: C-space\n');
  t.is(loadKeymap({ XDG_CONFIG_HOME: dir }).prefix, 'C-Space');
});

test('help lists every binding grouped by table', (t) => {
  const help = describeBindings(DEFAULT_KEYMAP);
  const split = help.find((h) => h.command === 'split-right');
  t.deepEqual(split?.keys, ['%']);
  t.deepEqual(help.find((h) => h.command === 'focus-left' && h.table === 'prefix')?.keys, ['Left', 'h']);
  t.deepEqual([...new Set(help.map((h) => h.table))], ['prefix', 'ask', 'scroll']);
  t.deepEqual(help.find((h) => h.command === 'copy-selection')?.keys, ['Enter', 'y']);
  t.deepEqual(help.find((h) => h.command === 'paste-buffer')?.keys, [']']);
  // C-b (page-up in copy mode) is taken by the prefix: not listed as a key that does something.
  t.deepEqual(help.find((h) => h.command === 'page-up')?.keys, ['PageUp']);
  const km = parseKeymapText('keys.yaml', 'prefix: C-a\n');
  t.deepEqual(describeBindings(km).find((h) => h.command === 'page-up')?.keys, ['PageUp', 'C-b']);
});
