// One turn of the built-in agent: ask the model, show its text as it streams, put every tool
// call to the gate, run the allowed ones in the sandbox, hand the results back, and repeat until
// the model answers without calling a tool. A refused call is a result the model reads (the turn
// goes on); an API failure ends the turn as failed with a clear error; an interrupt ends it as
// interrupted with the transcript left valid for the next message.
import { allows, denyText } from '../gate.js';
import { passthrough } from '../tools.js';
import type { GateDecision, HarnessEvent, NormalizedTool, TurnStatus } from '../types.js';
import { ModelError, type ModelClient, type ModelReply } from './model.js';
import type { ToolRunner } from './runner.js';
import { toolDefinition } from './tools.js';
import type { Message, ToolCallRecord, ToolResultRecord } from './transcript.js';

export interface LoopDeps {
  client: ModelClient;
  model: string;
  system: string;
  /** Names of the tools offered to the model (the spec's list, as far as this harness has them). */
  tools: readonly string[];
  maxTokens: number;
  /** Most model requests in one turn: a model that keeps calling tools cannot loop forever. */
  maxSteps: number;
  workspace: string;
  runner: ToolRunner;
  emit: (event: HarnessEvent) => void;
  /** The adapter's fail-closed gate call (emits tool_decision). */
  gate: (tool: NormalizedTool, callId: string) => Promise<GateDecision>;
}

export interface TurnResult {
  status: TurnStatus;
  text: string;
  error?: string;
}

const NOT_RUN = 'Not run: the turn was interrupted.';

/** Runs one turn over `messages` (whose last entry is the user's message); appends to it. */
export async function runAgentTurn(deps: LoopDeps, messages: Message[], turn: number, signal: AbortSignal): Promise<TurnResult> {
  const schemas = deps.tools.map((name) => toolDefinition(name)!.schema);
  let text = '';
  for (let step = 0; step < deps.maxSteps; step++) {
    text = '';
    let reply: ModelReply;
    try {
      reply = await deps.client.stream({ model: deps.model, system: deps.system, messages, tools: schemas, maxTokens: deps.maxTokens }, (delta) => {
        text += delta;
        deps.emit({ type: 'text_delta', turn, text: delta });
      }, signal);
    } catch (err) {
      // What was already shown stays in the history, so the model knows what it said.
      if (text !== '') messages.push({ role: 'assistant', text, calls: [] });
      if (signal.aborted) return { status: 'interrupted', text };
      const message = err instanceof ModelError ? err.message : `model request failed: ${err instanceof Error ? err.message : String(err)}`;
      deps.emit({ type: 'error', message, fatal: false });
      return { status: 'failed', text, error: message };
    }
    deps.emit({ type: 'usage', turn, ...reply.usage, model: deps.model });
    messages.push({ role: 'assistant', text: reply.text, calls: reply.calls });
    if (reply.calls.length === 0) return { status: 'completed', text: reply.text };

    const results: ToolResultRecord[] = [];
    for (const call of reply.calls) {
      const outcome = await runCall(deps, call, turn, signal);
      results.push({ id: call.id, ...outcome });
      deps.emit({ type: 'tool_result', turn, call_id: call.id, output: outcome.output, is_error: outcome.is_error });
    }
    messages.push({ role: 'tool', results });
    if (signal.aborted) return { status: 'interrupted', text };
  }
  const error = `stopped after ${deps.maxSteps} model requests in one turn (params.max_steps)`;
  deps.emit({ type: 'error', message: error, fatal: false });
  return { status: 'failed', text, error };
}

/** Announces, gates and (when allowed) runs one call. */
async function runCall(deps: LoopDeps, call: ToolCallRecord, turn: number, signal: AbortSignal): Promise<{ output: string; is_error: boolean }> {
  // Only offered tools exist: a model naming another one gets an error, not a run.
  const def = deps.tools.includes(call.name) ? toolDefinition(call.name) : undefined;
  const tool = def ? def.normalize(call.input, deps.workspace) : passthrough(call.name, call.input);
  deps.emit({ type: 'tool_call', turn, call_id: call.id, tool });
  // Calls after an interrupt are still announced and answered, so every call has its result.
  if (signal.aborted) return { output: NOT_RUN, is_error: true };
  if (!def) return { output: `Unknown tool "${call.name}". Available tools: ${deps.tools.join(', ')}.`, is_error: true };
  if (call.raw !== undefined) return { output: `The arguments were not a JSON object: ${call.raw.slice(0, 500)}`, is_error: true };
  const invalid = def.validate(call.input);
  if (invalid !== undefined) return { output: `Invalid arguments for ${call.name}: ${invalid}`, is_error: true };

  const decision = await untilAborted(deps.gate(tool, call.id), signal);
  if (decision === undefined) return { output: NOT_RUN, is_error: true };
  if (!allows(decision)) return { output: denyText(decision, call.name), is_error: true };
  return def.run(call.input, { workspace: deps.workspace, runner: deps.runner, signal });
}

/** The promise's value, or undefined as soon as the signal fires (the gate may wait on a human). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
