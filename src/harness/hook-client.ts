// The command a vendor's *command* hook runs (Codex, Cursor): forwards the hook's stdin JSON to
// the session's hook endpoint and prints the answer. Runs inside the sandbox with nothing but
// Node. Fails closed: if the endpoint cannot be reached, answers badly or too late, it prints a
// deny in the vendor's format and exits 2 (the "block" exit code of these hook systems).
//
// usage: node hook-client.js URL FORMAT TIMEOUT_SECONDS   (FORMAT: codex | cursor)
import http from 'node:http';

const [url = '', format = 'codex', timeoutArg = '600'] = process.argv.slice(2);
const REASON = 'Bridle policy: the decision service could not be reached, so the tool call is refused.';

function deny(detail: string): never {
  const reason = `${REASON} (${detail})`;
  const body =
    format === 'cursor'
      ? { permission: 'deny', user_message: reason, agent_message: reason, userMessage: reason, agentMessage: reason }
      : { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: reason } };
  process.stdout.write(`${JSON.stringify(body)}\n`);
  process.stderr.write(`${reason}\n`);
  process.exit(2);
}

function readStdin(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    process.stdin.on('error', reject);
  });
}

async function main(): Promise<void> {
  const input = await readStdin();
  const timeoutMs = Math.max(1, Number(timeoutArg) || 600) * 1000;
  const answer = await new Promise<string>((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': input.length }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(input);
  });
  try {
    JSON.parse(answer);
  } catch {
    deny('malformed answer');
  }
  process.stdout.write(`${answer}\n`);
}

main().catch((err: unknown) => deny(err instanceof Error ? err.message : String(err)));
