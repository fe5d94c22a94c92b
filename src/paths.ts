// Where Bridle's own files live. Compiled code runs from dist/src, so the checkout root is
// two levels above this module's directory either way (dist/src/paths.js or src/paths.ts).
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import os from 'node:os';

const here = path.dirname(fileURLToPath(import.meta.url));
const up = path.basename(path.dirname(here)) === 'dist' ? 2 : 1;

/** Root of the Bridle checkout or installed package. */
export const packageRoot = path.resolve(here, ...Array<string>(up).fill('..'));

/** Bridle's private state dir: $BRIDLE_HOME, else $XDG_STATE_HOME/bridle, else ~/.local/state/bridle. */
export function stateHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BRIDLE_HOME) return path.resolve(env.BRIDLE_HOME);
  if (env.XDG_STATE_HOME) return path.join(path.resolve(env.XDG_STATE_HOME), 'bridle');
  return path.join(os.homedir(), '.local', 'state', 'bridle');
}

/** User configuration dir: $XDG_CONFIG_HOME/bridle, else ~/.config/bridle. */
export function configHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_CONFIG_HOME) return path.join(path.resolve(env.XDG_CONFIG_HOME), 'bridle');
  return path.join(os.homedir(), '.config', 'bridle');
}
