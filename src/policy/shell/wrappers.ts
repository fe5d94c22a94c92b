// Commands that run other commands. Each wrapper is listed as itself (so `sudo *` rules still
// see it) and the command it runs is listed after it, recursively: `sudo env FOO=1 timeout 5 git
// push` yields four commands, the last being `git push`. Shells given a script (`bash -c`,
// `sh -lc`, heredocs, `eval`) have the script parsed as shell.
import type { Redirect, SimpleCommand } from './types.js';

/** One word of a command after quote removal. */
export interface Arg {
  text: string;
  /** As a program name, this word is not statically known (`$X`, `$(which git)`). */
  dyn: boolean;
  /** Contains an expansion we could not resolve. */
  exp: boolean;
}

/** Where a shell would read its script from when it has no `-c` and no script file. */
export type Stdin =
  | { kind: 'pipe' }
  | { kind: 'herestring'; text: string }
  | { kind: 'heredoc'; attach(cb: (body: string) => void): void };

export interface Sink {
  push(c: SimpleCommand): void;
  note(msg: string): void;
  /** Parse `text` as a shell script run by this command. */
  script(text: string, what: string): void;
}

const MAX_HOPS = 16;

const SHELLS_LIST = ['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'yash', 'fish'];
const SHELLS = new Set(SHELLS_LIST);

interface PrefixSpec {
  kind: 'transparent' | 'privileged';
  /** Short options that take a value. */
  withArg?: string;
  /** Long options that take a value when not written `--opt=value`. */
  long?: readonly string[];
  /** Short flags meaning "do not run the command" (`sudo -l`, `command -v`). */
  noRun?: string;
  longNoRun?: readonly string[];
  /** NAME=value words may precede the command. */
  assigns?: boolean;
  /** Positional words before the command (timeout's duration, chroot's dir). */
  positional?: number;
}

const PREFIXES: ReadonlyMap<string, PrefixSpec> = new Map(Object.entries<PrefixSpec>({
  sudo: {
    kind: 'privileged',
    withArg: 'ughpCDrtUTR',
    long: ['--user', '--group', '--host', '--prompt', '--close-from', '--chdir', '--role', '--type', '--other-user', '--command-timeout', '--chroot'],
    noRun: 'elvK',
    longNoRun: ['--edit', '--list', '--validate', '--remove-timestamp'],
    assigns: true,
  },
  doas: { kind: 'privileged', withArg: 'uC', assigns: false },
  chroot: { kind: 'privileged', long: ['--userspec', '--groups'], positional: 1 },
  runuser: { kind: 'privileged', withArg: 'ugGw', long: ['--user', '--group', '--supp-group', '--whitelist-environment'] },
  nohup: { kind: 'transparent' },
  setsid: { kind: 'transparent' },
  builtin: { kind: 'transparent' },
  chronic: { kind: 'transparent' },
  unbuffer: { kind: 'transparent' },
  caffeinate: { kind: 'transparent', withArg: 'tw' },
  timeout: { kind: 'transparent', withArg: 'sk', long: ['--signal', '--kill-after'], positional: 1 },
  nice: { kind: 'transparent', withArg: 'n', long: ['--adjustment'] },
  ionice: { kind: 'transparent', withArg: 'cnpPu', long: ['--class', '--classdata', '--pid', '--pgid', '--uid'] },
  stdbuf: { kind: 'transparent', withArg: 'ioe', long: ['--input', '--output', '--error'] },
  time: { kind: 'transparent', withArg: 'fo', long: ['--format', '--output'] },
  command: { kind: 'transparent', noRun: 'vV' },
  exec: { kind: 'transparent', withArg: 'a' },
  xargs: {
    kind: 'transparent',
    withArg: 'adEILnPs',
    long: ['--arg-file', '--delimiter', '--eof', '--replace', '--max-lines', '--max-args', '--max-procs', '--max-chars', '--process-slot-var'],
  },
}));

/** Program names this module looks at; every other command is emitted and left alone. */
const INTERESTING = new Set([...PREFIXES.keys(), ...SHELLS_LIST, 'busybox', 'env', 'eval', 'su', 'watch', 'find', 'git']);


const ASSIGN = /^[A-Za-z_][A-Za-z0-9_]*=/;

function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}

function makeCommand(args: readonly Arg[], assigns: string[], redirects: Redirect[]): SimpleCommand {
  const argv = args.map((a) => a.text);
  return {
    argv,
    name: basename(argv[0] ?? ''),
    line: argv.join(' '),
    assigns,
    redirects,
    dynamic: args[0]?.dyn ?? false,
  };
}

