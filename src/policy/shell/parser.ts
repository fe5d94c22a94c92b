// A recursive-descent parser for the POSIX/bash command language, reading characters directly
// (the shell's own grammar is context-sensitive: `}` or `esac` are words or keywords depending on
// position, `$(` nests whole scripts). It does not evaluate anything; it lists every simple command
// that could run: commands in lists, pipelines, subshells, groups, if/while/for/case bodies,
// function bodies, `$(...)`, backticks, `<(...)`, unquoted heredoc bodies, and — through
// ./wrappers — the commands run by sudo/env/timeout/xargs/find -exec and scripts given to shells.
//
// Where a part cannot be known statically (a program name from `$X`, a shell reading a pipe) it
// says so in `notes`; where the input is not valid shell it stops and says so in `error`. Both make
// the `command` matcher answer "maybe", which restrictive rules treat as a match.
import type { Redirect, ShellParse, SimpleCommand } from './types.js';
import { emitCommand, type Arg, type Sink, type Stdin } from './wrappers.js';

const MAX_DEPTH = 32;

class ShellSyntaxError extends Error {}

/** One word as read, before it becomes an Arg. */
interface Word {
  text: string;
  /** No quoting, escaping or expansion: may be a reserved word or an assignment. */
  literal: boolean;
  /** Holds an expansion we could not resolve. */
  exp: boolean;
  /** Index in `text` just after the last unresolved expansion. */
  tail: number;
  /** An unquoted substitution with blanks: split into several words (field splitting). */
  split: boolean;
  raw: string;
}

class WordBuilder {
  text = '';
  literal = true;
  exp = false;
  tail = 0;
  split = false;
  lit(s: string): void {
    this.text += s;
  }
  quoted(s: string): void {
    this.text += s;
    this.literal = false;
  }
  expansion(raw: string): void {
    this.text += raw;
    this.literal = false;
    this.exp = true;
    this.tail = this.text.length;
  }
  substitute(value: string, quoted: boolean): void {
    this.text += value;
    this.literal = false;
    if (!quoted && /[ \t\n]/.test(value)) this.split = true;
  }
}

const enum Term {
  Eof,
  Paren,
  Brace,
  Case,
}
const TERM_NAME = ['input', '`(`', '`{`', '`case`'];

const enum Step {
  Go,
  Close,
}

const KEYWORDS = new Set([
  'if', 'then', 'elif', 'else', 'fi', 'do', 'done', 'while', 'until', 'for', 'select',
  'case', 'esac', 'function', '{', '}', '!', '[[', 'time', 'coproc',
]);
const REDIRECT_OPS = ['&>>', '&>', '<<<', '<<-', '<<', '<>', '<&', '>>', '>|', '>&', '<', '>'];
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)(\[[^\]]*\])?\+?=/;
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const DECLARERS = new Set(['export', 'declare', 'typeset', 'local', 'readonly']);

/** Characters that need no special handling inside a word (char code → 1). */
const PLAIN = new Uint8Array(128).fill(1);
for (const c of ' \t\n;&|<>()\\\'"`$@!+*?') PLAIN[c.charCodeAt(0)] = 0;

function isMeta(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === ';' || c === '&' || c === '|' || c === '<' || c === '>' || c === '(' || c === ')';
}

interface PendingHeredoc {
  delim: string;
  strip: boolean;
  quoted: boolean;
  readers: ((body: string) => void)[];
}

/** State shared by a parse and every nested script it parses (bash -c, backticks, heredocs). */
interface Shared {
  out: SimpleCommand[];
  notes: string[];
  /** Variables assigned statically earlier in the script: `X=push; git $X` is a push. */
  vars: Map<string, string>;
}

class Parser implements Sink {
  private i = 0;
  private readonly n: number;
  private nesting = 0;
  private heredocs: PendingHeredoc[] = [];

  constructor(
    private readonly s: string,
    private readonly depth: number,
    private readonly shared: Shared,
  ) {
    this.n = s.length;
    if (depth > MAX_DEPTH) throw new ShellSyntaxError('scripts nested too deeply');
  }

