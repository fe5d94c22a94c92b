// A parsed YAML file that still knows where every node came from, so any loader (agent specs,
// policies) can report `file:line:col: message` against the user's own text.
//
// API (kept deliberately small):
//   YamlSource.read(file)            parse a file from disk (throws the fs error if unreadable)
//   YamlSource.parse(file, text)     parse text that claims to come from `file`
//   source.doc / source.root         the yaml Document and its top-level node (aliases resolved)
//   source.errors / source.warnings  YAML syntax problems as Diagnostics
//   source.position(node)            1-based { file, line, col } of a node (or a pair's key)
//   source.diagnostic(node, msg)     a Diagnostic at that node
//   source.resolve(node)             follow an alias (`*name`) to the node it names
//   source.toJS(node)                plain JS value of a node (aliases followed)
import { readFileSync } from 'node:fs';
import {
  LineCounter,
  isAlias,
  isNode,
  isPair,
  parseDocument,
  type Document,
  type Node,
  type Pair,
  type YAMLError,
} from 'yaml';
import type { Diagnostic } from './diagnostic.js';

export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

/** Anything a position can be asked of: a node, a key/value pair (its key), or nothing (file start). */
export type Locatable = Node | Pair<unknown, unknown> | null | undefined;

export class YamlSource {
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;

  private constructor(file: string, text: string) {
    this.file = file;
    this.text = text;
    this.lineCounter = new LineCounter();
    // prettyErrors off: we format positions ourselves and want the bare message, not the
    // multi-line excerpt the library would append.
    this.doc = parseDocument(text, { lineCounter: this.lineCounter, prettyErrors: false });
  }

  static parse(file: string, text: string): YamlSource {
    return new YamlSource(file, text);
  }

  /** Reads and parses `file`. `displayName` is what diagnostics print (defaults to `file`). */
  static read(file: string, displayName: string = file): YamlSource {
    return new YamlSource(displayName, readFileSync(file, 'utf8'));
  }

  /** The document's top-level node, or null for an empty file. */
  get root(): Node | null {
    return this.resolve(this.doc.contents);
  }

  get errors(): Diagnostic[] {
    return this.doc.errors.map((e) => this.fromYamlError(e));
  }

  get warnings(): Diagnostic[] {
    return this.doc.warnings.map((e) => this.fromYamlError(e));
  }

  /** Follows aliases so callers only ever see maps, sequences and scalars. */
  resolve(node: unknown): Node | null {
    let current = node;
    // A bounded loop, not recursion: alias chains are short, and a malformed one must not hang.
    for (let i = 0; i < 64 && isAlias(current); i++) current = current.resolve(this.doc);
    return isNode(current) && !isAlias(current) ? current : null;
  }

  position(at: Locatable): SourcePosition {
    const target = isPair(at) ? (isNode(at.key) ? at.key : at.value) : at;
    const offset = isNode(target) && target.range ? target.range[0] : 0;
    return this.offsetPosition(offset);
  }

  offsetPosition(offset: number): SourcePosition {
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.file, line, col };
  }

  diagnostic(at: Locatable, message: string): Diagnostic {
    return { ...this.position(at), message };
  }

  toJS(node: Locatable): unknown {
    const target = isPair(node) ? node.value : node;
    if (!isNode(target)) return null;
    return target.toJS(this.doc);
  }

  /** Specs carry sources (inline policy rules); serializing one must not dump the whole file. */
  toJSON(): { file: string } {
    return { file: this.file };
  }

  private fromYamlError(e: YAMLError): Diagnostic {
    // The library's messages sometimes carry a trailing excerpt after a blank line; keep line one.
    const message = e.message.split('\n')[0] ?? e.message;
    return { ...this.offsetPosition(e.pos[0]), message: `YAML: ${message}` };
  }
}
