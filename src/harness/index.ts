// The harness layer's public surface: one factory, the contract types, and the fail-closed
// gate helpers the session runtime may reuse.
import type { HarnessName } from '../spec/types.js';
import { ClaudeCodeHarness } from './claude-code/adapter.js';
import { CodexHarness } from './codex/adapter.js';
import { PiHarness } from './pi/adapter.js';
import { CursorHarness } from './cursor/adapter.js';
import { CommandHarness } from './command/adapter.js';
import { BridleHarness } from './bridle/adapter.js';
import { ClaudeCodeInteractive } from './claude-code/interactive.js';
import { CodexInteractive } from './codex/interactive.js';
import { PiInteractive } from './pi/interactive.js';
import { CommandInteractive } from './command/interactive.js';
import type { InteractiveHarness } from './interactive.js';
import type { Harness, HarnessContext } from './types.js';

export type * from './types.js';
export { decide, validDecision, denyText } from './gate.js';
export { runTurn, type TurnOutcome } from './run-turn.js';
export { isInteractive, type InteractiveHarness, type InteractiveStartOptions, type TerminalSize } from './interactive.js';

const ADAPTERS: Record<HarnessName, (ctx: HarnessContext) => Harness> = {
  'claude-code': (ctx) => new ClaudeCodeHarness(ctx),
  codex: (ctx) => new CodexHarness(ctx),
  pi: (ctx) => new PiHarness(ctx),
  cursor: (ctx) => new CursorHarness(ctx),
  command: (ctx) => new CommandHarness(ctx),
  bridle: (ctx) => new BridleHarness(ctx),
};

export function createHarness(kind: HarnessName, ctx: HarnessContext): Harness {
  const make = ADAPTERS[kind];
  if (!make) throw new Error(`no headless adapter for harness "${kind}"`);
  return make(ctx);
}

/** Interactive variants: the vendor's own TUI on a PTY (docs/harnesses.md, "Interactive mode"). */
const INTERACTIVE: Partial<Record<HarnessName, (ctx: HarnessContext) => InteractiveHarness>> = {
  'claude-code': (ctx) => new ClaudeCodeInteractive(ctx),
  codex: (ctx) => new CodexInteractive(ctx),
  pi: (ctx) => new PiInteractive(ctx),
  command: (ctx) => new CommandInteractive(ctx),
};

/** Harness kinds that have an interactive (PTY) variant. */
export function interactiveKinds(): HarnessName[] {
  return Object.keys(INTERACTIVE) as HarnessName[];
}

export function createInteractiveHarness(kind: HarnessName, ctx: HarnessContext): InteractiveHarness {
  const make = INTERACTIVE[kind];
  if (!make) throw new Error(`harness "${kind}" has no interactive mode; run it headless`);
  return make(ctx);
}
