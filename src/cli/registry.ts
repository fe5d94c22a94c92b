// Every command, in the order `bridle --help` lists them. Each lives in its own file under
// ./commands; adding one is one import and one entry here.
import type { Command } from './command.js';
import { sandboxCommand } from './commands/sandbox.js';
import { validateCommand } from './commands/validate.js';
import { modelServerCommand } from './commands/model-server.js';
import { policyCommand } from './commands/policy.js';
import { runCommand } from './commands/run.js';
import { sessionsCommand } from './commands/sessions.js';
import { serverCommand } from './commands/server.js';
import { demoCommand } from './commands/demo.js';

export const commands: readonly Command[] = [
  demoCommand,
  sandboxCommand,
  validateCommand,
  modelServerCommand,
  policyCommand,
  runCommand,
  sessionsCommand,
  serverCommand,
];
