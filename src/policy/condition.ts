// The contract between the engine and the condition kinds in ./conditions: each kind parses its
// YAML form once (reporting problems with positions) into a Condition, whose `test` runs on the
// hot path and must not allocate.
import type { Diags, Src } from './source.js';
import type { GlobSet } from './glob.js';
import type { NormalizedAction, Phase } from './types.js';
import type { ShellParse } from './shell/types.js';

/** Three-valued match: MAYBE means "could not tell" (unparseable shell) — deny/ask rules fire on it. */
export const NO = 0;
export const YES = 1;
export const MAYBE = 2;
export type Tri = 0 | 1 | 2;

export type Scalar = string | number | boolean;

/** What conditions may read of a session's state. */
export interface StateView {
  flag(name: string): Scalar | undefined;
  /** How often the observer `id` (a `when.after` matcher) has seen a matching action. */
  seen(id: string): number;
  /** Last spend/tokens bucket an `every:` rule fired for. */
  bucket(key: string): number;
  /** Matching actions recorded for a rate rule at or after `since` (epoch ms). */
  rateCount(key: string, since: number): number;
  readonly spawns: number;
  isCreated(path: string): boolean;
}

/** State updates, applied only when an action actually proceeds. */
export interface StateWriter extends StateView {
  setFlag(name: string, value: Scalar): void;
  clearFlag(name: string): void;
  markSeen(id: string): void;
  setBucket(key: string, bucket: number): void;
  pushRate(key: string, ts: number, window: number): void;
}

export type ContentField = 'message' | 'result' | 'response' | 'input';
export const CONTENT_FIELDS: readonly ContentField[] = ['message', 'result', 'response', 'input'];

export interface ContentSlot {
  field: ContentField;
  /** Where the text sits in the action (for redaction), e.g. ['tool', 'result']. */
  path: readonly (string | number)[];
  text: string;
}

/** A file path the action touches, in every form a glob may be written against. */
export interface PathInfo {
  /** Absolute and normalized. */
  abs: string;
  /** Relative to the home directory, or null when outside it. */
  home: string | null;
  /** Relative to the workspace, or null when outside it. */
  ws: string | null;
  base: string;
}

/** A network request: an egress action, or the URL a fetch tool is about to open. */
export interface RequestInfo {
  host: string;
  port: number;
  method: string;
  path: string;
  scheme: string;
}

export interface EngineEnv {
  /** Home directory for `~` in path globs and paths. */
  home: string;
  /** Workspace root: relative globs and paths resolve against it (or the action's cwd). */
  workspace: string;
}

export interface EvalContext {
  readonly action: NormalizedAction;
  readonly phase: Phase;
  /** Tool name, '' outside tool phases. */
  readonly tool: string;
  /**
   * The action's common fields, read once: actions arrive in many shapes, and a property read on
   * a many-shaped object is slow, so conditions read these instead of `action.*`.
   */
  readonly agent: string | undefined;
  readonly harness: string | undefined;
  readonly model: string | undefined;
  readonly session: NormalizedAction['session'] | undefined;
  readonly now: number;
  readonly state: StateView;
  readonly env: EngineEnv;
  /** The parsed shell command of a `bash` tool action, else undefined. */
  shell(): ShellParse | undefined;
  /** File paths the action touches (tool input paths; for bash, arguments and redirections). */
  paths(): readonly PathInfo[];
  request(): RequestInfo | undefined;
  /** Text the action carries (message, tool result, response, tool input strings). */
  content(): readonly ContentSlot[];
}

export interface Condition {
  readonly kind: string;
  test(cx: EvalContext): Tri;
  /** Why it matched, for the decision record. Called only for rules that fired. */
  explain(cx: EvalContext): string;
  /** State it read, for the decision record. */
  read?(cx: EvalContext, out: Record<string, unknown>): void;
  /** Gates run after `when` and may update state when the action proceeds (rate, cost every). */
  readonly gate?: boolean;
  commit?(cx: EvalContext, st: StateWriter, fired: boolean): void;
  /** Applies regexes to agent-controlled text: the engine times it against the rule timeout. */
  readonly slow?: boolean;
  /** Tool names this condition can match in tool phases (index hint). */
  readonly tools?: GlobSet;
  /** Literal first words of the commands it can match (index hint), or null for any. */
  readonly commandNames?: ReadonlySet<string> | null;
  /**
   * Prefilter keys (see ../prefilter.ts): the condition can only hold when one of the action's
   * path or host keys is among these.
   */
  readonly anchors?: { readonly kind: 'path' | 'host'; readonly keys: readonly string[] };
  /** Content regexes, global (used by `redact`), and the fields they look at (all when unset). */
  readonly patterns?: readonly RegExp[];
  readonly contentFields?: ReadonlySet<ContentField>;
}

/** How many parts of a multi-part action (commands in a line, paths) must match. */
export type Quantifier = 'any' | 'all';

export interface ParseContext {
  readonly diags: Diags;
  /** Unique key of the rule, for state this rule owns (rate windows, every-buckets). */
  readonly ruleKey: string;
  /**
   * `any` for restrictive rules (one matching part is enough to deny/ask/warn), `all` for
   * permissive ones (an allow must cover every command / path in the action). Flipped under `not`.
   */
  readonly quantifier: Quantifier;
  /** Parse a nested `match` map (for `not` / `any`). */
  parseMatch(src: Src, quantifier: Quantifier): Condition[] | undefined;
}

export interface ConditionKind {
  readonly kind: string;
  /** Phases where the condition can ever match; undefined = every phase. */
  readonly applies?: readonly Phase[];
  /** Phases a rule gets when it sets no `on:` (intersected across its conditions). */
  readonly defaultOn?: readonly Phase[];
  /** One-line description for docs and did-you-mean errors. */
  readonly summary: string;
  parse(src: Src, cx: ParseContext): Condition | undefined;
}
