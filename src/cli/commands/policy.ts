// `bridle policy check` — one decision for one action; `bridle policy replay` — a JSONL sequence
// through one session's state (how stateful rules are tested and debugged). Both print decisions
// as JSON and exit 0 whatever the decision; bad input exits 2 with `file:line:col: message`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CliIO, Command } from '../command.js';
import { EXIT_OK, EXIT_USAGE, UsageError } from '../command.js';
import { DiagnosticError, formatDiagnostic, type Diagnostic } from '../../util/diagnostic.js';
import { PolicyEngine, type HumanAuthority, type PolicySession } from '../../policy/engine.js';
import { loadPolicyFiles, type PhaseDefaults, type PolicySet } from '../../policy/loader.js';
import { decisionJson } from '../../policy/record.js';
import { jsonErrorOffset } from '../../policy/json-position.js';
import { SessionState, type StateSnapshot } from '../../policy/state.js';
import { ASK_ANSWERS, isPhase, PHASES, type AskAnswer, type NormalizedAction } from '../../policy/types.js';
import { ArgReader, unexpected } from '../flags.js';

const usage = `Usage:
  bridle policy check  --policy FILE... --event JSON|@FILE [--state JSON|@FILE]
  bridle policy replay --policy FILE... --events FILE.jsonl [--state JSON|@FILE] [--answer ANSWER]

check   prints one decision as JSON: {"action","rules":[{"name","level","action","reason"}],"message",…}
replay  feeds each line of FILE.jsonl (a normalized action) through one session and prints one
        decision per line. A line {"answer": "allow_once"} answers the latest pending ask.

Options:
  --policy FILE...          agent-level policy files (repeatable)
  --server-policy FILE...   server-level policy files
  --session-policy FILE...  session-level rules (as a human would add them)
  --state JSON|@FILE        starting session state: {"flags":{…},"after":{…},"every":{…},"spawns":N,"created":[…]}
  --default PHASE=VERDICT   phase default (allow, warn, ask, deny); repeatable
  --workspace DIR           workspace root for relative path globs (default: current directory)
  --answer ANSWER           replay: how asks are answered: none (default: left pending, like no
                            human), allow_once, allow_session, deny_once, deny_session

Exit status: 0 for any decision, 2 for bad input (policy, event or state).`;

interface Args {
  sub: 'check' | 'replay';
  agent: string[];
  server: string[];
  session: string[];
  event?: string;
  events?: string;
  state?: string;
  defaults: PhaseDefaults;
  workspace?: string;
  answer: AskAnswer | 'none';
}

function parseArgs(argv: string[]): Args {
  const [sub, ...rest] = argv;
  if (sub !== 'check' && sub !== 'replay') throw new UsageError(sub ? `unknown subcommand \`${sub}\`` : 'missing subcommand (check or replay)');
  const a: Args = { sub, agent: [], server: [], session: [], defaults: {}, answer: 'none' };
  const lists: Record<string, string[]> = { '--policy': a.agent, '--server-policy': a.server, '--session-policy': a.session };
  const args = new ArgReader(rest);
  for (const arg of args) {
    if (arg.kind === 'positional') throw unexpected(arg.value);
    const list = lists[arg.flag];
    if (list) {
      // FILE... : every following word that is not an option
      list.push(...args.values('file'));
      continue;
    }
    switch (arg.flag) {
      case '--event':
        if (sub !== 'check') throw new UsageError('--event is for `check`; `replay` takes --events FILE.jsonl');
        a.event = args.value();
        break;
      case '--events':
        if (sub !== 'replay') throw new UsageError('--events is for `replay`; `check` takes --event JSON|@FILE');
        a.events = args.value();
        break;
      case '--state':
        a.state = args.value();
        break;
      case '--workspace':
        a.workspace = args.value();
        break;
      case '--default': {
        const v = args.value();
        const m = /^([a-z_]+)=(allow|warn|ask|deny)$/.exec(v);
        if (!m || !isPhase(m[1])) throw args.invalid(`PHASE=VERDICT with PHASE one of ${PHASES.join(', ')} and VERDICT allow|warn|ask|deny`, v);
        a.defaults[m[1]] = m[2] as 'allow';
        break;
      }
      case '--answer': {
        const v = args.value();
        if (v !== 'none' && !(ASK_ANSWERS as readonly string[]).includes(v)) throw args.invalid(`none or one of ${ASK_ANSWERS.join(', ')}`, v);
        if (sub !== 'replay') throw new UsageError('--answer is for `replay`');
        a.answer = v as AskAnswer | 'none';
        break;
      }
      default:
        throw args.unknown();
    }
  }
  if (a.agent.length + a.server.length + a.session.length === 0) throw new UsageError('no policy files (--policy FILE...)');
  if (sub === 'check' && a.event === undefined) throw new UsageError('missing --event JSON|@FILE');
  if (sub === 'replay' && a.events === undefined) throw new UsageError('missing --events FILE.jsonl');
  return a;
}