  run(): void {
    this.parseList(Term.Eof);
    this.flushHeredocsAtEof();
  }

  // ---- Sink (used by ./wrappers) ----
  push(c: SimpleCommand): void {
    this.shared.out.push(c);
  }
  note(msg: string): void {
    if (!this.shared.notes.includes(msg)) this.shared.notes.push(msg);
  }
  script(text: string, what: string): void {
    this.nested(text, what);
  }

  /** Parse a separate script (a `bash -c` string, backticks, a heredoc fed to a shell). */
  private nested(text: string, what: string): void {
    try {
      new Parser(text, this.depth + 1, this.shared).run();
    } catch (err) {
      if (!(err instanceof ShellSyntaxError)) throw err;
      this.note(`${what}: ${err.message}`);
    }
  }

  // ---- structure ----

  /** Returns true when the list ended on its closing keyword (`}`, `esac`), consumed. */
  private parseList(term: Term): boolean {
    if (++this.nesting > MAX_DEPTH) throw new ShellSyntaxError('commands nested too deeply');
    // no try/finally: a syntax error ends the whole parse, so the count need not be restored
    const closed = this.parseListBody(term);
    this.nesting--;
    return closed;
  }

  private parseListBody(term: Term): boolean {
    {
      let afterPipe = false;
      for (;;) {
        this.skipBlanks();
        if (this.i >= this.n) {
          if (term !== Term.Eof) throw new ShellSyntaxError(`unterminated ${TERM_NAME[term]}`);
          return false;
        }
        const c = this.s[this.i]!;
        const d = this.s[this.i + 1];
        if (c === '\n') {
          this.newline();
          continue;
        }
        if (c === '#') {
          this.skipComment();
          continue;
        }
        if (c === ';') {
          if (d === ';' || d === '&') {
            if (term === Term.Case) return false;
            throw new ShellSyntaxError(`unexpected \`;${d}\` outside case`);
          }
          this.i++;
          afterPipe = false;
          continue;
        }
        if (c === '&' && d !== '>') {
          this.i += d === '&' ? 2 : 1;
          afterPipe = false;
          continue;
        }
        if (c === '|') {
          this.i += d === '|' || d === '&' ? 2 : 1;
          afterPipe = d !== '|';
          continue;
        }
        if (c === ')') {
          if (term === Term.Paren) return false;
          throw new ShellSyntaxError('unexpected `)`');
        }
        const step = this.parseCommand(term, afterPipe);
        afterPipe = false;
        if (step === Step.Close) return true;
      }
    }
  }

  private parseCommand(term: Term, afterPipe: boolean): Step {
    const words: Word[] = [];
    const assigns: Word[] = [];
    const redirects: Redirect[] = [];
    let stdin: Stdin | undefined = afterPipe ? { kind: 'pipe' } : undefined;
    for (;;) {
      this.skipBlanks();
      if (this.i >= this.n) break;
      const c = this.s[this.i]!;
      const d = this.s[this.i + 1];
      if (c === '\n' || c === ';' || c === '|' || c === ')') break;
      if (c === '&' && d !== '>') break;
      if (c === '#') {
        // `#` starting a word begins a comment (mid-word it is literal, handled by readWord)
        this.skipComment();
        break;
      }
      if (c === '(') {
        if (words.length === 0 && assigns.length === 0 && redirects.length === 0) {
          if (d === '(') {
            this.i += 2;
            this.skipArithmetic();
          } else {
            this.i++;
            this.parseList(Term.Paren);
            this.expect(')');
          }
          continue;
        }
        const m = /^\(\s*\)/.exec(this.s.slice(this.i, this.i + 16));
        if (m && words.length === 1) {
          // `name () body`: a function definition; its body is parsed like any command.
          this.i += m[0].length;
          words.length = 0;
          continue;
        }
        throw new ShellSyntaxError('unexpected `(`');
      }
      if ((c === '<' || c === '>') && d === '(') {
        words.push(this.readProcessSubstitution());
        continue;
      }
      const r = this.readRedirect();
      if (r) {
        redirects.push(r.redirect);
        if ('stdin' in r) stdin = r.stdin;
        continue;
      }
      const w = this.readWord();
      if (words.length === 0) {
        if (w.raw.includes('=') && ASSIGNMENT.test(w.raw)) {
          if (this.s[this.i] === '(' && w.raw.endsWith('=')) this.readArrayValue(w);
          assigns.push(w);
          continue;
        }
        if (w.literal && assigns.length === 0 && redirects.length === 0 && KEYWORDS.has(w.text)) {
          if (this.keyword(w.text, term) === Step.Close) return Step.Close;
          continue;
        }
      }
      words.push(w);
    }
    this.emit(words, assigns, redirects, stdin);
    return Step.Go;
  }

