// An open ask on its pane: who wants to do what, which rule asked and why, and the keys that
// answer it. The keys shown are the ones bound, so a remapped keymap shows its own letters.
import { Box, Text } from 'ink';
import type { ActionSummary } from '../format.js';
import type { CommandName, Keymap } from '../keymap.js';

export interface AskView {
  id: string;
  sessionId: string;
  agent: string;
  action: ActionSummary;
  rules: readonly string[];
  message: string;
  /** Epoch ms when it becomes a deny. */
  expiresAt?: number | null;
}

export interface AskKeys {
  allowOnce: string;
  allowSession: string;
  denyOnce: string;
  denySession: string;
  next: string;
}

export const DEFAULT_ASK_KEYS: AskKeys = { allowOnce: 'y', allowSession: 'a', denyOnce: 'n', denySession: 'N', next: 'Tab' };

const KIND_LABEL: Record<ActionSummary['kind'], string> = {
  command: 'run',
  push: 'git push',
  path: 'touch',
  host: 'connect to',
  spawn: 'start agent',
  other: 'do',
};

export interface AskPromptProps {
  ask: AskView;
  keys?: AskKeys;
  /** Other asks waiting anywhere (for the Tab hint). */
  more: number;
  width: number;
  now?: number;
}

export function AskPrompt({ ask, keys = DEFAULT_ASK_KEYS, more, width, now }: AskPromptProps) {
  const a = ask.action;
  const left = ask.expiresAt && now !== undefined ? Math.max(0, Math.round((ask.expiresAt - now) / 1000)) : null;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" width={width} paddingX={1}>
      <Text wrap="truncate">
        <Text color="yellow" bold>ASK </Text>
        <Text bold>{ask.agent}</Text>
        {` wants to ${KIND_LABEL[a.kind]}`}
        {left !== null ? <Text dimColor>{`  (denied in ${left}s)`}</Text> : null}
      </Text>
      {a.kind === 'push' ? (
        <Text wrap="truncate">
          {'  branch '}
          <Text bold>{a.branch ?? '(current)'}</Text>
          {a.remote ? ` → ${a.remote}` : ''}
          <Text dimColor>{`   ${a.text}`}</Text>
        </Text>
      ) : (
        <Text wrap="truncate">
          {'  '}
          <Text bold>{a.text}</Text>
          {a.tool && a.kind !== 'other' ? <Text dimColor>{` (${a.tool})`}</Text> : null}
        </Text>
      )}
      <Text wrap="wrap">
        <Text dimColor>{`  rule ${ask.rules.length ? ask.rules.join(', ') : '(default)'}: `}</Text>
        {ask.message}
      </Text>
      <Text wrap="truncate">
        <Text color="green" bold>{keys.allowOnce}</Text>
        {' allow once  '}
        <Text color="green" bold>{keys.allowSession}</Text>
        {' allow for session  '}
        <Text color="red" bold>{keys.denyOnce}</Text>
        {' deny once  '}
        <Text color="red" bold>{keys.denySession}</Text>
        {' deny for session'}
        {more > 0 ? (
          <Text>
            {'  '}
            <Text bold>{keys.next}</Text>
            {` next ask (${more} more)`}
          </Text>
        ) : null}
      </Text>
    </Box>
  );
}

/** The ask-table keys as the prompt should show them ('-' for an unbound answer). */
export function askKeysOf(keymap: Keymap): AskKeys {
  const find = (command: CommandName) => [...keymap.tables.ask].find(([, c]) => c === command)?.[0] ?? '-';
  return { allowOnce: find('allow-once'), allowSession: find('allow-session'), denyOnce: find('deny-once'), denySession: find('deny-session'), next: find('next-ask') };
}
