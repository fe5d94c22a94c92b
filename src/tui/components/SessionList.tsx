// The session list: one line per session with elapsed, agent, harness, state and cost so far.
import { Box, Text } from 'ink';
import { STATE_COLOR, STATE_LABEL, formatCost, formatElapsed, type SessionState } from '../format.js';
import { ELAPSED_WIDTH } from '../terminal/clock-painter.js';

export interface SessionSummary {
  id: string;
  agent: string;
  harness: string;
  state: SessionState;
  costUsd: number;
  /** Epoch ms. */
  createdAt: number;
  endedAt: number | null;
}

export interface SessionListProps {
  sessions: readonly SessionSummary[];
  /** The focused pane's session, highlighted. */
  selected?: string | null;
  /** Epoch ms, passed in so rendering is pure (and testable). */
  now: number;
  width: number;
}

export function SessionList({ sessions, selected, now, width }: SessionListProps) {
  if (sessions.length === 0) return <Text dimColor>no sessions — prefix c starts one</Text>;
  return (
    <Box flexDirection="column" width={width}>
      {sessions.map((s) => (
        <Text key={s.id} inverse={s.id === selected} wrap="truncate">
          {s.id === selected ? '▸ ' : '  '}
          {/* Elapsed first, at a fixed place: the clock painter advances it without a render. */}
          {`${formatElapsed((s.endedAt ?? now) - s.createdAt).padEnd(ELAPSED_WIDTH)} `}
          <Text bold>{s.agent}</Text>
          <Text dimColor>{` ${s.harness}`}</Text>
          {'  '}
          <Text color={STATE_COLOR[s.state]}>{STATE_LABEL[s.state]}</Text>
          {`  ${formatCost(s.costUsd)}`}
        </Text>
      ))}
    </Box>
  );
}
