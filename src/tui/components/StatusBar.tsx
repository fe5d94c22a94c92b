// The bottom line: total spend, pending asks, the current key mode and hints.
import { Box, Text } from 'ink';
import { formatCost } from '../format.js';

export interface StatusBarProps {
  totalCostUsd: number;
  pendingAsks: number;
  /** `prefix` after the prefix key, `copy` in copy mode. */
  mode: 'normal' | 'prefix' | 'copy';
  /** Short key hints, e.g. "C-b ? help". */
  hints: string;
  width: number;
}

export function StatusBar({ totalCostUsd, pendingAsks, mode, hints, width }: StatusBarProps) {
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate">
        <Text bold>{` ${formatCost(totalCostUsd)} `}</Text>
        {pendingAsks > 0 ? <Text color="black" backgroundColor="yellow">{` ${pendingAsks} ask${pendingAsks === 1 ? '' : 's'} pending `}</Text> : <Text dimColor> no asks </Text>}
        {mode !== 'normal' ? <Text color="black" backgroundColor="cyan">{` ${mode.toUpperCase()} `}</Text> : null}
        <Text dimColor>{` ${hints}`}</Text>
      </Text>
    </Box>
  );
}
