// Renders a terminal pane's frame: one line per row, one <Text> per run of same-style cells.
// Rows are memoized by identity — the model hands back the same Row object for an unchanged
// row — so React skips them entirely. In copy mode the copy cursor and the selection are drawn
// inverse, as the painter draws them outside Ink.
import { memo } from 'react';
import { Box, Text } from 'ink';
import type { CopyOverlay } from '../copy/selection.js';
import type { Frame } from '../terminal/model.js';
import type { Row } from '../terminal/snapshot.js';
import { inkColor, rowRuns } from './runs.js';

export interface TerminalPaneProps {
  frame: Frame | null;
  width: number;
  height: number;
  /** Draw the cursor (only the focused pane's, and not while scrolled back). */
  showCursor: boolean;
  /** Copy mode: its cursor and selection on the frame's rows. */
  copy?: CopyOverlay | null;
}

export function TerminalPane({ frame, width, height, showCursor, copy }: TerminalPaneProps) {
  const rows = frame?.rows.slice(0, height) ?? [];
  const cursor = frame && showCursor && frame.cursor.visible && frame.scrollOffset === 0 ? frame.cursor : copy?.cursor ?? null;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {rows.map((row, y) => {
        const span = copy?.spans[y] ?? null;
        return <TerminalRow key={y} row={row} cursorX={cursor && cursor.y === y ? cursor.x : undefined} selFrom={span?.[0] ?? -1} selTo={span?.[1] ?? -1} />;
      })}
    </Box>
  );
}

/** The selection as two numbers, so the memo compares it by value. */
const TerminalRow = memo(function TerminalRow({ row, cursorX, selFrom, selTo }: { row: Row; cursorX: number | undefined; selFrom: number; selTo: number }) {
  const runs = rowRuns(row, cursorX, selFrom < selTo ? [selFrom, selTo] : null);
  if (runs.length === 0) return <Text> </Text>;
  return (
    <Text wrap="truncate">
      {runs.map((r, i) => {
        const s = r.style;
        return (
          <Text
            key={i}
            color={inkColor(s.fg)}
            backgroundColor={inkColor(s.bg)}
            bold={s.bold}
            dimColor={s.dim}
            italic={s.italic}
            underline={s.underline}
            inverse={s.inverse}
            strikethrough={s.strikethrough}
          >
            {s.invisible ? ' '.repeat(r.text.length) : r.text}
          </Text>
        );
      })}
    </Text>
  );
});
