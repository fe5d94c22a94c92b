// The `claude` flags both modes (headless stream-json and the interactive TUI) pass the same way:
// which conversation to continue, and what the agent spec asks of the model.
import { randomUUID } from 'node:crypto';
import type { AgentSpec } from '../../spec/types.js';
import type { StartOptions } from '../types.js';
import { claudeTools } from './config.js';

/**
 * The vendor session id to run under: the resumed one, or a fresh one for a new session or a
 * fork (chosen here, so it is known before claude reports it).
 */
export function claudeSessionId(options: StartOptions): string {
  return options.resume !== undefined && options.fork !== true ? options.resume : randomUUID();
}

/** Session selection (new, resumed or forked to `sessionId`), then the spec's model, prompt and tools. */
export function claudeSessionArgs(options: StartOptions, sessionId: string, spec: AgentSpec): string[] {
  const args =
    options.resume === undefined
      ? ['--session-id', sessionId]
      : options.fork === true
        ? ['--resume', options.resume, '--fork-session', '--session-id', sessionId]
        : ['--resume', options.resume];
  if (spec.model !== undefined) args.push('--model', spec.model);
  if (spec.prompt !== undefined) args.push('--append-system-prompt', spec.prompt);
  if (spec.tools !== undefined) args.push('--tools', claudeTools(spec.tools).join(','));
  return args;
}