/** Index of the first word after the options of a wrapper, or -1 when it will not run one. */
function skipOptions(args: readonly Arg[], start: number, spec: PrefixSpec): number {
  let i = start;
  const withArg = spec.withArg ?? '';
  for (; i < args.length; i++) {
    const a = args[i]!.text;
    if (a === '--') return i + 1;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const opt = eq < 0 ? a : a.slice(0, eq);
      if (spec.longNoRun?.includes(opt)) return -1;
      if (eq < 0 && spec.long?.includes(opt)) i++;
      continue;
    }
    if (a.length > 1 && a[0] === '-') {
      for (let j = 1; j < a.length; j++) {
        const ch = a[j]!;
        if (spec.noRun?.includes(ch)) return -1;
        if (withArg.includes(ch)) {
          if (j === a.length - 1) i++; // value is the next word
          break; // otherwise the value is the rest of this word
        }
      }
      continue;
    }
    break;
  }
  if (spec.assigns) while (i < args.length && ASSIGN.test(args[i]!.text)) i++;
  i += spec.positional ?? 0;
  return i;
}

function emitScript(sink: Sink, words: readonly Arg[], what: string): void {
  sink.script(words.map((w) => w.text).join(' '), what);
}

/**
 * Push `args` as a simple command, then whatever it runs. `stdin` describes a heredoc, here-string
 * or pipe feeding it, which matters only when it is a shell reading its script from stdin.
 */
export function emitCommand(
  args: readonly Arg[],
  assigns: string[],
  redirects: Redirect[],
  stdin: Stdin | undefined,
  sink: Sink,
  hops = 0,
): void {
  if (args.length === 0) {
    if (redirects.length > 0) sink.push(makeCommand(args, assigns, redirects));
    return;
  }
  const cmd = makeCommand(args, assigns, redirects);
  sink.push(cmd);
  if (cmd.dynamic) {
    sink.note(`command name \`${args[0]!.text}\` is only known at run time`);
    return;
  }
  if (!INTERESTING.has(cmd.name)) return;
  if (hops >= MAX_HOPS) {
    sink.note('too many nested command wrappers');
    return;
  }
  const inner = (rest: readonly Arg[], kind: 'transparent' | 'privileged'): void => {
    if (rest.length === 0) return;
    cmd.wrapper = kind;
    emitCommand(rest, [], redirects, stdin, sink, hops + 1);
  };
  const name = cmd.name;
  const spec = PREFIXES.get(name);
  if (spec) {
    const at = skipOptions(args, 1, spec);
    if (at >= 0) inner(args.slice(at), spec.kind);
    return;
  }
  if (SHELLS.has(name)) return shell(cmd, args, 1, stdin, sink);
  switch (name) {
    case 'busybox':
      if (args[1] && SHELLS.has(args[1].text)) return shell(cmd, args, 2, stdin, sink);
      return inner(args.slice(1), 'transparent');
    case 'env':
      return env(cmd, args, sink, inner);
    case 'eval':
      cmd.wrapper = 'transparent';
      return emitScript(sink, args.slice(1), 'eval');
    case 'su':
      return su(cmd, args, sink);
    case 'watch':
      return watch(cmd, args, sink, inner);
    case 'find':
      return findExec(args, redirects, sink, hops);
    case 'git':
      return gitGlobals(args, inner);
  }
}

function shell(cmd: SimpleCommand, args: readonly Arg[], start: number, stdin: Stdin | undefined, sink: Sink): void {
  let i = start;
  let cmode = false;
  let smode = false;
  let script: string | undefined;
  for (; i < args.length; i++) {
    const a = args[i]!.text;
    if (a === '--' || a === '-') {
      i++;
      break;
    }
    if (a.startsWith('--')) {
      if (a === '--rcfile' || a === '--init-file') i++;
      else if (a === '--command') cmode = true;
      else if (a.startsWith('--command=')) {
        cmode = true;
        script = a.slice('--command='.length);
      }
      continue;
    }
    if (a.length > 1 && (a[0] === '-' || a[0] === '+')) {
      if (a[0] === '-' && a.includes('c')) cmode = true;
      if (a[0] === '-' && a.includes('s')) smode = true;
      if (a.endsWith('o') || a.endsWith('O')) i++; // `-o pipefail`, `+O extglob`
      continue;
    }
    break;
  }
  if (cmode) {
    cmd.wrapper = 'transparent';
    const text = script ?? args[i]?.text;
    if (text !== undefined) sink.script(text, `${cmd.name} -c`);
    return;
  }
  if (i < args.length && !smode) return; // runs a script file we cannot see; the file is the program
  if (!stdin) return; // interactive shell
  cmd.wrapper = 'transparent';
  if (stdin.kind === 'pipe') sink.note(`\`${cmd.name}\` reads its commands from a pipe`);
  else if (stdin.kind === 'herestring') sink.script(stdin.text, `${cmd.name} <<<`);
  else stdin.attach((body) => sink.script(body, `${cmd.name} here-document`));
}

