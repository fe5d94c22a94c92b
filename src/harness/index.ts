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
import type { Harness, HarnessCapabilities, HarnessContext } from './types.js';

export type * from './types.js';
export { decide, validDecision, denyText } from './gate.js';
export { runTurn, type TurnOutcome } from './run-turn.js';
export { isInteractive, type InteractiveHarness, type InteractiveStartOptions, type TerminalSize } from './interactive.js';

/** An adapter class: what it can do is known before one is made (the daemon checks resume and fork). */
interface AdapterClass<H extends Harness> {
  new (ctx: HarnessContext): H;
  readonly capabilities: HarnessCapabilities;
}

const ADAPTERS: Record<HarnessName, AdapterClass<Harness>> = {
  'claude-code': ClaudeCodeHarness,
  codex: CodexHarness,
  pi: PiHarness,
  cursor: CursorHarness,
  command: CommandHarness,
  bridle: BridleHarness,
};

export function createHarness(kind: HarnessName, ctx: HarnessContext): Harness {
  const Adapter = ADAPTERS[kind];
  if (!Adapter) throw new Error(`no headless adapter for harness "${kind}"`);
  return new Adapter(ctx);
}

/** Interactive variants: the vendor's own TUI on a PTY (docs/harnesses.md, "Interactive mode"). */
const INTERACTIVE: Partial<Record<HarnessName, AdapterClass<InteractiveHarness>>> = {
  'claude-code': ClaudeCodeInteractive,
  codex: CodexInteractive,
  pi: PiInteractive,
  command: CommandInteractive,
};

/** Harness kinds that have an interactive (PTY) variant. */
export function interactiveKinds(): HarnessName[] {
  return Object.keys(INTERACTIVE) as HarnessName[];
}

export function createInteractiveHarness(kind: HarnessName, ctx: HarnessContext): InteractiveHarness {
  const Adapter = INTERACTIVE[kind];
  if (!Adapter) throw new Error(`harness "${kind}" has no interactive mode; run it headless`);
  return new Adapter(ctx);
}

/** What the adapter for `kind` in `mode` can do; undefined when there is no such adapter. */
export function harnessCapabilities(kind: HarnessName, mode: 'headless' | 'interactive' = 'headless'): HarnessCapabilities | undefined {
  return (mode === 'interactive' ? INTERACTIVE[kind] : ADAPTERS[kind])?.capabilities;
}
