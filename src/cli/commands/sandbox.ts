// `bridle sandbox probe|run|explain|seatbelt` — what this machine can enforce, and one command run
// confined by the same launcher sessions use.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command, CliIO } from '../command.js';
import { EXIT_FAIL, EXIT_OK, EXIT_USAGE, UsageError } from '../command.js';
import { loadNative, NativeUnavailableError } from '../../sandbox/native.js';
import { buildProfile, SandboxProfileError, type NetworkMode, type ProtectStrategy, type SandboxMode, type SandboxProfile } from '../../sandbox/profile.js';
import { sandboxedCommand } from '../../sandbox/launch.js';
import { ArgReader, unexpected } from '../flags.js';

const usage = `Usage:
  bridle sandbox probe
      what this kernel / OS can enforce, as JSON
  bridle sandbox run [options] -- CMD ARGS...
      run one command confined; exits with its status (killed by signal N: 128+N)
  bridle sandbox explain [options]
      the profile and the Landlock rules it composes to on this machine, as JSON
  bridle sandbox seatbelt [options]
      the macOS Seatbelt profile text for the same options

Options (run, explain, seatbelt):
  --write DIR          writable root (repeatable; default: the current directory)
  --read DIR           narrow reads to these roots plus system dirs (repeatable; default: everything
                       except the secret dirs)
  --read-only          nothing writable (mode read-only)
  --network MODE       none | proxy | full (default: none)
  --allow-port N       TCP port proxy mode may connect to (repeatable; alias --proxy-port)
  --allow-unix-sockets allow socket(AF_UNIX)
  --no-protect         do not protect .git/hooks, .git/config, .bridle inside write roots
  --protect-strategy S auto | mount | landlock: how protected paths stay read-only (default: auto)
  --no-tmp             do not make /tmp writable
  --best-effort        run with what the kernel can enforce and report the rest
  --profile FILE       use a profile JSON file instead of the options above
  --none               run unconfined (explicit; mode none)`;

interface RunArgs {
  profile: SandboxProfile | { file: string };
  command: string[];
}

function parseOptions(argv: string[], io: CliIO, needCommand: boolean): RunArgs {
  const dash = argv.indexOf('--');
  const opts = dash >= 0 ? argv.slice(0, dash) : argv;
  const command = dash >= 0 ? argv.slice(dash + 1) : [];
  if (needCommand && command.length === 0) throw new UsageError('missing command after `--`');
  if (!needCommand && dash >= 0) throw new UsageError('this subcommand takes no command');
  const write: string[] = [];
  const read: string[] = [];
  const ports: number[] = [];
  let network: NetworkMode = 'none';
  let mode: SandboxMode = 'workspace-write';
  let profileFile: string | undefined;
  let unix = false;
  let protect = true;
  let protectStrategy: ProtectStrategy = 'auto';
  let tmp = true;
  let bestEffort = false;
  let shaped = false;
  const args = new ArgReader(opts);
  for (const arg of args) {
    if (arg.kind === 'positional') throw unexpected(arg.value);
    shaped = shaped || arg.flag !== '--profile';
    switch (arg.flag) {
      case '--write': write.push(path.resolve(io.cwd, args.value())); break;
      case '--read': read.push(path.resolve(io.cwd, args.value())); break;
      case '--read-only': args.flag(); mode = 'read-only'; break;
      case '--none': args.flag(); mode = 'none'; break;
      case '--network': {
        const v = args.value();
        if (v !== 'none' && v !== 'proxy' && v !== 'full') throw args.invalid('none, proxy or full', v);
        network = v;
        break;
      }
      case '--allow-port':
      case '--proxy-port': {
        const v = args.value();
        const n = Number(v);
        if (!/^\d+$/.test(v) || n < 1 || n > 65535) throw args.invalid('a TCP port (1-65535)', v);
        ports.push(n);
        break;
      }
      case '--allow-unix-sockets': unix = args.flag(); break;
      case '--no-protect': args.flag(); protect = false; break;
      case '--protect-strategy': {
        const v = args.value();
        if (v !== 'auto' && v !== 'mount' && v !== 'landlock') throw args.invalid('auto, mount or landlock', v);
        protectStrategy = v;
        break;
      }
      case '--no-tmp': args.flag(); tmp = false; break;
      case '--best-effort': bestEffort = args.flag(); break;
      case '--profile': profileFile = path.resolve(io.cwd, args.value()); break;
      default: throw args.unknown();
    }
  }
  if (profileFile) {
    if (shaped) throw new UsageError('--profile cannot be combined with other options');
    return { profile: { file: profileFile }, command };
  }
  if (mode === 'read-only' && write.length > 0) throw new UsageError('--read-only and --write exclude each other');
  const [workspace, ...extraWrite] = write.length > 0 ? write : [io.cwd];
  try {
    const profile = buildProfile({
      mode,
      workspace: workspace as string,
      write: extraWrite,
      read,
      network,
      allowPorts: ports,
      allowUnixSockets: unix,
      bestEffort,
      tmp,
      protectStrategy,
      home: io.env.HOME ?? os.homedir(),
      ...(protect ? {} : { protect: [] }),
    });
    return { profile, command };
  } catch (err) {
    if (err instanceof SandboxProfileError) throw new UsageError(err.message);
    throw err;
  }
}

