// Claude Code, interactive: `claude` (its own TUI) on a PTY with the same generated `--settings`
// as headless, so the HTTP PreToolUse hook puts every tool call to the session's gate. A
// PostToolUse hook reports results (best effort: it never blocks). The private config home is
// pre-seeded so the TUI opens straight at its prompt: onboarding done, the workspace trusted,
// the session's stand-in key approved.
import path from 'node:path';
import { allows, denyText } from '../gate.js';
import { InteractiveBase, type InteractiveStartOptions, type PtyLaunch } from '../interactive.js';
import { vendorCommand } from '../process.js';
import { preToolUseAnswer } from '../pre-tool-use.js';
import { asRecord, str } from '../tools.js';
import type { HarnessCapabilities } from '../types.js';
import { readJsonObject, writePrivate } from '../user-config.js';
import { claudeSettings, prepareClaudeHome } from './config.js';
import { claudeSessionArgs, claudeSessionId } from './session-args.js';
import { normalizeClaudeTool } from './tools.js';

type Json = Record<string, unknown>;

export class ClaudeCodeInteractive extends InteractiveBase {
  readonly kind = 'claude-code' as const;
  static readonly capabilities: HarnessCapabilities = { toolGate: true, interrupt: true, resume: true, fork: true };
  readonly capabilities = ClaudeCodeInteractive.capabilities;

  protected prepare(options: InteractiveStartOptions, hookUrl: string): PtyLaunch {
    const { ctx } = this;
    prepareClaudeHome(ctx.configHome, ctx.userHome);
    seedClaudeState(ctx.configHome, ctx.workspace, ctx.env.ANTHROPIC_API_KEY);
    const sessionId = claudeSessionId(options);
    this.vendorSessionId = sessionId;
    const settings = claudeSettings(hookUrl, this.hookTimeoutS);
    const hooks = asRecord(settings.hooks);
    // Results are for the record only: a failing PostToolUse hook must not affect the agent.
    hooks.PostToolUse = [{ matcher: '*', hooks: [{ type: 'http', url: hookUrl, timeout: 10 }] }];
    const args = [
      // `default`: every call goes to the hook; no vendor classifier model calls ("auto" mode).
      '--permission-mode', 'default',
      '--settings', JSON.stringify(settings),
      ...claudeSessionArgs(options, sessionId, ctx.spec),
    ];
    if (options.prompt !== undefined) args.push('--', options.prompt);
    const cmd = vendorCommand('claude', ctx.executable);
    return { file: cmd.file, args: [...cmd.args, ...args], env: { CLAUDE_CONFIG_DIR: ctx.configHome } };
  }

  protected async onHook(body: unknown): Promise<unknown> {
    const b = asRecord(body);
    const name = str(b.tool_name);
    const callId = str(b.tool_use_id) ?? '';
    if (b.hook_event_name === 'PostToolUse' && name !== undefined) {
      const response = b.tool_response;
      const output = typeof response === 'string' ? response : JSON.stringify(response ?? null);
      const isError = typeof response === 'object' && response !== null && (response as Json).is_error === true;
      this.emit({ type: 'tool_result', turn: this.turn, call_id: callId, output, is_error: isError });
      return {};
    }
    if (b.hook_event_name !== 'PreToolUse' || name === undefined) {
      return preToolUseAnswer('deny', 'Bridle policy: unrecognized hook call, so the tool call is refused.');
    }
    const tool = normalizeClaudeTool(name, b.tool_input, str(b.cwd) ?? this.ctx.workspace);
    this.emit({ type: 'tool_call', turn: this.turn, call_id: callId, tool });
    const decision = await this.gateTool(tool, callId);
    if (allows(decision)) return preToolUseAnswer('allow', decision.message ?? 'allowed by Bridle policy');
    const text = denyText(decision, name);
    // A refused call never reaches PostToolUse; its result is the refusal.
    this.emit({ type: 'tool_result', turn: this.turn, call_id: callId, output: text, is_error: true });
    return preToolUseAnswer('deny', text);
  }
}

/**
 * Claude's own state file (`$CLAUDE_CONFIG_DIR/.claude.json`) with the first-run dialogs already
 * answered: onboarding, trust of the session's workspace, and the stand-in API key (Claude keys
 * approvals by the key's last 20 characters). Whatever Claude wrote there earlier is kept.
 */
export function seedClaudeState(configHome: string, workspace: string, apiKey: string | undefined): void {
  const file = path.join(configHome, '.claude.json');
  const state: Json = readJsonObject(file) ?? {};
  state.hasCompletedOnboarding = true;
  if (state.theme === undefined) state.theme = 'dark';
  if (apiKey) {
    const responses = asRecord(state.customApiKeyResponses);
    const approved = Array.isArray(responses.approved) ? responses.approved.filter((k): k is string => typeof k === 'string') : [];
    const tail = apiKey.slice(-20);
    if (!approved.includes(tail)) approved.push(tail);
    state.customApiKeyResponses = { approved, rejected: Array.isArray(responses.rejected) ? responses.rejected : [] };
  }
  const projects = asRecord(state.projects);
  projects[workspace] = { ...asRecord(projects[workspace]), hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true };
  state.projects = projects;
  writePrivate(file, `${JSON.stringify(state, null, 2)}\n`);
}
