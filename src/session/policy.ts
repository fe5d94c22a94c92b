// The session's policy stack: the agent's rules (its spec's `policies:`, files and inline rules)
// and the server's rules (the user's policy dir, else Bridle's shipped defaults). Session-level
// rules come later, from a human, through the HumanAuthority the engine hands the runtime.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { compilePolicyNode, loadPolicyFile, loadPolicyFiles, PolicyEngine, type CompiledRule, type PolicySet } from '../policy/index.js';
import { mergeDefaults } from '../policy/loader.js';
import { DiagnosticError } from '../util/diagnostic.js';
import { configHome, packageRoot } from '../paths.js';
import type { AgentSpec } from '../spec/types.js';

/** Server packs: `*.yaml` in `$XDG_CONFIG_HOME/bridle/policies`, else the shipped defaults. */
export function serverPolicyFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const dir = path.join(configHome(env), 'policies');
  if (existsSync(dir)) {
    return readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => path.join(dir, f));
  }
  return [path.join(packageRoot, 'policies', 'default.yaml')];
}

export function loadServerPolicies(files: readonly string[]): PolicySet {
  return loadPolicyFiles(files, 'server');
}

/** The spec's `policies:` at agent level; throws DiagnosticError with positions. */
function agentPolicies(spec: AgentSpec): PolicySet {
  const out: PolicySet = { rules: [], defaults: {}, files: [] };
  const inline: CompiledRule[] = [];
  for (const ref of spec.policies) {
    if (ref.kind === 'file') {
      const set = loadPolicyFile(ref.path, 'agent');
      out.rules.push(...set.rules);
      out.files.push(...set.files);
      out.defaults = mergeDefaults(out.defaults, set.defaults);
    } else {
      const compiled = compilePolicyNode(ref.node, { file: ref.source.file, lineCounter: ref.source.lineCounter, doc: ref.source.doc }, 'agent');
      if (compiled.diagnostics.length > 0) throw new DiagnosticError(compiled.diagnostics);
      inline.push(...compiled.rules);
    }
  }
  out.rules.push(...inline);
  return out;
}

export interface EngineInput {
  spec: AgentSpec;
  server: PolicySet;
  workspace: string;
  home: string;
  askTimeoutMs?: number;
}

export function buildEngine(input: EngineInput): { engine: PolicyEngine; files: string[] } {
  const agent = agentPolicies(input.spec);
  const engine = new PolicyEngine({
    agent,
    server: input.server,
    workspace: input.workspace,
    home: input.home,
    ...(input.askTimeoutMs !== undefined ? { askTimeoutMs: input.askTimeoutMs } : {}),
  });
  return { engine, files: [...agent.files, ...input.server.files] };
}
