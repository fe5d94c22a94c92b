// The help overlay: every binding of the active keymap, grouped by table. With copy mode's keys
// the list is longer than most screens are high, so it flows into columns as wide as the overlay
// allows, and into pages beyond that (Space / PageDown, PageUp / b turn them).
import { Box, Text } from 'ink';
import { describeBindings, type Keymap, type TableName } from '../keymap.js';

const TITLES: Record<TableName, string> = {
  prefix: 'after the prefix',
  ask: 'on a pane with an open ask',
  scroll: 'in copy mode',
};

/** Narrowest column worth a second one: keys plus a short description. */
const MIN_COLUMN = 38;
const KEYS_WIDTH = 14;

type Line = { kind: 'title'; text: string } | { kind: 'binding'; keys: string; help: string } | { kind: 'gap' };

export interface HelpProps {
  keymap: Keymap;
  width: number;
  /** Rows the overlay may take; without it, one column of every binding. */
  height?: number;
  /** The page shown (wraps around). */
  page?: number;
}

/** Pages the help takes at this size (the App turns pages with it). */
export function helpPages(keymap: Keymap, width: number, height: number): number {
  return layout(helpLines(keymap), width, height).pages;
}

export function Help({ keymap, width, height, page = 0 }: HelpProps) {
  const lines = helpLines(keymap);
  const { columns, perColumn, pages } = height === undefined ? { columns: 1, perColumn: lines.length, pages: 1 } : layout(lines, width, height);
  const current = ((page % pages) + pages) % pages;
  const shown = lines.slice(current * columns * perColumn, (current + 1) * columns * perColumn);
  const inner = Math.max(1, width - 4);
  const columnWidth = Math.floor(inner / columns);
  const title = `Keys — prefix ${keymap.prefix}   (q or Escape closes${pages > 1 ? `; page ${current + 1}/${pages}, Space for more` : ''})`;
  return (
    <Box flexDirection="column" borderStyle="double" width={width} paddingX={1}>
      <Text bold wrap="truncate">
        {title}
      </Text>
      <Box flexDirection="row">
        {Array.from({ length: columns }, (_, c) => (
          <Box key={c} flexDirection="column" width={columnWidth}>
            {shown.slice(c * perColumn, (c + 1) * perColumn).map((l, i) => (
              <HelpLine key={i} line={l} />
            ))}
          </Box>
        ))}
      </Box>
    </Box>
  );
}

function HelpLine({ line }: { line: Line }) {
  if (line.kind === 'gap') return <Text> </Text>;
  if (line.kind === 'title') return <Text underline>{line.text}</Text>;
  return (
    <Text wrap="truncate">
      <Text bold>{line.keys.padEnd(KEYS_WIDTH)}</Text>
      {line.help}
    </Text>
  );
}

function helpLines(keymap: Keymap): Line[] {
  const rows = describeBindings(keymap);
  const lines: Line[] = [];
  for (const table of ['prefix', 'ask', 'scroll'] as const) {
    if (lines.length > 0) lines.push({ kind: 'gap' });
    lines.push({ kind: 'title', text: TITLES[table] });
    for (const r of rows) if (r.table === table) lines.push({ kind: 'binding', keys: r.keys.join(' '), help: r.help });
  }
  return lines;
}

function layout(lines: Line[], width: number, height: number): { columns: number; perColumn: number; pages: number } {
  // Border (2 rows) and the title line.
  const perColumn = Math.max(1, height - 3);
  const columns = Math.max(1, Math.min(Math.ceil(lines.length / perColumn), Math.floor(Math.max(1, width - 4) / MIN_COLUMN)));
  return { columns, perColumn, pages: Math.max(1, Math.ceil(lines.length / (columns * perColumn))) };
}
