// The built-in agent's tools: what the model is told (name, description, JSON schema), how a
// call becomes a normalized action for the gate, and what runs once the gate allows it. Names
// are already Bridle's normalized ones, so `vendor_name` equals `name`.
//
// Extension point: a tool is one entry in TOOLS. `delegate{agent, prompt}` (starting a
// sub-agent session through the runtime) will be added here with a `run` that calls back into
// the session runtime rather than the sandboxed runner.
import { absolute, str, tool as normalized } from '../tools.js';
import type { NormalizedTool } from '../types.js';
import type { ToolSchema } from './model.js';
import type { ToolOutcome, ToolRunner } from './runner.js';

export interface ToolContext {
  workspace: string;
  runner: ToolRunner;
  signal: AbortSignal;
}

export interface ToolDefinition {
  schema: ToolSchema;
  /** Checks the arguments; a string is the error the model gets back (the call never runs). */
  validate(input: Record<string, unknown>): string | undefined;
  /** The action the gate decides on: paths absolute, every argument kept. */
  normalize(input: Record<string, unknown>, workspace: string): NormalizedTool;
  run(input: Record<string, unknown>, ctx: ToolContext): Promise<ToolOutcome>;
}

const pathProperty = { type: 'string', description: 'File path, absolute or relative to the working directory.' };

function requireStrings(input: Record<string, unknown>, keys: string[]): string | undefined {
  const missing = keys.filter((k) => typeof input[k] !== 'string');
  return missing.length > 0 ? `missing or non-string argument(s): ${missing.join(', ')}` : undefined;
}

function pathTool(name: string, input: Record<string, unknown>, workspace: string): NormalizedTool {
  const p = str(input.path);
  return normalized(name, name, input, { path: p !== undefined ? absolute(workspace, p) : undefined }, ['path']);
}

export const TOOLS: Readonly<Record<string, ToolDefinition>> = {
  read: {
    schema: {
      name: 'read',
      description: 'Read a text file (or list a directory). Large files are cut off.',
      parameters: { type: 'object', properties: { path: pathProperty }, required: ['path'], additionalProperties: false },
    },
    validate: (input) => requireStrings(input, ['path']),
    normalize: (input, workspace) => pathTool('read', input, workspace),
    run: (input, ctx) => ctx.runner.file({ op: 'read', path: absolute(ctx.workspace, input.path as string) }, ctx.signal),
  },
  write: {
    schema: {
      name: 'write',
      description: 'Create or overwrite a file with the given content. Parent directories are created.',
      parameters: {
        type: 'object',
        properties: { path: pathProperty, content: { type: 'string', description: 'The complete new content of the file.' } },
        required: ['path', 'content'],
        additionalProperties: false,
      },
    },
    validate: (input) => requireStrings(input, ['path', 'content']),
    normalize: (input, workspace) => pathTool('write', input, workspace),
    run: (input, ctx) => ctx.runner.file({ op: 'write', path: absolute(ctx.workspace, input.path as string), content: input.content as string }, ctx.signal),
  },
  edit: {
    schema: {
      name: 'edit',
      description: 'Replace one exact, unique occurrence of old_string in a file with new_string. Read the file first.',
      parameters: {
        type: 'object',
        properties: {
          path: pathProperty,
          old_string: { type: 'string', description: 'Exact text to replace; must occur exactly once.' },
          new_string: { type: 'string', description: 'The replacement text.' },
        },
        required: ['path', 'old_string', 'new_string'],
        additionalProperties: false,
      },
    },
    validate: (input) => requireStrings(input, ['path', 'old_string', 'new_string']),
    normalize: (input, workspace) => pathTool('edit', input, workspace),
    run: (input, ctx) =>
      ctx.runner.file(
        { op: 'edit', path: absolute(ctx.workspace, input.path as string), old_string: input.old_string as string, new_string: input.new_string as string },
        ctx.signal,
      ),
  },
  bash: {
    schema: {
      name: 'bash',
      description: 'Run a bash command in the working directory and return its combined output. Background processes end with the command.',
      parameters: {
        type: 'object',
        properties: { command: { type: 'string', description: 'The command line to run with bash -c.' } },
        required: ['command'],
        additionalProperties: false,
      },
    },
    validate: (input) => requireStrings(input, ['command']),
    normalize: (input) => normalized('bash', 'bash', input, {}),
    run: (input, ctx) => ctx.runner.bash(input.command as string, ctx.signal),
  },
};

/** Tools offered when the spec lists none. */
export const DEFAULT_TOOLS = ['read', 'write', 'edit', 'bash'] as const;

/** The spec's `tools:` list split into the ones this harness has and the ones it does not (yet). */
export function selectTools(listed: readonly string[] | undefined): { enabled: string[]; unavailable: string[] } {
  const wanted = listed ?? DEFAULT_TOOLS;
  return { enabled: wanted.filter((t) => toolDefinition(t) !== undefined), unavailable: wanted.filter((t) => toolDefinition(t) === undefined) };
}

/** A tool by name; own entries only, so a model naming `constructor` gets nothing. */
export function toolDefinition(name: string): ToolDefinition | undefined {
  return Object.hasOwn(TOOLS, name) ? TOOLS[name] : undefined;
}
