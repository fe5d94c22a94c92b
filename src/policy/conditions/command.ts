// `command`: globs over the simple commands a bash tool call would run, as parsed by ../shell —
// never over the raw text. `echo "git push"` is not a push; `cd x && FOO=1 git push` is.
// Restrictive rules fire when any command matches; an allow must match every command (wrappers
// such as `timeout` or `bash -c` excepted, since the commands they run are checked themselves).
// Input that cannot be parsed, or commands whose name is only known at run time, answer MAYBE.
import { MAYBE, NO, YES, type ConditionKind, type EvalContext, type Tri } from '../condition.js';
import type { GlobSet } from '../glob.js';
import type { SimpleCommand } from '../shell/types.js';
import { checkKeys, formatGlobs, formatMatch, globList, primary } from './common.js';

const BASH = { sources: ['bash'], test: (s: string) => s === 'bash', literals: new Set(['bash']) } satisfies GlobSet;

/** Patterns are matched against argv joined by single spaces, so write them that way. */
function normalize(p: string): string {
  return p.trim().replace(/\s+/g, ' ');
}

function matches(globs: GlobSet, names: ReadonlySet<string> | null, cmd: SimpleCommand): boolean {
  if (names !== null && !names.has(cmd.name)) return false;
  if (globs.test(cmd.line)) return true;
  const a0 = cmd.argv[0]!;
  // `/usr/bin/git push` is also `git push`
  return a0.length !== cmd.name.length && globs.test(cmd.name + cmd.line.slice(a0.length));
}

function uncertainty(c: EvalContext): string {
  const p = c.shell();
  if (!p) return '';
  if (p.error !== undefined) return `command could not be parsed (${p.error})`;
  return p.notes.join('; ');
}

export const commandKind: ConditionKind = {
  kind: 'command',
  summary: 'shell command glob(s) matched against each parsed simple command, e.g. `git push*`',
  applies: ['tool_call', 'tool_result'],
  defaultOn: ['tool_call'],
  parse(src, cx) {
    let s = src;
    if (src.isMap()) {
      if (!checkKeys(src, cx, '`command`', ['pattern', 'value'])) return undefined;
      const p = primary(src, 'pattern');
      if (!p) {
        cx.diags.error(src, '`command` needs `pattern`');
        return undefined;
      }
      s = p;
    }
    const globs = globList(s, cx, '`command`', { normalize });
    if (!globs) return undefined;
    // First words of every pattern, with basenames for `/usr/bin/x` patterns: an index key and
    // a cheap pre-check before the glob itself.
    let names: Set<string> | null = null;
    if (globs.literals) {
      names = new Set();
      for (const w of globs.literals) names.add(w.slice(w.lastIndexOf('/') + 1));
    }
    const all = cx.quantifier === 'all';
    const test = (c: EvalContext): Tri => {
      const p = c.shell();
      if (p === undefined) return NO;
      const cmds = p.commands;
      const unsure = p.error !== undefined || p.notes.length > 0;
      if (all) {
        let seen = false;
        for (let i = 0; i < cmds.length; i++) {
          const cmd = cmds[i]!;
          if (cmd.argv.length === 0 || cmd.wrapper === 'transparent') continue;
          if (!matches(globs, names, cmd)) return NO;
          seen = true;
        }
        if (!seen) return NO;
        return unsure ? MAYBE : YES;
      }
      for (let i = 0; i < cmds.length; i++) {
        const cmd = cmds[i]!;
        if (cmd.argv.length !== 0 && matches(globs, names, cmd)) return YES;
      }
      return unsure ? MAYBE : NO;
    };
    return {
      kind: 'command',
      tools: BASH,
      commandNames: names,
      test,
      explain(c) {
        const p = c.shell();
        if (!p) return 'no command';
        if (all) {
          const why = test(c) === MAYBE ? `; ${uncertainty(c)}` : '';
          return `every command matches ${formatGlobs(globs)}${why}`;
        }
        const hit = p.commands.find((cmd) => cmd.argv.length !== 0 && matches(globs, names, cmd));
        if (hit) {
          const a0 = hit.argv[0]!;
          const line = globs.test(hit.line) ? hit.line : hit.name + hit.line.slice(a0.length);
          return `command \`${hit.line}\` matches ${formatMatch(globs, line)}`;
        }
        return `${uncertainty(c)}; treated as matching ${formatGlobs(globs)}`;
      },
    };
  },
};
