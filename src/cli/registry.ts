// Every command, in the order `bridle --help` lists them. Each lives in its own file under
// ./commands and is loaded only when it runs: the dashboard (no command) and each command then
// load only their own code, not every command's (the whole daemon, proxy and policy engine among
// them). Adding a command is one file and one entry here.
import type { Command } from './command.js';

export interface CommandEntry {
  name: string;
  /** One line for `bridle --help`. */
  summary: string;
  load(): Promise<Command>;
}

export const commands: readonly CommandEntry[] = [
  { name: 'demo', summary: 'three agents in a temp repo, offline, under policy, in the dashboard', load: async () => (await import('./commands/demo.js')).demoCommand },
  { name: 'sandbox', summary: 'probe kernel sandbox support; run a command confined', load: async () => (await import('./commands/sandbox.js')).sandboxCommand },
  { name: 'validate', summary: 'check agent specs and policy files', load: async () => (await import('./commands/validate.js')).validateCommand },
  { name: 'model-server', summary: 'serve scripted model replies (Anthropic / OpenAI wire formats) for offline runs', load: async () => (await import('./commands/model-server.js')).modelServerCommand },
  { name: 'policy', summary: 'check or replay actions against policy files', load: async () => (await import('./commands/policy.js')).policyCommand },
  { name: 'run', summary: 'run an agent spec as a governed session', load: async () => (await import('./commands/run.js')).runCommand },
  { name: 'sessions', summary: 'list, inspect and end sessions', load: async () => (await import('./commands/sessions.js')).sessionsCommand },
  { name: 'server', summary: 'start, stop or inspect the daemon that owns sessions', load: async () => (await import('./commands/server.js')).serverCommand },
];
