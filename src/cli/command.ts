// The shape every `bridle <command>` module exports. Commands receive their own argv (after the
// command name) and return the process exit code; they never call process.exit themselves so
// tests can run them in-process.

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Command {
  name: string;
  /** Full usage text for `bridle <command> --help`. */
  usage: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

/** Exit codes shared by all commands. */
export const EXIT_OK = 0;
export const EXIT_FAIL = 1;
export const EXIT_USAGE = 2;

/** A usage problem: the command prints the message and its usage, and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
