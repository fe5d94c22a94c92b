// What the shell parser hands the `command` and `path` matchers: every simple command that
// would run, flattened out of lists, pipelines, subshells, substitutions and `bash -c` strings.

export interface Redirect {
  /** `>`, `>>`, `<`, `<<`, `<<<`, `&>`, `>&`, … */
  op: string;
  fd?: number;
  target: string;
}

export interface SimpleCommand {
  /** Words after quote removal. Unresolved expansions stay as their source text (`$HOME`). */
  argv: string[];
  /** Basename of argv[0] ('' for a redirection-only command). */
  name: string;
  /** argv joined by single spaces: what command globs are matched against. */
  line: string;
  /** `NAME=value` prefixes (not part of argv). */
  assigns: string[];
  redirects: Redirect[];
  /** The program name comes from an expansion we cannot resolve statically. */
  dynamic: boolean;
  /**
   * Set when this command only runs another one, which is listed after it: `transparent` for
   * wrappers that do not change who runs it (env, timeout, nohup, bash -c, …), `privileged` for
   * sudo / doas / su. Permissive rules skip transparent wrappers; restrictive rules see both.
   */
  wrapper?: 'transparent' | 'privileged';
}

export interface ShellParse {
  commands: readonly SimpleCommand[];
  /** Set when the input is not valid shell; `commands` holds what was understood before it. */
  error?: string;
  /** Why some part could not be known statically (dynamic names, pipes into a shell, …). */
  notes: readonly string[];
}
