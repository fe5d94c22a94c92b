// One tiled pane at its place on the screen: a title bar (agent, state, session), the content —
// an interactive session's terminal, a headless session's transcript, or a hint when empty —
// the open ask at the bottom when there is one, the input line of a live headless session, and
// the separator column on the right. Presentational: everything comes in as props.
import { Box, Text } from 'ink';
import { copyOverlay, type CopyState } from '../copy/selection.js';
import type { PaneGeometry } from '../layout/index.js';
import type { Frame } from '../terminal/model.js';
import type { Transcript } from '../transcript.js';
import { STATE_COLOR, STATE_LABEL, type SessionState } from '../format.js';
import { AskPrompt, type AskKeys, type AskView } from './AskPrompt.js';
import { TerminalPane } from './TerminalPane.js';
import { TranscriptPane } from './TranscriptPane.js';

export type PaneContent =
  | { kind: 'terminal'; frame: Frame | null }
  /** Drawn outside Ink (terminal/painter.ts): the area stays blank here. */
  | { kind: 'painted' }
  | { kind: 'transcript'; transcript: Transcript }
  | { kind: 'empty' };

export interface PaneViewProps {
  geometry: PaneGeometry;
  focused: boolean;
  session: { id: string; agent: string; harness: string; state: SessionState } | null;
  content: PaneContent;
  ask: AskView | null;
  askKeys: AskKeys;
  /** Other pending asks anywhere. */
  moreAsks: number;
  /** The typed line of a live headless session; null when there is none. */
  inputLine: string | null;
  /** In copy mode (the title says so; the cursor is copy mode's). */
  scrolling: boolean;
  /** Copy mode's cursor and selection, drawn on the terminal when Ink draws it. */
  copy?: CopyState | undefined;
  now: number;
}

/** Rows an open ask takes at the bottom of a pane (border, three lines, keys). */
export const ASK_ROWS = 6;

export function PaneView(p: PaneViewProps) {
  const g = p.geometry;
  const content = g.content;
  const askRows = p.ask ? Math.min(ASK_ROWS, content.height) : 0;
  const lineRows = p.inputLine !== null && content.height - askRows > 1 ? 1 : 0;
  const bodyRows = Math.max(0, content.height - askRows - lineRows);
  return (
    <Box position="absolute" marginLeft={g.outer.x} marginTop={g.outer.y} width={g.outer.width} height={g.outer.height} flexDirection="row">
      <Box flexDirection="column" width={content.width} height={g.outer.height}>
        {g.title.height > 0 ? <TitleBar {...p} width={g.title.width} /> : null}
        {bodyRows > 0 ? <Body content={p.content} width={content.width} height={bodyRows} cursor={p.focused && !p.scrolling && !p.ask} copy={p.scrolling ? p.copy : undefined} /> : null}
        {lineRows > 0 ? (
          <Text wrap="truncate">
            <Text color="cyan" bold>{'› '}</Text>
            {p.inputLine}
            {p.focused ? <Text inverse> </Text> : null}
          </Text>
        ) : null}
        {p.ask && askRows > 0 ? (
          <Box height={askRows} overflow="hidden">
            <AskPrompt ask={p.ask} keys={p.askKeys} more={p.moreAsks} width={content.width} now={p.now} />
          </Box>
        ) : null}
      </Box>
      {g.separator.width > 0 ? (
        <Box width={g.separator.width} height={g.separator.height} flexDirection="column">
          <Text dimColor>{'│\n'.repeat(g.separator.height).slice(0, -1)}</Text>
        </Box>
      ) : null}
    </Box>
  );
}

function TitleBar(p: PaneViewProps & { width: number }) {
  const s = p.session;
  // One plain string padded to the width, so the focused pane's inverse bar spans the whole row.
  const text = s ? ` ${s.agent} ${s.harness} · ${STATE_LABEL[s.state]}${p.ask ? ' · ASK' : ''}${p.scrolling ? ` · copy${p.copy?.anchor ? (p.copy.rect === true && !p.copy.lines ? ' (block)' : ' (selecting)') : ''}` : ''}  ${s.id}` : ' (empty)';
  const color = p.ask ? 'yellow' : s && !p.focused ? STATE_COLOR[s.state] : undefined;
  return (
    <Box width={p.width} height={1}>
      <Text wrap="truncate" inverse={p.focused} bold={p.focused} color={color}>
        {text.padEnd(p.width).slice(0, p.width)}
      </Text>
    </Box>
  );
}

function Body({ content, width, height, cursor, copy }: { content: PaneContent; width: number; height: number; cursor: boolean; copy: CopyState | undefined }) {
  if (content.kind === 'terminal') {
    // With an ask or input line below, the newest rows matter most: keep the bottom of the screen.
    const skip = content.frame ? Math.max(0, content.frame.rows.length - height) : 0;
    const frame = content.frame && skip > 0 ? { ...content.frame, rows: content.frame.rows.slice(skip), cursor: { ...content.frame.cursor, y: content.frame.cursor.y - skip } } : content.frame;
    // The frame's first row shows buffer line `scrollback - scrollOffset`; copy mode is in buffer lines.
    const overlay = copy && frame ? copyOverlay(copy, frame.scrollback - frame.scrollOffset + skip, Math.min(height, frame.rows.length), frame.cols) : null;
    return <TerminalPane frame={frame} width={width} height={height} showCursor={cursor} copy={overlay} />;
  }
  if (content.kind === 'painted') return <Box width={width} height={height} />;
  if (content.kind === 'transcript') return <TranscriptPane transcript={content.transcript} width={width} height={height} />;
  return (
    <Box width={width} height={height}>
      <Text dimColor wrap="truncate">
        {' no session here — prefix c starts one'}
      </Text>
    </Box>
  );
}
