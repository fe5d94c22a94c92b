// `bridle model-server --script FILE [--port N] [--log FILE] [--quiet]` — run the scripted model
// server in the foreground, so agent specs and policies can be tried offline.
import path from 'node:path';
import type { Command } from '../command.js';
import { EXIT_FAIL, EXIT_OK, UsageError } from '../command.js';
import { DiagnosticError } from '../../util/diagnostic.js';
import { startModelServer, type RecordedRequest } from '../../model-server/index.js';
import { ArgReader, unexpected } from '../flags.js';

const usage = `Usage:
  bridle model-server --script FILE [--port N] [--log FILE] [--quiet]

Serves scripted replies on 127.0.0.1 in the wire formats of the Anthropic Messages API
(/v1/messages), the OpenAI Responses API (/v1/responses) and OpenAI Chat Completions
(/v1/chat/completions), streaming or not. Point an agent at it with e.g.
ANTHROPIC_BASE_URL=http://127.0.0.1:PORT or OPENAI_BASE_URL=http://127.0.0.1:PORT/v1.

Options:
  --script FILE   YAML script of turns (matcher + reply)
  --port N        port to listen on (default: any free port)
  --log FILE      write one JSON line per request (the file is emptied first)
  --quiet         do not print a line per request on stderr

Prints \`model-server listening on URL\` once ready and runs until SIGINT or SIGTERM.`;

interface Options {
  script: string;
  port: number;
  log?: string;
  quiet: boolean;
}

function parseArgs(argv: string[], cwd: string): Options {
  let script: string | undefined;
  let port = 0;
  let log: string | undefined;
  let quiet = false;
  const args = new ArgReader(argv);
  for (const arg of args) {
    if (arg.kind === 'positional') throw unexpected(arg.value);
    switch (arg.flag) {
      case '--script':
        script = path.resolve(cwd, args.value());
        break;
      case '--log':
        log = path.resolve(cwd, args.value());
        break;
      case '--port': {
        const text = args.value();
        port = Number(text);
        if (!/^\d+$/.test(text) || port > 65535) throw args.invalid('a number from 0 to 65535', text);
        break;
      }
      case '--quiet':
        quiet = args.flag();
        break;
      default:
        throw args.unknown();
    }
  }
  if (script === undefined) throw new UsageError('missing --script FILE');
  return log !== undefined ? { script, port, log, quiet } : { script, port, quiet };
}

function describe(entry: RecordedRequest): string {
  const answer = entry.turn !== null
    ? `turn ${entry.turn}${entry.turn_name !== undefined ? ` "${entry.turn_name}"` : ''}`
    : entry.reply !== undefined ? 'fallback (no turn matched)' : (entry.endpoint ?? 'no such endpoint');
  return `#${entry.seq} ${entry.method} ${entry.path} -> ${answer} [${entry.status}]\n`;
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export const modelServerCommand: Command = {
  name: 'model-server',
  usage,
  async run(argv, io) {
    const opts = parseArgs(argv, io.cwd);
    let server;
    try {
      server = await startModelServer({
        scriptFile: opts.script,
        port: opts.port,
        ...(opts.log !== undefined ? { logFile: opts.log } : {}),
        ...(opts.quiet ? {} : { onRequest: (e: RecordedRequest) => io.stderr(describe(e)) }),
      });
    } catch (err) {
      if (err instanceof DiagnosticError) {
        io.stderr(`${err.message}\n`);
        return EXIT_FAIL;
      }
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'ENOENT' || code === 'EISDIR') {
        io.stderr(`bridle model-server: ${(err as Error).message}\n`);
        return EXIT_FAIL;
      }
      throw err;
    }
    io.stdout(`model-server listening on ${server.url}\n`);
    await waitForSignal();
    await server.close();
    return EXIT_OK;
  },
};
