// Small pure formatters shared by the dashboard's components.

export type SessionState = 'starting' | 'working' | 'waiting' | 'asking' | 'done' | 'failed' | 'interrupted';

export function formatCost(usd: number | null | undefined): string {
  const v = usd ?? 0;
  return v >= 100 ? `$${v.toFixed(0)}` : `$${v.toFixed(2)}`;
}

/** `42s`, `3m05s`, `2h07m`: compact and monotone in width as time passes. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function formatTokens(n: number | null | undefined): string {
  const v = n ?? 0;
  return v >= 1_000_000 ? `${(v / 1_000_000).toFixed(1)}M` : v >= 1000 ? `${(v / 1000).toFixed(1)}k` : String(v);
}

/** Ink color per session state: what needs a person stands out, what is over is quiet. */
export const STATE_COLOR: Record<SessionState, string> = {
  starting: 'cyan',
  working: 'green',
  waiting: 'blue',
  asking: 'yellow',
  done: 'gray',
  failed: 'red',
  interrupted: 'magenta',
};

export const STATE_LABEL: Record<SessionState, string> = {
  starting: 'starting',
  working: 'working',
  waiting: 'waiting for input',
  asking: 'asking',
  done: 'done',
  failed: 'failed',
  interrupted: 'interrupted',
};

/** What an action is, as a person deciding on it wants to read it. */
export interface ActionSummary {
  kind: 'command' | 'push' | 'path' | 'host' | 'spawn' | 'other';
  /** One line: the command, the path, the host… */
  text: string;
  /** For a git push: the branch(es) and remote. */
  branch?: string;
  remote?: string;
  tool?: string;
}

interface ActionLike {
  phase?: string;
  tool?: { name?: string; input?: Record<string, unknown> };
  egress?: { method?: string; host?: string; port?: number; path?: string };
  git?: { op?: string; remote?: string; refs?: string[] };
  spawn?: { agent?: string; harness?: string };
}

export function summarizeAction(a: ActionLike): ActionSummary {
  if (a.git?.op === 'push') {
    const branch = (a.git.refs ?? []).map((r) => r.replace(/^refs\/heads\//, '')).join(', ');
    return { kind: 'push', text: `git push${a.git.remote ? ` ${a.git.remote}` : ''}${branch ? ` ${branch}` : ''}`, ...(branch ? { branch } : {}), ...(a.git.remote ? { remote: a.git.remote } : {}) };
  }
  const t = a.tool;
  if (t?.name) {
    const input = t.input ?? {};
    const str = (k: string) => (typeof input[k] === 'string' ? (input[k] as string) : undefined);
    const command = str('command');
    if (command !== undefined) {
      const push = parseGitPush(command);
      if (push) return { kind: 'push', text: command, tool: t.name, ...push };
      return { kind: 'command', text: command, tool: t.name };
    }
    const p = str('path') ?? str('file_path');
    if (p !== undefined) return { kind: 'path', text: p, tool: t.name };
    const url = str('url');
    if (url !== undefined) return { kind: 'host', text: hostOf(url), tool: t.name };
    if (t.name === 'delegate' && str('agent')) return { kind: 'spawn', text: str('agent')!, tool: t.name };
    return { kind: 'other', text: t.name, tool: t.name };
  }
  if (a.egress?.host) return { kind: 'host', text: `${a.egress.host}${a.egress.port && a.egress.port !== 443 && a.egress.port !== 80 ? `:${a.egress.port}` : ''}` };
  if (a.spawn) return { kind: 'spawn', text: a.spawn.agent ?? 'sub-agent' };
  return { kind: 'other', text: a.phase ?? 'action' };
}

/** `git push [opts] [remote] [branch…]` inside a simple command line; undefined when not a push. */
function parseGitPush(command: string): { branch?: string; remote?: string } | undefined {
  const m = /(?:^|[;&|]\s*)git\s+(?:-C\s+\S+\s+)?push\b([^;&|]*)/.exec(command);
  if (!m) return undefined;
  const args = m[1]!.trim().split(/\s+/).filter((x) => x && !x.startsWith('-'));
  const out: { branch?: string; remote?: string } = {};
  if (args[0]) out.remote = args[0];
  if (args.length > 1) out.branch = args.slice(1).map((r) => r.replace(/^.*:/, '').replace(/^refs\/heads\//, '')).join(', ');
  return out;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
