// Runs the effect of an allowed tool call in a child process launched through the session's
// sandbox wrapper: `bash -c` for commands, the file-op helper for read/write/edit. Each run has
// its own process group (killed whole on interrupt, stop or timeout), a time limit, and an
// output cap, so no tool call can hang the loop or flood the model's context.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../process.js';
import type { LaunchWrapper } from '../types.js';
import type { FileOpAnswer, FileOpRequest } from './file-op.js';

export interface RunnerOptions {
  workspace: string;
  /** The session's child environment (complete; built by the runtime). */
  env: Record<string, string>;
  wrap?: LaunchWrapper;
  timeoutMs: number;
  /** Most characters of command output kept per call (head and tail; the middle is elided); also the byte limit of a file read. */
  maxOutputChars: number;
}

export interface ToolOutcome {
  output: string;
  is_error: boolean;
}

/** The helper compiled next to this module (dist/src/harness/bridle/file-op.js). */
export const FILE_OP_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'file-op.js');

export class ToolRunner {
  constructor(private readonly options: RunnerOptions) {}

  async bash(command: string, signal: AbortSignal): Promise<ToolOutcome> {
    const run = await this.run(shell(this.options.env), ['-c', command], this.options.env, undefined, signal);
    const notes: string[] = [];
    if (run.timedOut) notes.push(`[timed out after ${Math.round(this.options.timeoutMs / 1000)}s; the command was killed]`);
    else if (run.aborted) notes.push('[interrupted; the command was killed]');
    else if (run.spawnError) notes.push(`[could not start the shell: ${run.spawnError}]`);
    else if (run.signal) notes.push(`[killed by ${run.signal}]`);
    else if (run.code !== 0) notes.push(`[exit code ${run.code}]`);
    const output = [run.output.trimEnd(), ...notes].filter((s) => s !== '').join('\n');
    return { output: output || '(no output)', is_error: notes.length > 0 };
  }

  async file(request: Omit<FileOpRequest, 'max_bytes'>, signal: AbortSignal): Promise<ToolOutcome> {
    // The helper needs nothing from the session's environment beyond a PATH and a HOME; keeping
    // NODE_OPTIONS and friends out means the agent cannot change how it behaves.
    const env: Record<string, string> = {};
    for (const key of ['PATH', 'HOME', 'LANG', 'TMPDIR']) if (this.options.env[key] !== undefined) env[key] = this.options.env[key]!;
    const stdin = JSON.stringify({ ...request, max_bytes: this.options.maxOutputChars } satisfies FileOpRequest);
    const run = await this.run(process.execPath, [FILE_OP_SCRIPT], env, stdin, signal, true);
    if (run.timedOut) return { output: `[timed out after ${Math.round(this.options.timeoutMs / 1000)}s]`, is_error: true };
    if (run.aborted) return { output: '[interrupted]', is_error: true };
    try {
      const answer = JSON.parse(run.stdout) as FileOpAnswer;
      if (typeof answer.ok === 'boolean' && typeof answer.output === 'string') return { output: answer.output, is_error: !answer.ok };
    } catch {
      // fall through: the helper could not run (e.g. the sandbox refused it) — say what we saw
    }
    const why = run.spawnError ?? (run.output.trim().slice(-2000) || `exit code ${run.code}, signal ${run.signal}`);
    return { output: `the ${request.op} helper failed: ${why}`, is_error: true };
  }

  private run(file: string, args: string[], env: Record<string, string>, stdin: string | undefined, signal: AbortSignal, separateStdout = false): Promise<RunResult> {
    return new Promise((resolve) => {
      const output = new BoundedText(this.options.maxOutputChars);
      let stdout = '';
      let timedOut = false;
      let spawnError: string | undefined;
      const proc = launch({
        file,
        args,
        cwd: this.options.workspace,
        env,
        ...(this.options.wrap ? { wrap: this.options.wrap } : {}),
        onStdoutLine: () => undefined,
        // The helper's stdout is its answer (bounded by max_bytes plus JSON quoting); a command's is merged with stderr.
        onStdoutData: (text) => (separateStdout ? (stdout += text) : output.add(text)),
        onStderr: (text) => output.add(text),
      });
      proc.child.once('error', (err) => (spawnError = err.message));
      if (stdin !== undefined) proc.child.stdin.end(stdin);
      else proc.child.stdin.end(); // commands that read stdin get EOF instead of hanging
      const timer = setTimeout(() => {
        timedOut = true;
        void proc.kill();
      }, this.options.timeoutMs);
      const onAbort = (): void => void proc.kill();
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      void proc.exited.then((info) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        // The leader is gone; anything it left in its group goes too.
        void proc.kill();
        resolve({ output: output.text(), stdout, code: info.exit_code, signal: info.signal, timedOut, aborted: signal.aborted, spawnError });
      });
    });
  }
}

interface RunResult {
  output: string;
  stdout: string;
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  aborted: boolean;
  spawnError: string | undefined;
}

/** bash from the session's PATH (the tool is called bash, and models write bash), else /bin/sh. */
function shell(env: Record<string, string>): string {
  for (const dir of (env.PATH ?? '').split(':')) {
    if (dir && existsSync(path.join(dir, 'bash'))) return path.join(dir, 'bash');
  }
  return '/bin/sh';
}

/** Keeps the first and last halves of at most `limit` characters, counting what was dropped. */
export class BoundedText {
  private head = '';
  private tail = '';
  private dropped = 0;

  constructor(private readonly limit: number) {}

  add(text: string): void {
    const half = Math.floor(this.limit / 2);
    if (this.head.length < half) {
      const take = text.slice(0, half - this.head.length);
      this.head += take;
      text = text.slice(take.length);
    }
    if (text === '') return;
    this.tail += text;
    if (this.tail.length > this.limit - half) {
      const cut = this.tail.length - (this.limit - half);
      this.dropped += cut;
      this.tail = this.tail.slice(cut);
    }
  }

  text(): string {
    return this.dropped > 0 ? `${this.head}\n[… ${this.dropped} characters omitted …]\n${this.tail}` : this.head + this.tail;
  }
}
