// The user's key bindings: `keys.yaml` in the user config dir, merged over the defaults. Every
// problem is reported as `file:line:col: message`, all of them at once.
//
//   prefix: C-a                 # the prefix key
//   prefix_keys:                # after the prefix
//     "|": split-right
//     "%": none                 # `none` (or null) removes a default binding
//   ask_keys: { Y: allow-session }
//   scroll_keys: { Y: copy-selection }  # copy mode
//
// Command names are keymap.ts's COMMANDS (copy mode's follow tmux's: begin-selection,
// copy-selection, next-word, ...), so a new command is configurable without a change here.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, type Node } from 'yaml';
import { configHome } from '../paths.js';
import { DiagnosticError, suggestion, type Diagnostic } from '../util/diagnostic.js';
import { YamlSource } from '../util/yaml-source.js';
import { COMMAND_NAMES, DEFAULT_KEYMAP, type CommandName, type Keymap, type TableName } from './keymap.js';
import { normalizeKeySpec } from './keys.js';

export const KEYS_FILE = 'keys.yaml';

const SECTIONS: Record<string, TableName> = { prefix_keys: 'prefix', ask_keys: 'ask', scroll_keys: 'scroll' };
const TOP_KEYS = ['prefix', ...Object.keys(SECTIONS)];

/** The keymap for this user: defaults, overridden by `<config>/keys.yaml` when it exists. */
export function loadKeymap(env: NodeJS.ProcessEnv = process.env): Keymap {
  const file = path.join(configHome(env), KEYS_FILE);
  if (!existsSync(file)) return DEFAULT_KEYMAP;
  return keymapFromSource(YamlSource.read(file));
}

export function parseKeymapText(file: string, text: string): Keymap {
  return keymapFromSource(YamlSource.parse(file, text));
}

function keymapFromSource(src: YamlSource): Keymap {
  const problems: Diagnostic[] = [...src.errors];
  if (problems.length) throw new DiagnosticError(problems);
  const root = src.root;
  if (root === null) return DEFAULT_KEYMAP;
  if (!isMap(root)) throw new DiagnosticError([src.diagnostic(root, 'expected a mapping with prefix, prefix_keys, ask_keys, scroll_keys')]);

  let prefix = DEFAULT_KEYMAP.prefix;
  const tables = {
    prefix: new Map(DEFAULT_KEYMAP.tables.prefix),
    ask: new Map(DEFAULT_KEYMAP.tables.ask),
    scroll: new Map(DEFAULT_KEYMAP.tables.scroll),
  };
  const touchedPrefixTable = new Set<string>();

  for (const pair of root.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = src.resolve(pair.value);
    if (name === 'prefix') {
      const key = keyOf(src, value, problems);
      if (key !== undefined) prefix = key;
      continue;
    }
    const table = SECTIONS[name];
    if (!table) {
      problems.push(src.diagnostic(pair, `unknown setting \`${name}\`: ${suggestion(name, TOP_KEYS)}`));
      continue;
    }
    if (value === null || (isScalar(value) && value.value === null)) continue;
    if (!isMap(value)) {
      problems.push(src.diagnostic(value, `\`${name}\` must be a mapping of key: command`));
      continue;
    }
    for (const binding of value.items) {
      const keyNode = src.resolve(binding.key);
      const key = keyOf(src, keyNode, problems);
      const commandNode = src.resolve(binding.value);
      const command = commandOf(src, commandNode, binding, problems);
      if (key === undefined || command === undefined) continue;
      if (table === 'prefix') touchedPrefixTable.add(key);
      if (command === null) tables[table].delete(key);
      else tables[table].set(key, command);
    }
  }
  if (problems.length) throw new DiagnosticError(problems);

  // Pressing the prefix twice sends it through; follow a changed prefix unless the user chose.
  if (prefix !== DEFAULT_KEYMAP.prefix && !touchedPrefixTable.has(DEFAULT_KEYMAP.prefix) && !touchedPrefixTable.has(prefix)) {
    if (tables.prefix.get(DEFAULT_KEYMAP.prefix) === 'send-prefix') tables.prefix.delete(DEFAULT_KEYMAP.prefix);
    tables.prefix.set(prefix, 'send-prefix');
  }
  return { prefix, tables };
}

function keyOf(src: YamlSource, node: Node | null, problems: Diagnostic[]): string | undefined {
  // Numbers are keys too (`1: layout-tiled`); YAML reads them as numbers.
  if (!isScalar(node) || (typeof node.value !== 'string' && typeof node.value !== 'number')) {
    problems.push(src.diagnostic(node, 'expected a key such as C-b, M-x, Up, Tab or a single character'));
    return undefined;
  }
  const spec = String(node.value);
  const key = normalizeKeySpec(spec);
  if (key === undefined) problems.push(src.diagnostic(node, `\`${spec}\` is not a key (write C-b, M-x, Up, PageDown, Tab, S-Tab, Space or one character)`));
  return key;
}

/** The command a binding names; null unbinds; undefined after reporting a problem. */
function commandOf(src: YamlSource, node: Node | null, at: Parameters<YamlSource['diagnostic']>[0], problems: Diagnostic[]): CommandName | null | undefined {
  if (node === null || (isScalar(node) && (node.value === null || node.value === 'none'))) return null;
  if (!isScalar(node) || typeof node.value !== 'string') {
    problems.push(src.diagnostic(node ?? at, 'expected a command name'));
    return undefined;
  }
  const name = node.value;
  if ((COMMAND_NAMES as string[]).includes(name)) return name as CommandName;
  problems.push(src.diagnostic(node, `unknown command \`${name}\`: ${suggestion(name, COMMAND_NAMES)}`));
  return undefined;
}
