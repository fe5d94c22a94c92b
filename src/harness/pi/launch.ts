// What both pi modes (headless RPC and the interactive TUI) launch the same way: the private
// agent dir with Bridle's provider, and the flags that load only Bridle's gate extension.
import type { HarnessContext, StartOptions } from '../types.js';
import { piModel, piRoute, preparePiHome, PROVIDER_ID } from './home.js';

/** Writes the private agent dir for this session; returns the model pi will run. */
export function preparePiLaunch(ctx: HarnessContext): string {
  const model = piModel(ctx.spec.model, ctx.userHome);
  preparePiHome(ctx.configHome, ctx.userHome, piRoute(ctx.env, model), model);
  return model;
}

/**
 * Flags common to both modes: Bridle's provider and model, `gateExtension` loaded explicitly
 * while discovery of any other extension (and skills, templates, themes) is off, sessions kept in
 * the private agent dir, and the resumed session and spec prompt when given.
 */
export function piArgs(ctx: HarnessContext, model: string, gateExtension: string, options: StartOptions): string[] {
  return [
    '--provider', PROVIDER_ID,
    '--model', model,
    '--no-extensions',
    '--extension', gateExtension,
    '--no-skills',
    '--no-prompt-templates',
    '--no-themes',
    '--session-dir', `${ctx.configHome}/sessions`,
    ...(options.resume !== undefined ? ['--session', options.resume] : []),
    ...(ctx.spec.prompt !== undefined ? ['--append-system-prompt', ctx.spec.prompt] : []),
  ];
}

/** The vendor variables both modes add (docs/harnesses.md): the private agent dir and offline mode. */
export function piEnv(configHome: string): Record<string, string> {
  return { PI_CODING_AGENT_DIR: configHome, PI_OFFLINE: '1' };
}
