// The help overlay: every binding of the active keymap, grouped by table.
import { Box, Text } from 'ink';
import { describeBindings, type Keymap, type TableName } from '../keymap.js';

const TITLES: Record<TableName, string> = {
  prefix: 'after the prefix',
  ask: 'on a pane with an open ask',
  scroll: 'in scroll mode',
};

export function Help({ keymap, width }: { keymap: Keymap; width: number }) {
  const rows = describeBindings(keymap);
  return (
    <Box flexDirection="column" borderStyle="double" width={width} paddingX={1}>
      <Text bold>{`Keys — prefix ${keymap.prefix}   (q or Escape closes)`}</Text>
      {(['prefix', 'ask', 'scroll'] as const).map((table) => (
        <Box key={table} flexDirection="column" marginTop={1}>
          <Text underline>{TITLES[table]}</Text>
          {rows
            .filter((r) => r.table === table)
            .map((r) => (
              <Text key={r.command} wrap="truncate">
                <Text bold>{r.keys.join(' ').padEnd(14)}</Text>
                {r.help}
              </Text>
            ))}
        </Box>
      ))}
    </Box>
  );
}