function loadProfile(p: SandboxProfile | { file: string }): SandboxProfile {
  if (!('file' in p)) return p;
  const text = readFileSync(p.file, 'utf8');
  const check = loadNative().validateProfile(text);
  if (!check.ok) throw new UsageError(`invalid profile ${p.file}:\n  ${check.errors.join('\n  ')}`);
  return JSON.parse(text) as SandboxProfile;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

async function runConfined(argv: string[], io: CliIO): Promise<number> {
  const { profile, command } = parseOptions(argv, io, true);
  const prof = loadProfile(profile);
  const [cmd, ...args] = command as [string, ...string[]];
  const launch = sandboxedCommand(prof, cmd, args, { env: io.env });
  const child = spawn(launch.file, launch.args, { cwd: io.cwd, env: launch.env, stdio: 'inherit' });
  // The child shares our terminal and process group, so ^C reaches it directly; signals sent to
  // us alone (kill PID) are forwarded so the confined command sees them too.
  const forward = (sig: NodeJS.Signals): void => void child.kill(sig);
  for (const s of SIGNALS) process.on(s, forward);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        if (signal) resolve(128 + (os.constants.signals[signal] ?? 0));
        else resolve(code ?? EXIT_FAIL);
      });
    });
  } finally {
    for (const s of SIGNALS) process.off(s, forward);
  }
}

function withNative<T>(io: CliIO, what: string, fn: () => T): T | number {
  try {
    return fn();
  } catch (err) {
    if (err instanceof NativeUnavailableError) {
      io.stderr(`bridle sandbox ${what}: ${err.message}\n`);
      return EXIT_FAIL;
    }
    throw err;
  }
}

export const sandboxCommand: Command = {
  name: 'sandbox',
  usage,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    switch (sub) {
      case 'probe': {
        if (rest.length > 0) throw new UsageError(`unexpected argument \`${rest[0]}\``);
        const r = withNative(io, 'probe', () => io.stdout(`${JSON.stringify(loadNative().probe(), null, 2)}\n`));
        return typeof r === 'number' ? r : EXIT_OK;
      }
      case 'run': {
        try {
          return await runConfined(rest, io);
        } catch (err) {
          if (err instanceof NativeUnavailableError) {
            io.stderr(`bridle sandbox run: ${err.message}\n`);
            return EXIT_FAIL;
          }
          if (err instanceof Error && 'code' in err && err.code === 'ENOENT' && !(err instanceof UsageError)) {
            io.stderr(`bridle sandbox run: ${err.message}\n`);
            return EXIT_USAGE;
          }
          throw err;
        }
      }
      case 'explain':
      case 'seatbelt': {
        const { profile } = parseOptions(rest, io, false);
        const r = withNative(io, sub, () => {
          const prof = loadProfile(profile);
          const native = loadNative();
          const json = JSON.stringify(prof);
          if (sub === 'seatbelt') io.stdout(native.seatbeltProfile(json));
          else io.stdout(`${JSON.stringify({ profile: prof, ...native.explainProfile(json) }, null, 2)}\n`);
        });
        return typeof r === 'number' ? r : EXIT_OK;
      }
      default:
        throw new UsageError(sub ? `unknown subcommand \`${sub}\`` : 'missing subcommand');
    }
  },
};
