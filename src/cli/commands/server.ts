// `bridle server start|stop|status|run` — the daemon that owns sessions. Commands that need it
// start it on demand; `run` is the daemon itself in the foreground (what `start` launches).
import { createWriteStream } from 'node:fs';
import type { Command, CliIO } from '../command.js';
import { EXIT_FAIL, EXIT_OK, UsageError } from '../command.js';
import { DaemonClient, DaemonRunningError, spawnDaemon, startDaemon } from '../../daemon/index.js';
import { daemonPaths } from '../../session/paths.js';
import { loadNative } from '../../sandbox/native.js';
import { installMemoryReturn } from '../../util/memory-return.js';

const usage = `Usage:
  bridle server start     start the daemon in the background (no-op when it runs)
  bridle server stop      end every session (they become interrupted) and stop the daemon
  bridle server status    is it running: pid, socket, live sessions (exit 1 when not running)
  bridle server run [--ready-fd N]
                          run the daemon in the foreground (logs to stderr)

The daemon listens on $XDG_RUNTIME_DIR/bridle/daemon.sock (else <state dir>/daemon.sock), mode
0600, and serves clients that present the token in <state dir>/daemon.token. Started in the
background it logs to <state dir>/daemon.log. The protocol is described in docs/protocol.md.`;

async function tryConnect(io: CliIO): Promise<DaemonClient | undefined> {
  try {
    return await DaemonClient.connect(daemonPaths(io.env), 'cli');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ECONNREFUSED') return undefined;
    throw err;
  }
}

interface Status {
  pid: number;
  socket: string;
  state_dir: string;
  live: string[];
}

async function runForeground(argv: string[], io: CliIO): Promise<number> {
  let readyFd: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--ready-fd') {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 3) throw new UsageError('--ready-fd needs a descriptor number >= 3');
      readyFd = v;
    } else throw new UsageError(`unexpected argument \`${argv[i]}\``);
  }
  const log = (m: string): void => io.stderr(`${new Date().toISOString()} ${m}\n`);
  let daemon;
  try {
    daemon = await startDaemon({ env: io.env, log });
  } catch (err) {
    if (err instanceof DaemonRunningError) {
      io.stderr(`bridle server: ${err.message}\n`);
      return EXIT_FAIL;
    }
    throw err;
  }
  if (readyFd !== undefined) {
    const ready = createWriteStream('', { fd: readyFd });
    ready.on('error', () => undefined);
    ready.end('ready\n');
  }
  // The daemon relays every session's output for as long as it runs.
  const memory = installMemoryReturn({ release: () => loadNative().releaseFreeMemory() });
  const stop = (): void => void daemon.close();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('SIGHUP', stop);
  await daemon.closed;
  memory.dispose();
  process.off('SIGTERM', stop);
  process.off('SIGINT', stop);
  process.off('SIGHUP', stop);
  // Agents, proxies and sockets are closed; lingering keep-alive handles must not hold the exit.
  setImmediate(() => process.exit(EXIT_OK)).unref();
  return EXIT_OK;
}

export const serverCommand: Command = {
  name: 'server',
  usage,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'run') return runForeground(rest, io);
    if (rest.length > 0) throw new UsageError(`unexpected argument \`${rest[0]}\``);
    if (sub === 'start') {
      let client = await tryConnect(io);
      if (!client) {
        await spawnDaemon(io.env);
        client = await DaemonClient.connect(daemonPaths(io.env), 'cli');
      }
      const s = await client.request<Status>('status');
      client.close();
      io.stdout(`bridle server running (pid ${s.pid}) on ${s.socket}\n`);
      return EXIT_OK;
    }
    if (sub === 'status') {
      const client = await tryConnect(io);
      if (!client) {
        io.stdout('bridle server is not running\n');
        return EXIT_FAIL;
      }
      const s = await client.request<Status>('status');
      client.close();
      io.stdout(`bridle server running (pid ${s.pid}) on ${s.socket}\nstate: ${s.state_dir}\nlive sessions: ${s.live.length ? s.live.join(' ') : 'none'}\n`);
      return EXIT_OK;
    }
    if (sub === 'stop') {
      const client = await tryConnect(io);
      if (!client) {
        io.stdout('bridle server is not running\n');
        return EXIT_OK;
      }
      const s = await client.request<Status>('status');
      const gone = new Promise<void>((resolve) => {
        // The daemon closes every connection once its sessions have ended.
        client.onClosed(resolve);
      });
      await client.request('stop');
      await gone;
      io.stdout(`bridle server stopped (pid ${s.pid})\n`);
      return EXIT_OK;
    }
    throw new UsageError(sub === undefined ? 'missing subcommand (start, stop, status)' : `unknown subcommand \`${sub}\``);
  },
};
