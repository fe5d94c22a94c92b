// The file tools' effect, run as its own small process *inside the sandbox* (launched through the
// session's wrapper like `bash`), so reads and writes are bounded by the same kernel rules as
// every other effect of the agent: a path outside the writable roots fails with EACCES here,
// whatever the policy said and whatever symlinks the agent planted. It imports only Node's own
// modules so that the sandbox need only let it read Node and this one file.
//
// Protocol: one JSON request on stdin, one JSON answer `{ok, output}` on stdout.
import { closeSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface FileOpRequest {
  op: 'read' | 'write' | 'edit';
  /** Absolute path (the host resolved it against the workspace). */
  path: string;
  content?: string;
  old_string?: string;
  new_string?: string;
  /** Most bytes a read returns. */
  max_bytes: number;
}

export interface FileOpAnswer {
  ok: boolean;
  output: string;
}

export function perform(req: FileOpRequest): FileOpAnswer {
  switch (req.op) {
    case 'read':
      return read(req.path, req.max_bytes);
    case 'write': {
      const content = req.content ?? '';
      mkdirSync(path.dirname(req.path), { recursive: true });
      writeFileSync(req.path, content);
      return { ok: true, output: `Wrote ${Buffer.byteLength(content)} bytes to ${req.path}` };
    }
    case 'edit':
      return edit(req.path, req.old_string ?? '', req.new_string ?? '');
    default:
      return { ok: false, output: `unknown file operation ${JSON.stringify((req as { op: unknown }).op)}` };
  }
}

function read(file: string, maxBytes: number): FileOpAnswer {
  const st = statSync(file);
  if (st.isDirectory()) {
    const entries = readdirSync(file, { withFileTypes: true }).map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).sort();
    return { ok: true, output: entries.length > 0 ? entries.join('\n') : '(empty directory)' };
  }
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min(st.size, maxBytes));
    const n = readSync(fd, buf, 0, buf.length, 0);
    const head = buf.subarray(0, n);
    if (head.includes(0)) return { ok: true, output: `(binary file, ${st.size} bytes, not shown)` };
    const text = head.toString('utf8');
    return { ok: true, output: st.size > n ? `${text}\n[file is ${st.size} bytes; only the first ${n} are shown]` : text };
  } finally {
    closeSync(fd);
  }
}

function edit(file: string, oldString: string, newString: string): FileOpAnswer {
  if (oldString === '') return { ok: false, output: 'old_string is empty; use write to create or replace a whole file' };
  const text = readFileSync(file, 'utf8');
  const first = text.indexOf(oldString);
  if (first < 0) return { ok: false, output: `old_string was not found in ${file}` };
  if (text.indexOf(oldString, first + 1) >= 0) {
    const count = text.split(oldString).length - 1;
    return { ok: false, output: `old_string occurs ${count} times in ${file}; include more surrounding text so it is unique` };
  }
  writeFileSync(file, text.slice(0, first) + newString + text.slice(first + oldString.length));
  return { ok: true, output: `Edited ${file}` };
}

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  let answer: FileOpAnswer;
  try {
    answer = perform(JSON.parse(Buffer.concat(chunks).toString('utf8')) as FileOpRequest);
  } catch (err) {
    // EACCES from the sandbox, ENOENT, a bad request: all become the tool's error text.
    answer = { ok: false, output: err instanceof Error ? err.message : String(err) };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}

// Run as a script (never when imported, e.g. by a test of `perform`).
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
