// One argument reader for every command, so that `--flag value` and `--flag=value` work the same
// everywhere and usage errors read the same everywhere:
//
//   --port needs a value
//   --json takes no value
//   --port must be a number from 0 to 65535, got `http`
//   unknown option `--frobnicate`
//   unexpected argument `extra`
//
// Every problem is a UsageError, which the entry point prints with the command's usage (exit 2).
import { UsageError } from './command.js';

/** One word of argv: an option (`-p`, `--cwd`, `--cwd=DIR`) or a positional argument. */
export type Arg =
  | { kind: 'option'; flag: string; inline: string | undefined }
  | { kind: 'positional'; value: string };

export class ArgReader {
  private i = 0;
  private current: Extract<Arg, { kind: 'option' }> | undefined;

  constructor(private readonly argv: readonly string[]) {}

  /** The next word, or undefined at the end. A lone `-` is positional (it names stdin). */
  next(): Arg | undefined {
    const raw = this.argv[this.i++];
    if (raw === undefined) return undefined;
    if (!raw.startsWith('-') || raw === '-') {
      this.current = undefined;
      return { kind: 'positional', value: raw };
    }
    // Only long options carry an inline value: `-p=x` is not a thing, and `=` may start a value.
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const option = eq > 0 ? { kind: 'option' as const, flag: raw.slice(0, eq), inline: raw.slice(eq + 1) } : { kind: 'option' as const, flag: raw, inline: undefined };
    this.current = option;
    return option;
  }

  /** Every word, in order; the options' values are taken with value() and friends as they come. */
  *[Symbol.iterator](): Generator<Arg> {
    for (let a = this.next(); a !== undefined; a = this.next()) yield a;
  }

  /** The current option's value: `--flag=value`, else the next word. */
  value(): string {
    const o = this.option();
    if (o.inline !== undefined) return o.inline;
    const v = this.argv[this.i];
    if (v === undefined) throw new UsageError(`${o.flag} needs a value`);
    this.i++;
    return v;
  }

  /**
   * The current option's values for `--flag A B C`: the inline value alone, else every following
   * word up to the next option (at least one). `what` names them in the error (`file`).
   */
  values(what: string): string[] {
    const o = this.option();
    if (o.inline !== undefined) return [o.inline];
    const out: string[] = [];
    while (this.i < this.argv.length && !this.argv[this.i]!.startsWith('--')) out.push(this.argv[this.i++]!);
    if (out.length === 0) throw new UsageError(`${o.flag} needs at least one ${what}`);
    return out;
  }

  /** Asserts that the current option (a switch) was given no `=value`. */
  flag(): true {
    const o = this.option();
    if (o.inline !== undefined) throw new UsageError(`${o.flag} takes no value`);
    return true;
  }

  /** A usage error for a value the current option does not accept: `--x must be EXPECTED, got `v``. */
  invalid(expected: string, got: string): UsageError {
    return new UsageError(`${this.option().flag} must be ${expected}, got \`${got}\``);
  }

  /** A usage error for an option the command does not know. */
  unknown(): UsageError {
    return new UsageError(`unknown option \`${this.option().flag}\``);
  }

  private option(): Extract<Arg, { kind: 'option' }> {
    if (!this.current) throw new Error('ArgReader: no current option');
    return this.current;
  }
}

/** A usage error for a positional argument the command does not take. */
export function unexpected(word: string): UsageError {
  return new UsageError(`unexpected argument \`${word}\``);
}