  private keyword(k: string, term: Term): Step {
    switch (k) {
      case '{':
        if (!this.parseList(Term.Brace)) throw new ShellSyntaxError('unterminated `{`');
        return Step.Go;
      case '}':
        if (term === Term.Brace) return Step.Close;
        throw new ShellSyntaxError('unexpected `}`');
      case 'esac':
        if (term === Term.Case) return Step.Close;
        throw new ShellSyntaxError('unexpected `esac`');
      case 'time':
        this.skipBlanks();
        if (/^-p(?=[ \t\n;&|]|$)/.test(this.s.slice(this.i, this.i + 3))) this.i += 2;
        return Step.Go;
      case 'function':
        this.skipBlanks();
        this.readWord();
        this.skipBlanks();
        {
          const m = /^\(\s*\)/.exec(this.s.slice(this.i, this.i + 16));
          if (m) this.i += m[0].length;
        }
        return Step.Go;
      case 'for':
      case 'select':
        this.forHead();
        return Step.Go;
      case 'case':
        this.caseBody();
        return Step.Go;
      case '[[':
        this.conditional();
        return Step.Go;
      default:
        // if/then/elif/else/fi/do/done/while/until/!/coproc: the lists between them are parsed
        // as ordinary lists, which is all a matcher needs: every command in them may run.
        return Step.Go;
    }
  }

  private forHead(): void {
    this.skipBlanks();
    if (this.s.startsWith('((', this.i)) {
      this.i += 2;
      this.skipArithmetic();
      return;
    }
    const name = this.readWord();
    this.shared.vars.delete(name.text);
    this.skipBlanksAndNewlines();
    if (!/^in(?=[ \t\n;]|$)/.test(this.s.slice(this.i, this.i + 3))) return;
    this.i += 2;
    for (;;) {
      this.skipBlanks();
      const c = this.s[this.i];
      if (c === undefined || c === ';' || c === '\n') return;
      if (isMeta(c)) throw new ShellSyntaxError(`unexpected \`${c}\` in for list`);
      this.readWord();
    }
  }