function env(
  cmd: SimpleCommand,
  args: readonly Arg[],
  sink: Sink,
  inner: (rest: readonly Arg[], kind: 'transparent') => void,
): void {
  let i = 1;
  let split: string | undefined;
  for (; i < args.length; i++) {
    const a = args[i]!.text;
    if (a === '--') {
      i++;
      break;
    }
    if (a === '-') continue;
    if (a.startsWith('--')) {
      if (a.startsWith('--split-string=')) split = a.slice('--split-string='.length);
      else if (a === '--split-string') split = args[++i]?.text;
      else if (a === '--unset' || a === '--chdir') i++;
      continue;
    }
    if (a.length > 1 && a[0] === '-') {
      for (let j = 1; j < a.length; j++) {
        const ch = a[j]!;
        if (ch === 'u' || ch === 'C' || ch === 'P' || ch === 'S') {
          const value = j < a.length - 1 ? a.slice(j + 1) : args[++i]?.text;
          if (ch === 'S') split = value;
          break;
        }
      }
      continue;
    }
    break;
  }
  while (i < args.length && ASSIGN.test(args[i]!.text)) i++;
  if (split !== undefined) {
    cmd.wrapper = 'transparent';
    sink.script([split, ...args.slice(i).map((a) => a.text)].join(' '), 'env -S');
    return;
  }
  inner(args.slice(i), 'transparent');
}

function su(cmd: SimpleCommand, args: readonly Arg[], sink: Sink): void {
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!.text;
    let script: string | undefined;
    if (a === '-c' || a === '--command') script = args[i + 1]?.text;
    else if (a.startsWith('--command=')) script = a.slice('--command='.length);
    else if (/^-[a-z]*c$/.test(a) && !a.startsWith('--')) script = args[i + 1]?.text;
    if (script !== undefined) {
      cmd.wrapper = 'privileged';
      sink.script(script, 'su -c');
      return;
    }
  }
}

function watch(
  cmd: SimpleCommand,
  args: readonly Arg[],
  sink: Sink,
  inner: (rest: readonly Arg[], kind: 'transparent') => void,
): void {
  let i = 1;
  let exec = false;
  for (; i < args.length; i++) {
    const a = args[i]!.text;
    if (a === '--') {
      i++;
      break;
    }
    if (a === '-x' || a === '--exec') exec = true;
    else if (a === '-n' || a === '--interval' || a === '-q' || a === '--equexit') i++;
    else if (!a.startsWith('-')) break;
  }
  if (exec) return inner(args.slice(i), 'transparent');
  if (i < args.length) {
    cmd.wrapper = 'transparent';
    emitScript(sink, args.slice(i), 'watch'); // watch hands its words to `sh -c`
  }
}

function findExec(args: readonly Arg[], redirects: Redirect[], sink: Sink, hops: number): void {
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!.text;
    if (a !== '-exec' && a !== '-execdir' && a !== '-ok' && a !== '-okdir') continue;
    let j = i + 1;
    while (j < args.length && args[j]!.text !== ';' && !(args[j]!.text === '+' && args[j - 1]?.text === '{}')) j++;
    emitCommand(args.slice(i + 1, j), [], redirects, undefined, sink, hops + 1);
    i = j;
  }
}

/** `git -C dir -c k=v push` is also listed as `git push` so subcommand globs see it. */
function gitGlobals(args: readonly Arg[], inner: (rest: readonly Arg[], kind: 'transparent') => void): void {
  let i = 1;
  for (; i < args.length; i++) {
    const a = args[i]!.text;
    if (a === '-C' || a === '-c' || a === '--git-dir' || a === '--work-tree' || a === '--namespace' || a === '--config-env') {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    break;
  }
  if (i === 1 || i >= args.length) return;
  inner([args[0]!, ...args.slice(i)], 'transparent');
}
