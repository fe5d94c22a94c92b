// `bridle` entry: finds the command and runs it with the real process streams.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { commands } from './registry.js';
import { EXIT_FAIL, EXIT_USAGE, UsageError, type CliIO } from './command.js';
import { packageRoot } from '../paths.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'bridle — run, tile and govern coding agents',
    '',
    'Usage: bridle                        open the dashboard (starts the daemon if needed)',
    '       bridle <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `bridle <command> --help` for a command\'s options.',
    '',
  ].join('\n');
}

export function processIO(): CliIO {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** `bridle` alone: the dashboard in a terminal; help when output goes elsewhere (a pipe, a file). */
async function dashboard(io: CliIO, tty: boolean): Promise<number> {
  if (!tty) {
    io.stdout(help());
    return 0;
  }
  // Loaded only here: Ink and React are not needed by any other command.
  const { runDashboard } = await import('../tui/run.js');
  const end = await runDashboard({ stdin: process.stdin, stdout: process.stdout, env: io.env, cwd: io.cwd });
  if (end === 'lost') {
    io.stderr('bridle: lost the connection to the daemon\n');
    return EXIT_FAIL;
  }
  io.stderr(`bridle: ${end === 'detached' ? 'detached' : 'closed the dashboard'}; sessions keep running (\`bridle\` reopens it)\n`);
  return 0;
}

export async function main(argv: string[], io: CliIO = processIO(), tty = process.stdout.isTTY === true && process.stdin.isTTY === true): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) return dashboard(io, tty);
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout(help());
    return 0;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(`${version()}\n`);
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.stderr(`bridle: unknown command \`${name}\`\n\n${help()}`);
    return EXIT_USAGE;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`bridle ${command.name}: ${err.message}\n\n${command.usage}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}
