// The conversation as the built-in agent keeps it: one neutral shape that both wire clients
// (Anthropic Messages, OpenAI Responses) translate from, so the loop never speaks a vendor's
// format and a saved session can be resumed whatever the route. Persisted as one JSON file per
// session in the private config home, which is what makes `resume` cheap.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface ToolCallRecord {
  /** The model's id for the call (`toolu_…`, `call_…`); results refer to it. */
  id: string;
  name: string;
  /** Parsed arguments; `{}` when the model sent something that is not a JSON object. */
  input: Record<string, unknown>;
  /** The argument text exactly as streamed, kept when it did not parse, so it can be sent back verbatim. */
  raw?: string;
}

export interface ToolResultRecord {
  id: string;
  output: string;
  is_error: boolean;
}

export type Message =
  | { role: 'user'; text: string }
  | { role: 'assistant'; text: string; calls: ToolCallRecord[] }
  | { role: 'tool'; results: ToolResultRecord[] };

interface SavedSession {
  version: 1;
  model: string;
  messages: Message[];
}

/** Resume ids become file names: only what randomUUID produces is accepted. */
const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function transcriptFile(configHome: string, id: string): string {
  if (!ID_PATTERN.test(id)) throw new Error(`not a bridle session id: ${JSON.stringify(id)}`);
  return path.join(configHome, 'sessions', `${id}.json`);
}

export function saveTranscript(configHome: string, id: string, model: string, messages: Message[]): void {
  const file = transcriptFile(configHome, id);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const saved: SavedSession = { version: 1, model, messages };
  // Write then rename: a crash mid-write must not leave a half file that fails the next resume.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(saved), { mode: 0o600 });
  renameSync(tmp, file);
}

export function loadTranscript(configHome: string, id: string): Message[] {
  const file = transcriptFile(configHome, id);
  let saved: unknown;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot resume bridle session ${id}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const s = saved as Partial<SavedSession> | null;
  if (!s || s.version !== 1 || !Array.isArray(s.messages) || !s.messages.every(isMessage)) {
    throw new Error(`cannot resume bridle session ${id}: ${file} is not a saved bridle session`);
  }
  return s.messages;
}

function isMessage(value: unknown): value is Message {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  if (m.role === 'user') return typeof m.text === 'string';
  if (m.role === 'assistant') return typeof m.text === 'string' && Array.isArray(m.calls);
  if (m.role === 'tool') return Array.isArray(m.results);
  return false;
}

/**
 * Gives every call of the last assistant message a result, so the history stays valid for both
 * APIs (each tool call must be answered) after a turn was cut off between a call and its result.
 */
export function closeOpenCalls(messages: Message[], why: string): void {
  const last = messages[messages.length - 1];
  if (!last || last.role !== 'assistant' || last.calls.length === 0) return;
  messages.push({ role: 'tool', results: last.calls.map((c) => ({ id: c.id, output: why, is_error: true })) });
}
