// The new-session picker: the spec files found under `agents/`, or a path typed in.
import { Box, Text } from 'ink';

export interface SpecPickerProps {
  specs: readonly string[];
  selected: number;
  /** A path being typed; when not empty it wins over the selection. */
  typed: string;
  error?: string | undefined;
  width: number;
  height: number;
}

export function SpecPicker({ specs, selected, typed, error, width, height }: SpecPickerProps) {
  const room = Math.max(1, height - 6);
  const first = Math.max(0, Math.min(selected - Math.floor(room / 2), specs.length - room));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" width={width} height={height} paddingX={1}>
      <Text bold wrap="truncate">New session — Enter starts, Escape cancels, or type a path</Text>
      {specs.length === 0 ? <Text dimColor>no specs under agents/</Text> : null}
      {specs.slice(first, first + room).map((s, i) => (
        <Text key={s} wrap="truncate" inverse={typed === '' && first + i === selected}>
          {`  ${s}`}
        </Text>
      ))}
      <Text wrap="truncate">
        {'path: '}
        {typed}
        <Text inverse> </Text>
      </Text>
      {error ? <Text color="red" wrap="truncate">{error}</Text> : null}
    </Box>
  );
}
