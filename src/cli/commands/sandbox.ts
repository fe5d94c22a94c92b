// `bridle sandbox probe` — report what this machine can enforce.
import type { Command } from '../command.js';
import { EXIT_FAIL, EXIT_OK, UsageError } from '../command.js';
import { loadNative, NativeUnavailableError } from '../../sandbox/native.js';

const usage = `Usage:
  bridle sandbox probe      what this kernel / OS can enforce, as JSON`;

export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: 'probe kernel sandbox support',
  usage,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'probe') {
      if (rest.length > 0) throw new UsageError(`unexpected argument \`${rest[0]}\``);
      try {
        io.stdout(`${JSON.stringify(loadNative().probe(), null, 2)}\n`);
        return EXIT_OK;
      } catch (err) {
        if (err instanceof NativeUnavailableError) {
          io.stderr(`bridle sandbox probe: ${err.message}\n`);
          return EXIT_FAIL;
        }
        throw err;
      }
    }
    throw new UsageError(sub ? `unknown subcommand \`${sub}\`` : 'missing subcommand');
  },
};