/** Bad input that is not a usage error: reported as diagnostics, exit 2. */
class InputError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
  }
}

function readText(file: string, cwd: string): string {
  try {
    return readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (err) {
    throw new InputError([{ file, line: 1, col: 1, message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }]);
  }
}

/** JSON.parse with a positioned error (lineBase: the line `text` starts on in its file). */
function parseJson(text: string, file: string, lineBase = 1): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const at = Math.max(0, jsonErrorOffset(text));
    const before = text.slice(0, at);
    const line = lineBase + (before.match(/\n/g)?.length ?? 0);
    const col = at - before.lastIndexOf('\n');
    const msg = (err as Error).message.replace(/ in JSON at position \d+.*$/, '').replace(/, ".*" is not valid JSON$/s, '');
    throw new InputError([{ file, line, col, message: `invalid JSON: ${msg}` }]);
  }
}

/** `JSON` or `@FILE`: the value, and the name to report errors against. */
function jsonArg(arg: string, what: string, cwd: string): { value: unknown; file: string } {
  if (arg.startsWith('@')) {
    const file = arg.slice(1);
    return { value: parseJson(readText(file, cwd), file), file };
  }
  return { value: parseJson(arg, `<${what}>`), file: `<${what}>` };
}

function checkAction(v: unknown, file: string, line: number): NormalizedAction {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new InputError([{ file, line, col: 1, message: 'expected a JSON object (a normalized action)' }]);
  }
  const phase = (v as { phase?: unknown }).phase;
  if (!isPhase(phase)) {
    throw new InputError([{ file, line, col: 1, message: `unknown or missing phase \`${String(phase)}\` (expected one of ${PHASES.join(', ')})` }]);
  }
  return v as NormalizedAction;
}

function load(files: string[], level: 'agent' | 'server', cwd: string): PolicySet {
  return loadPolicyFiles(files.map((f) => path.resolve(cwd, f)), level);
}

/** Diagnostics name files as the user wrote them, not as resolved. */
function relabel(diags: Diagnostic[], cwd: string, given: string[]): Diagnostic[] {
  const byAbs = new Map(given.map((g) => [path.resolve(cwd, g), g]));
  return diags.map((d) => ({ ...d, file: byAbs.get(d.file) ?? d.file }));
}

