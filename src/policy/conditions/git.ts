// `git`: git traffic as the egress proxy sees it — push (receive-pack) or fetch (upload-pack), the
// remote (host/path), and the refs a push updates. The proxy fills `action.git`; when only the
// raw request is known, the operation and remote are read off the smart-HTTP URL.
// A `branch`/`ref` condition on a push whose refs are unknown answers MAYBE (deny/ask fire).
import { suggestion } from '../../util/diagnostic.js';
import { MAYBE, NO, YES, type ConditionKind, type EvalContext, type Tri } from '../condition.js';
import type { GlobSet } from '../glob.js';
import { checkKeys, globList, stringList } from './common.js';

const OPS = ['push', 'fetch'];

interface GitView {
  op: string;
  remote: string;
  refs: readonly string[] | undefined;
}

function gitView(c: EvalContext): GitView | undefined {
  const g = c.action.git;
  if (g && typeof g === 'object' && typeof g.op === 'string') {
    const refs = Array.isArray(g.refs) ? g.refs.filter((r): r is string => typeof r === 'string') : undefined;
    return { op: g.op, remote: typeof g.remote === 'string' ? stripScheme(g.remote) : '', refs };
  }
  if (c.phase !== 'egress') return undefined;
  const r = c.request();
  if (!r) return undefined;
  const full = c.action.egress?.path ?? r.path;
  const m = /^(.*?)(?:\/info\/refs\?service=git-(receive|upload)-pack|\/git-(receive|upload)-pack)(?:$|\?)/.exec(full);
  if (!m) return undefined;
  const kind = m[2] ?? m[3];
  return { op: kind === 'receive' ? 'push' : 'fetch', remote: stripScheme(`${r.host}${m[1]}`), refs: undefined };
}

function stripScheme(remote: string): string {
  return remote.replace(/^[a-z+]+:\/\//i, '').replace(/^[^@/]*@/, '').replace(/\.git$/, '').replace(/:(?!\d)/, '/');
}

export const gitKind: ConditionKind = {
  kind: 'git',
  summary: 'git push/fetch seen by the proxy: `push` or `{op, remote, branch, ref}`',
  defaultOn: ['egress'],
  parse(src, cx) {
    let ops: Set<string> | undefined;
    let remote: GlobSet | undefined;
    let branch: GlobSet | undefined;
    let ref: GlobSet | undefined;
    const opList = (s: typeof src): boolean => {
      const list = stringList(s, cx, '`git` op');
      if (!list) return false;
      const items = s.list();
      for (let i = 0; i < list.length; i++) {
        if (!OPS.includes(list[i]!)) {
          cx.diags.error(items[i] ?? s, `\`git\`: unknown operation \`${list[i]}\`; ${suggestion(list[i]!, OPS)}`);
          return false;
        }
      }
      ops = new Set(list);
      return true;
    };
    if (src.isMap()) {
      if (!checkKeys(src, cx, '`git`', ['op', 'remote', 'branch', 'ref'])) return undefined;
      const o = src.get('op');
      if (o && !opList(o)) return undefined;
      const r = src.get('remote');
      if (r && !(remote = globList(r, cx, '`git` remote', { normalize: stripScheme }))) return undefined;
      const b = src.get('branch');
      if (b && !(branch = globList(b, cx, '`git` branch'))) return undefined;
      const f = src.get('ref');
      if (f && !(ref = globList(f, cx, '`git` ref'))) return undefined;
    } else if (!opList(src)) return undefined;
    const all = cx.quantifier === 'all';
    const refsMatch = (refs: readonly string[] | undefined): Tri => {
      if (!branch && !ref) return YES;
      if (refs === undefined || refs.length === 0) return MAYBE;
      let any = false;
      for (const full of refs) {
        const short = full.startsWith('refs/heads/') ? full.slice(11) : undefined;
        const ok = (!ref || ref.test(full)) && (!branch || (short !== undefined && branch.test(short)));
        if (ok) any = true;
        else if (all) return NO;
      }
      return any ? YES : NO;
    };
    return {
      kind: 'git',
      test(c) {
        const v = gitView(c);
        if (!v) return NO;
        if (ops && !ops.has(v.op)) return NO;
        if (remote && !remote.test(v.remote)) return NO;
        return refsMatch(v.refs);
      },
      explain(c) {
        const v = gitView(c)!;
        const refs = v.refs ? v.refs.join(', ') : 'unknown refs';
        return `git ${v.op} to \`${v.remote}\` (${refs})`;
      },
    };
  },
};
