// The built-in agent: Bridle's own loop behind the same interface as the vendor adapters. The
// loop runs in the Bridle process and talks to the model through the session's route (the
// egress proxy); every effect of a tool call runs in a child launched through the sandbox
// wrapper. This file is the lifecycle: configuration from the spec, turns and their queue,
// interrupt, stop, and the transcript kept on disk for resume.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { BaseHarness } from '../base.js';
import type { HarnessCapabilities, StartOptions } from '../types.js';
import { DEFAULT_RETRY } from './http.js';
import { runAgentTurn, type LoopDeps, type TurnResult } from './loop.js';
import { chooseApi, modelClient } from './route.js';
import { ToolRunner } from './runner.js';
import { selectTools } from './tools.js';
import { closeOpenCalls, loadTranscript, saveTranscript, type Message } from './transcript.js';

const DEFAULTS = {
  max_tokens: 8192,
  max_steps: 100,
  tool_timeout_s: 300,
  max_tool_output: 100_000,
} as const;

export class BridleHarness extends BaseHarness {
  readonly kind = 'bridle' as const;
  static readonly capabilities: HarnessCapabilities = { toolGate: true, interrupt: true, resume: true, fork: true };
  readonly capabilities = BridleHarness.capabilities;

  private deps: LoopDeps | undefined;
  private messages: Message[] = [];
  private current: { controller: AbortController; done: Promise<void> } | undefined;
  /** Messages sent while a turn runs; each becomes the next turn, in order. */
  private readonly queue: string[] = [];
  private started = false;
  private stopped = false;

  async start(options: StartOptions = {}): Promise<void> {
    if (this.started) throw new Error('bridle harness already started');
    this.started = true;
    const { ctx } = this;
    const { spec } = ctx;
    const model = spec.model;
    if (model === undefined) throw new Error(`agent "${spec.name}" uses the bridle harness but names no model`);
    const params = spec.params;
    const api = chooseApi(model, params.api, ctx.env);
    const client = modelClient(api, ctx.env, {
      maxRetries: intParam(params, 'max_retries', DEFAULT_RETRY.maxRetries, 0),
      baseDelayMs: intParam(params, 'retry_base_ms', DEFAULT_RETRY.baseDelayMs, 0),
      onRetry: (failure, delayMs, attempt) =>
        this.emit({ type: 'error', message: `${failure.message}; retrying in ${(delayMs / 1000).toFixed(1)}s (retry ${attempt})`, fatal: false }),
    });
    const { enabled, unavailable } = selectTools(spec.tools);

    mkdirSync(ctx.configHome, { recursive: true, mode: 0o700 });
    if (options.resume !== undefined) {
      this.messages = loadTranscript(ctx.configHome, options.resume);
      // A session cut off mid-tool (daemon killed) left calls without results.
      closeOpenCalls(this.messages, 'Not run: the session ended before this call completed.');
      this.vendorSessionId = options.resume;
    } else {
      this.vendorSessionId = randomUUID();
    }

    this.deps = {
      client,
      model,
      system: systemPrompt(ctx.workspace, spec.prompt),
      tools: enabled,
      maxTokens: intParam(params, 'max_tokens', DEFAULTS.max_tokens, 1),
      maxSteps: intParam(params, 'max_steps', DEFAULTS.max_steps, 1),
      workspace: ctx.workspace,
      runner: new ToolRunner({
        workspace: ctx.workspace,
        env: ctx.env,
        ...(ctx.wrap ? { wrap: ctx.wrap } : {}),
        timeoutMs: intParam(params, 'tool_timeout_s', DEFAULTS.tool_timeout_s, 1) * 1000,
        maxOutputChars: intParam(params, 'max_tool_output', DEFAULTS.max_tool_output, 1000),
      }),
      emit: (event) => this.emit(event),
      gate: (tool, callId) => this.gateTool(tool, callId),
    };
    // No pid: the loop is this process; its children come and go with each tool call.
    this.emit({ type: 'session_start', harness: this.kind, vendor_session_id: this.vendorSessionId, model });
    if (unavailable.length > 0) {
      this.emit({ type: 'error', message: `the bridle harness does not have these tools yet, so they are not offered: ${unavailable.join(', ')}`, fatal: false });
    }
  }

  async send(text: string): Promise<void> {
    if (!this.deps) throw new Error('bridle harness not started');
    if (this.stopped) throw new Error('bridle harness stopped');
    if (this.current) this.queue.push(text);
    else this.startTurn(text);
  }

  async interrupt(): Promise<void> {
    const current = this.current;
    if (!current) return;
    current.controller.abort();
    await current.done;
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    if (!this.stopped) {
      this.stopped = true;
      this.queue.length = 0;
      const current = this.current;
      if (current) {
        current.controller.abort();
        await current.done;
      }
      this.finish({ exit_code: 0, signal: null });
    }
    await this.exited;
  }

  private startTurn(text: string): void {
    const deps = this.deps!;
    const controller = new AbortController();
    this.messages.push({ role: 'user', text });
    const turn = this.beginTurn();
    const done = runAgentTurn(deps, this.messages, turn, controller.signal)
      .catch((err: unknown): TurnResult => ({ status: 'failed', text: '', error: `internal error: ${err instanceof Error ? err.message : String(err)}` }))
      .then((result) => {
        this.current = undefined;
        this.save();
        this.endTurn(result.status, { text: result.text, ...(result.error !== undefined ? { error: result.error } : {}) });
        // A listener may already have sent the next message from turn_end.
        const next = this.stopped || this.current ? undefined : this.queue.shift();
        if (next !== undefined) this.startTurn(next);
      });
    this.current = { controller, done };
  }

  private save(): void {
    try {
      saveTranscript(this.ctx.configHome, this.vendorSessionId!, this.deps!.model, this.messages);
    } catch (err) {
      this.emit({ type: 'error', message: `could not save the transcript (resume will miss this turn): ${err instanceof Error ? err.message : String(err)}`, fatal: false });
    }
  }
}

function systemPrompt(workspace: string, prompt: string | undefined): string {
  const base =
    `You are a coding agent run by Bridle. Your working directory is ${workspace}; relative paths are resolved against it. ` +
    'Use the tools to read and change files and to run commands. Every tool call is checked against policy before it runs; ' +
    'when a call is refused, its result says why. Do not try to get around a refusal.';
  return prompt !== undefined && prompt.trim() !== '' ? `${base}\n\n${prompt}` : base;
}

/** An integer `params` entry, or the default; a wrong value stops the start with a clear message. */
function intParam(params: Record<string, unknown>, key: string, fallback: number, min: number): number {
  const value = params[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw new Error(`params.${key} must be an integer of at least ${min}, not ${JSON.stringify(value)}`);
  return value;
}