function setup(a: Args, io: CliIO): { session: PolicySession; human: HumanAuthority } {
  const all = [...a.agent, ...a.server, ...a.session];
  let agent: PolicySet;
  let server: PolicySet;
  try {
    agent = load(a.agent, 'agent', io.cwd);
    server = load(a.server, 'server', io.cwd);
  } catch (err) {
    if (err instanceof DiagnosticError) throw new InputError(relabel(err.diagnostics, io.cwd, all));
    throw err;
  }
  let state: unknown;
  if (a.state !== undefined) {
    const s = jsonArg(a.state, 'state', io.cwd);
    state = s.value;
    try {
      SessionState.from(s.value);
    } catch (err) {
      throw new InputError([{ file: s.file, line: 1, col: 1, message: (err as Error).message }]);
    }
  }
  const engine = new PolicyEngine({
    agent,
    server,
    defaults: a.defaults,
    workspace: path.resolve(io.cwd, a.workspace ?? '.'),
    ...(io.env.HOME ? { home: io.env.HOME } : {}),
  });
  const opened = engine.openSession({ id: 'cli', ...(state !== undefined ? { state: state as StateSnapshot } : {}) });
  for (const f of a.session) {
    const diags = opened.human.addRules(readText(f, io.cwd), f);
    if (diags.length) throw new InputError(diags);
  }
  return opened;
}

async function check(a: Args, io: CliIO): Promise<number> {
  const { session } = setup(a, io);
  const ev = jsonArg(a.event!, 'event', io.cwd);
  const action = checkAction(ev.value, ev.file, 1);
  io.stdout(`${JSON.stringify(decisionJson(session.decide(action)))}\n`);
  return EXIT_OK;
}

async function replay(a: Args, io: CliIO): Promise<number> {
  const { session, human } = setup(a, io);
  const file = a.events!;
  const text = file === '-' ? readFileSync(0, 'utf8') : readText(file, io.cwd);
  const lines = text.split('\n');
  // Validate every line first: a bad line 40 should not leave 39 decisions half-printed.
  const items: { line: number; value: unknown }[] = [];
  const problems: Diagnostic[] = [];
  lines.forEach((raw, i) => {
    if (raw.trim() === '' || raw.trimStart().startsWith('//')) return;
    try {
      const value = parseJson(raw, file, i + 1);
      const keys = value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
      if (keys.length === 1 && keys[0] === 'answer') {
        const ans = (value as { answer: unknown }).answer;
        if (!(ASK_ANSWERS as readonly string[]).includes(String(ans))) {
          throw new InputError([{ file, line: i + 1, col: 1, message: `unknown answer \`${String(ans)}\` (expected ${ASK_ANSWERS.join(', ')})` }]);
        }
      } else checkAction(value, file, i + 1);
      items.push({ line: i + 1, value });
    } catch (err) {
      if (err instanceof InputError) problems.push(...err.diagnostics);
      else throw err;
    }
  });
  if (problems.length) throw new InputError(problems);
  let lastAsk: string | undefined;
  for (const { line, value } of items) {
    const v = value as Record<string, unknown>;
    if (Object.keys(v).length === 1 && 'answer' in v) {
      if (lastAsk === undefined) throw new InputError([{ file, line, col: 1, message: 'no pending ask to answer' }]);
      const d = human.answer(lastAsk, v.answer as AskAnswer);
      lastAsk = undefined;
      io.stdout(`${JSON.stringify({ line, ...decisionJson(d) })}\n`);
      continue;
    }
    const d = session.evaluate(v as unknown as NormalizedAction);
    io.stdout(`${JSON.stringify({ line, ...decisionJson(d) })}\n`);
    if (d.action === 'ask' && d.ask) {
      if (a.answer !== 'none') {
        const fin = human.answer(d.ask.id, a.answer);
        io.stdout(`${JSON.stringify({ line, ...decisionJson(fin) })}\n`);
      } else lastAsk = d.ask.id;
    }
  }
  return EXIT_OK;
}

export const policyCommand: Command = {
  name: 'policy',
  usage,
  async run(argv, io) {
    const a = parseArgs(argv);
    try {
      return a.sub === 'check' ? await check(a, io) : await replay(a, io);
    } catch (err) {
      if (err instanceof InputError) {
        for (const d of err.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
        return EXIT_USAGE;
      }
      throw err;
    }
  },
};
