// A headless session's transcript: the last lines that fit, newest at the bottom. Tool calls
// show their decision and the rule that made it, so a person sees why something was refused.
import { Box, Text } from 'ink';
import { formatCost, formatTokens } from '../format.js';
import type { Transcript, TranscriptEntry } from '../transcript.js';

export interface TranscriptPaneProps {
  transcript: Transcript;
  width: number;
  height: number;
}

const DECISION_COLOR: Record<string, string> = { allow: 'green', warn: 'yellow', ask: 'yellow', deny: 'red' };

export function TranscriptPane({ transcript, width, height }: TranscriptPaneProps) {
  const body = Math.max(0, height - 1);
  // Each entry takes at least one line; only the newest that can fit are rendered at all.
  const shown = transcript.entries.slice(-body);
  const u = transcript.usage;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Box flexDirection="column" flexGrow={1} justifyContent="flex-end" overflow="hidden">
        {shown.map((e) => (
          <Entry key={e.seq} entry={e} />
        ))}
      </Box>
      <Text dimColor wrap="truncate">
        {`usage ${formatCost(u.costUsd)} · ${formatTokens(u.inputTokens)} in · ${formatTokens(u.outputTokens)} out`}
      </Text>
    </Box>
  );
}

function Entry({ entry: e }: { entry: TranscriptEntry }) {
  switch (e.kind) {
    case 'user':
      return (
        <Text wrap="truncate">
          <Text color="cyan" bold>{'› '}</Text>
          {e.text}
        </Text>
      );
    case 'assistant':
      return <Text wrap="wrap">{e.text}</Text>;
    case 'tool': {
      const d = e.decision;
      return (
        <Box flexDirection="column">
          <Text wrap="truncate">
            <Text color="magenta">{`⚙ ${e.name}`}</Text>
            {e.detail ? ` ${e.detail}` : ''}
            {d ? <Text color={DECISION_COLOR[d.action] ?? 'white'}>{` [${d.action}${d.rule ? `: ${d.rule}` : ''}]`}</Text> : null}
          </Text>
          {d?.message && d.action !== 'allow' ? <Text dimColor wrap="truncate">{`  ${d.message}`}</Text> : null}
          {e.result?.isError ? <Text color="red" wrap="truncate">{`  ✗ ${firstLine(e.result.text)}`}</Text> : null}
        </Box>
      );
    }
    case 'ask':
      return (
        <Text color="yellow" wrap="truncate">
          {`? ${e.prompt}${e.answer ? ` → ${e.answer}` : ''}`}
        </Text>
      );
    case 'state':
      return <Text dimColor wrap="truncate">{`· ${e.state}${e.reason ? ` (${e.reason})` : ''}`}</Text>;
    case 'error':
      return <Text color="red" wrap="truncate">{`! ${e.message}`}</Text>;
  }
}

function firstLine(s: string): string {
  return s.split('\n', 1)[0] ?? '';
}