  private caseBody(): void {
    this.skipBlanks();
    this.readWord();
    this.skipBlanksAndNewlines();
    if (!/^in(?=[ \t\n;]|$)/.test(this.s.slice(this.i, this.i + 3))) throw new ShellSyntaxError('expected `in` after `case WORD`');
    this.i += 2;
    for (;;) {
      this.skipBlanksAndNewlines();
      if (this.i >= this.n) throw new ShellSyntaxError('unterminated `case`');
      if (/^esac(?=[ \t\n;&|)]|$)/.test(this.s.slice(this.i, this.i + 5))) {
        this.i += 4;
        return;
      }
      if (this.s[this.i] === '(') this.i++;
      for (;;) {
        this.skipBlanks();
        if (this.s[this.i] === ')') break;
        if (this.i >= this.n || isMeta(this.s[this.i])) throw new ShellSyntaxError('bad case pattern');
        this.readWord();
        this.skipBlanks();
        if (this.s[this.i] === '|') this.i++;
      }
      this.i++; // `)`
      if (this.parseList(Term.Case)) return; // ended on `esac`
      this.i += this.s.startsWith(';;&', this.i) ? 3 : 2;
    }
  }

  /** `[[ … ]]`: operators inside are test syntax, not list operators; only substitutions run. */
  private conditional(): void {
    for (;;) {
      this.skipBlanks();
      if (this.i >= this.n) throw new ShellSyntaxError('unterminated `[[`');
      const c = this.s[this.i]!;
      if (c === '\n') {
        this.newline();
        continue;
      }
      if (c === ']' && this.s[this.i + 1] === ']' && (this.i + 2 >= this.n || isMeta(this.s[this.i + 2]))) {
        this.i += 2;
        return;
      }
      if (c === '&' || c === '|' || c === '<' || c === '>' || c === '(' || c === ')' || c === ';') {
        this.i++;
        continue;
      }
      this.readWord();
    }
  }

  private expect(c: string): void {
    if (this.s[this.i] !== c) throw new ShellSyntaxError(`expected \`${c}\``);
    this.i++;
  }

  // ---- emission ----

  private emit(words: Word[], assignWords: Word[], redirects: Redirect[], stdin: Stdin | undefined): void {
    const vars = this.shared.vars;
    if (words.length === 0) {
      // A bare assignment sets a shell variable; remember static values for later words.
      for (const a of assignWords) {
        const m = ASSIGNMENT.exec(a.raw)!;
        const value = a.text.slice(a.text.indexOf('=') + 1);
        if (a.exp || m[2] !== undefined || a.raw.includes('+=')) vars.delete(m[1]!);
        else vars.set(m[1]!, value);
      }
    }
    const args: Arg[] = [];
    for (const w of words) {
      if (!w.split) {
        args.push({ text: w.text, dyn: dynamicName(w), exp: w.exp });
        continue;
      }
      for (const piece of w.text.split(/[ \t\n]+/)) if (piece !== '') args.push({ text: piece, dyn: false, exp: w.exp });
    }
    const first = args[0]?.text;
    if (first !== undefined && !args[0]!.dyn) this.trackVariables(first, args);
    emitCommand(args, assignWords.map((w) => w.text), redirects, stdin, this);
  }

  private trackVariables(name: string, args: readonly Arg[]): void {
    const vars = this.shared.vars;
    if (DECLARERS.has(name)) {
      for (const a of args.slice(1)) {
        const m = ASSIGNMENT.exec(a.text);
        if (!m) continue;
        if (a.exp || m[2] !== undefined) vars.delete(m[1]!);
        else vars.set(m[1]!, a.text.slice(a.text.indexOf('=') + 1));
      }
    } else if (name === 'unset' || name === 'read' || name === 'mapfile' || name === 'readarray') {
      for (const a of args.slice(1)) if (!a.text.startsWith('-')) vars.delete(a.text);
    }
  }

  // ---- words ----

  private readWord(): Word {
    const start = this.i;
    const b = new WordBuilder();
    while (this.i < this.n) {
      const c = this.s[this.i]!;
      if (isMeta(c)) {
        // extglob `@(a|b)` and friends keep their parentheses inside the word
        if (c === '(' && this.i > start && '@!+*?'.includes(this.s[this.i - 1]!)) {
          this.readBalancedInto(b);
          continue;
        }
        break;
      }
      if (c === '\\') {
        const d = this.s[this.i + 1];
        if (d === '\n') {
          this.i += 2;
          continue;
        }
        if (d === undefined) {
          b.lit('\\');
          this.i++;
          continue;
        }
        b.quoted(d);
        this.i += 2;
        continue;
      }
      if (c === "'") {
        const j = this.s.indexOf("'", this.i + 1);
        if (j < 0) throw new ShellSyntaxError('unterminated single quote');
        b.quoted(this.s.slice(this.i + 1, j));
        this.i = j + 1;
        continue;
      }
      if (c === '"') {
        this.i++;
        this.readDoubleQuoted(b, false);
        b.literal = false;
        continue;
      }
      if (c === '`') {
        this.readBackticks(b);
        continue;
      }
      if (c === '$') {
        this.readDollar(b, false);
        continue;
      }
      // a run of ordinary characters in one slice, not one concatenation per character
      let j = this.i + 1;
      while (j < this.n && PLAIN[this.s.charCodeAt(j)] === 1) j++;
      b.lit(this.s.slice(this.i, j));
      this.i = j;
    }
    return { text: b.text, literal: b.literal, exp: b.exp, tail: b.tail, split: b.split, raw: this.s.slice(start, this.i) };
  }

  /** Reads up to the closing `"` (or the end of input for heredoc bodies). */
  private readDoubleQuoted(b: WordBuilder, untilEof: boolean): void {
    for (;;) {
      if (this.i >= this.n) {
        if (untilEof) return;
        throw new ShellSyntaxError('unterminated double quote');
      }
      const c = this.s[this.i]!;
      if (c === '"' && !untilEof) {
        this.i++;
        return;
      }
      if (c === '\\') {
        const d = this.s[this.i + 1];
        if (d === '\n') {
          this.i += 2;
          continue;
        }
        if (d === '$' || d === '`' || d === '"' || d === '\\') {
          b.quoted(d);
          this.i += 2;
          continue;
        }
        b.quoted('\\');
        this.i++;
        continue;
      }
      if (c === '$') {
        this.readDollar(b, true);
        continue;
      }
      if (c === '`') {
        this.readBackticks(b);
        continue;
      }
      b.quoted(c);
      this.i++;
    }
  }

  private readDollar(b: WordBuilder, quoted: boolean): void {
    const start = this.i;
    const d = this.s[this.i + 1];
    if (d === '(') {
      if (this.s[this.i + 2] === '(') {
        this.i += 3;
        this.skipArithmetic();
      } else {
        this.i += 2;
        this.parseList(Term.Paren);
        this.expect(')');
      }
      b.expansion(this.s.slice(start, this.i));
      return;
    }
    if (d === '{') {
      this.readParameter(b, start);
      return;
    }
    if (d === "'" && !quoted) {
      this.i += 2;
      b.quoted(this.readAnsiC());
      return;
    }
    if (d === '"' && !quoted) {
      this.i++; // `$"…"` is a translated string: an ordinary double-quoted string here
      return;
    }
    if (d !== undefined && NAME_START.test(d)) {
      let j = this.i + 2;
      while (j < this.n && NAME_CHAR.test(this.s[j]!)) j++;
      const name = this.s.slice(this.i + 1, j);
      this.i = j;
      const value = this.shared.vars.get(name);
      if (value !== undefined) b.substitute(value, quoted);
      else b.expansion(`$${name}`);
      return;
    }
    if (d !== undefined && /[0-9@*#?$!-]/.test(d)) {
      this.i += 2;
      b.expansion(`$${d}`);
      return;
    }
    b.lit('$');
    this.i++;
  }

  /** `${…}`: nested quotes, braces and substitutions (which run) are honoured. */
  private readParameter(b: WordBuilder, start: number): void {
    this.i += 2;
    let depth = 1;
    const scratch = new WordBuilder();
    while (depth > 0) {
      if (this.i >= this.n) throw new ShellSyntaxError('unterminated `${`');
      const c = this.s[this.i]!;
      if (c === '\\') this.i += 2;
      else if (c === "'") {
        const j = this.s.indexOf("'", this.i + 1);
        if (j < 0) throw new ShellSyntaxError('unterminated single quote');
        this.i = j + 1;
      } else if (c === '"') {
        this.i++;
        this.readDoubleQuoted(scratch, false);
      } else if (c === '`') this.readBackticks(scratch);
      else if (c === '$') this.readDollar(scratch, true);
      else {
        if (c === '{') depth++;
        else if (c === '}') depth--;
        this.i++;
      }
    }
    const raw = this.s.slice(start, this.i);
    const simple = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(raw);
    const value = simple ? this.shared.vars.get(simple[1]!) : undefined;
    if (value !== undefined) b.substitute(value, false);
    else b.expansion(raw);
  }

  private readBackticks(b: WordBuilder): void {
    const start = this.i;
    let j = this.i + 1;
    let inner = '';
    for (;;) {
      if (j >= this.n) throw new ShellSyntaxError('unterminated backquote');
      const c = this.s[j]!;
      if (c === '\\' && j + 1 < this.n) {
        const d = this.s[j + 1]!;
        inner += d === '$' || d === '`' || d === '\\' ? d : `\\${d}`;
        j += 2;
        continue;
      }
      if (c === '`') break;
      inner += c;
      j++;
    }
    this.i = j + 1;
    this.nested(inner, 'backquoted command');
    b.expansion(this.s.slice(start, this.i));
  }

  private readAnsiC(): string {
    let out = '';
    for (;;) {
      if (this.i >= this.n) throw new ShellSyntaxError("unterminated $'…' string");
      const c = this.s[this.i]!;
      if (c === "'") {
        this.i++;
        return out;
      }
      if (c !== '\\') {
        out += c;
        this.i++;
        continue;
      }
      const d = this.s[this.i + 1] ?? '';
      this.i += 2;
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };
      if (d in simple) out += simple[d];
      else if (d === 'x' || d === 'u' || d === 'U') {
        const max = d === 'x' ? 2 : d === 'u' ? 4 : 8;
        const m = new RegExp(`^[0-9a-fA-F]{1,${max}}`).exec(this.s.slice(this.i, this.i + max));
        if (m) {
          out += String.fromCodePoint(Math.min(parseInt(m[0], 16), 0x10ffff));
          this.i += m[0].length;
        } else out += `\\${d}`;
      } else if (/[0-7]/.test(d)) {
        const m = /^[0-7]{0,2}/.exec(this.s.slice(this.i, this.i + 2))!;
        out += String.fromCharCode(parseInt(d + m[0], 8) & 0xff);
        this.i += m[0].length;
      } else if (d === 'c') {
        const ch = this.s[this.i] ?? '';
        out += String.fromCharCode(ch.charCodeAt(0) & 0x1f);
        this.i++;
      } else out += `\\${d}`;
    }
  }

  private readProcessSubstitution(): Word {
    const start = this.i;
    this.i += 2;
    this.parseList(Term.Paren);
    this.expect(')');
    const raw = this.s.slice(start, this.i);
    return { text: raw, literal: false, exp: true, tail: raw.length, split: false, raw };
  }

  /** `NAME=(a b c)`: array values are words, not a subshell. */
  private readArrayValue(w: Word): void {
    const start = this.i;
    this.i++;
    for (;;) {
      this.skipBlanksAndNewlines();
      if (this.i >= this.n) throw new ShellSyntaxError('unterminated array assignment');
      if (this.s[this.i] === ')') {
        this.i++;
        break;
      }
      if (isMeta(this.s[this.i])) throw new ShellSyntaxError(`unexpected \`${this.s[this.i]}\` in array`);
      this.readWord();
    }
    w.text += this.s.slice(start, this.i);
    w.raw += this.s.slice(start, this.i);
    w.exp = true; // arrays are not tracked as static values
  }

  private readBalancedInto(b: WordBuilder): void {
    const start = this.i;
    let depth = 0;
    do {
      const c = this.s[this.i];
      if (c === undefined) throw new ShellSyntaxError('unterminated `(` in pattern');
      if (c === '\\') this.i++;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
      this.i++;
    } while (depth > 0);
    b.quoted(this.s.slice(start, this.i));
  }

  /** A redirection, and what it makes stdin (a key present with undefined: stdin is a file). */
  private readRedirect(): { redirect: Redirect; stdin?: Stdin | undefined } | undefined {
    const c = this.s.charCodeAt(this.i);
    // only `<`, `>`, `&` or a digit can start a redirection
    if (c !== 60 && c !== 62 && c !== 38 && (c < 48 || c > 57)) return undefined;
    let j = this.i;
    while (j < this.n && this.s[j]! >= '0' && this.s[j]! <= '9') j++;
    const fdText = this.s.slice(this.i, j);
    const op = REDIRECT_OPS.find((o) => this.s.startsWith(o, j));
    if (!op || (fdText !== '' && op.startsWith('&'))) return undefined;
    this.i = j + op.length;
    this.skipBlanks();
    if (this.i >= this.n || isMeta(this.s[this.i])) throw new ShellSyntaxError(`missing target after \`${op}\``);
    const fd = fdText === '' ? undefined : Number(fdText);
    const target = this.readWord();
    const redirect: Redirect = fd === undefined ? { op, target: target.text } : { op, fd, target: target.text };
    if (op === '<<' || op === '<<-') {
      const pending: PendingHeredoc = { delim: target.text, strip: op === '<<-', quoted: !target.literal, readers: [] };
      this.heredocs.push(pending);
      return { redirect, stdin: { kind: 'heredoc', attach: (cb) => pending.readers.push(cb) } };
    }
    if (op === '<<<') return { redirect, stdin: { kind: 'herestring', text: target.text } };
    if (op === '<' || op === '<>') return { redirect, stdin: undefined };
    return { redirect };
  }

  // ---- blanks, newlines, heredoc bodies ----

  private skipBlanks(): void {
    for (;;) {
      const c = this.s[this.i];
      if (c === ' ' || c === '\t' || c === '\r') this.i++;
      else if (c === '\\' && this.s[this.i + 1] === '\n') this.i += 2;
      else return;
    }
  }

  private skipBlanksAndNewlines(): void {
    for (;;) {
      this.skipBlanks();
      if (this.s[this.i] === '\n') this.newline();
      else if (this.s[this.i] === '#') this.skipComment();
      else return;
    }
  }

  private skipComment(): void {
    const j = this.s.indexOf('\n', this.i);
    this.i = j < 0 ? this.n : j;
  }

  private newline(): void {
    this.i++;
    const pending = this.heredocs;
    if (pending.length === 0) return;
    this.heredocs = [];
    for (const h of pending) this.readHeredocBody(h);
  }

  private flushHeredocsAtEof(): void {
    const pending = this.heredocs;
    this.heredocs = [];
    for (const h of pending) this.deliver(h, '');
  }

  private readHeredocBody(h: PendingHeredoc): void {
    let body = '';
    for (;;) {
      if (this.i >= this.n) break; // bash accepts end of input as the delimiter
      const end = this.s.indexOf('\n', this.i);
      const line = this.s.slice(this.i, end < 0 ? this.n : end);
      this.i = end < 0 ? this.n : end + 1;
      const cmp = h.strip ? line.replace(/^\t+/, '') : line;
      if (cmp === h.delim) break;
      body += `${cmp}\n`;
    }
    this.deliver(h, body);
  }

  private deliver(h: PendingHeredoc, body: string): void {
    if (!h.quoted && /[`$]/.test(body)) {
      // Unquoted heredoc bodies expand `$(…)` and backquotes: those commands run.
      const p = new Parser(body, this.depth + 1, this.shared);
      try {
        p.readDoubleQuoted(new WordBuilder(), true);
      } catch (err) {
        if (!(err instanceof ShellSyntaxError)) throw err;
        this.note(`here-document: ${err.message}`);
      }
    }
    for (const r of h.readers) r(body);
  }

  private skipArithmetic(): void {
    let depth = 0;
    for (;;) {
      if (this.i >= this.n) throw new ShellSyntaxError('unterminated `((`');
      const c = this.s[this.i]!;
      if (c === '$' && this.s[this.i + 1] === '(' && this.s[this.i + 2] !== '(') {
        this.readDollar(new WordBuilder(), true);
        continue;
      }
      if (c === '`') {
        this.readBackticks(new WordBuilder());
        continue;
      }
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0 && this.s[this.i + 1] === ')') {
          this.i += 2;
          return;
        }
        depth--;
      }
      this.i++;
    }
  }
}

/** As argv[0], is this word's basename unknown until run time? */
function dynamicName(w: Word): boolean {
  if (!w.exp) return false;
  return w.text.lastIndexOf('/') + 1 < w.tail;
}

/** Parse a shell command line into the simple commands it may run. Never throws. */
export function parseShell(input: string): ShellParse {
  const shared: Shared = { out: [], notes: [], vars: new Map() };
  try {
    new Parser(input, 0, shared).run();
    return { commands: shared.out, notes: shared.notes };
  } catch (err) {
    if (!(err instanceof ShellSyntaxError)) throw err;
    return { commands: shared.out, notes: shared.notes, error: err.message };
  }
}
