// `path`: file paths an action touches — the path of read/write/edit (and any tool input named
// path/file_path/paths), and for bash every argument and redirection target, with `cd` followed.
// Globs may be absolute (`/etc/**`), home-relative (`~/.ssh/**`), workspace-relative (`src/**`),
// or a bare name that matches at any depth (`.env`, `*.pem`), as in .gitignore (so `**` alone is
// any file anywhere; `./**` is the workspace). `dir/**` also matches `dir` itself.
// `created_by: agent` limits the match to files this session's agent created.
import { MAYBE, NO, YES, type ConditionKind, type EvalContext, type PathInfo, type Tri } from '../condition.js';
import { compileGlobSet, type GlobSet } from '../glob.js';
import type { Src } from '../source.js';
import { pathAnchor } from '../prefilter.js';
import { checkKeys, globList, describe } from './common.js';

const NEVER: GlobSet = { sources: [], test: () => false, literals: null };

interface PathGlobs {
  /** Prefilter keys, or null when some glob has no literal anchor. */
  anchors: string[] | null;
  abs: GlobSet;
  home: GlobSet;
  ws: GlobSet;
  base: GlobSet;
  sources: readonly string[];
  /** Each written glob on its own, for explanations. */
  each: readonly { source: string; globs: PathGlobs | null }[];
}

function split(globs: GlobSet, explain = true): PathGlobs {
  const abs: string[] = [];
  const home: string[] = [];
  const ws: string[] = [];
  const base: string[] = [];
  for (const raw of globs.sources) {
    const g = raw;
    if (g.startsWith('/')) abs.push(g);
    else if (g === '~') home.push('');
    else if (g.startsWith('~/')) home.push(g.slice(2));
    else if (g.includes('/')) ws.push(g.replace(/^(\.\/)+/, ''));
    else base.push(g);
  }
  const set = (l: string[]) => (l.length ? compileGlobSet(l, { dialect: 'path' }) : NEVER);
  let anchors: string[] | null = [];
  for (const [cat, list] of [['abs', abs], ['home', home], ['ws', ws], ['base', base]] as const) {
    for (const g of list) {
      const a = pathAnchor(cat, g);
      if (a === null) anchors = null;
      else anchors?.push(a);
    }
  }
  const each = explain && globs.sources.length > 1 ? globs.sources.map((g) => ({ source: g, globs: split(compileGlobSet([g], { dialect: 'path' }), false) })) : [];
  return { anchors, abs: set(abs), home: set(home), ws: set(ws), base: set(base), sources: globs.sources, each };
}

function hit(g: PathGlobs, p: PathInfo): boolean {
  return (
    (g.abs !== NEVER && g.abs.test(p.abs)) ||
    (g.home !== NEVER && p.home !== null && g.home.test(p.home)) ||
    (g.ws !== NEVER && p.ws !== null && g.ws.test(p.ws)) ||
    (g.base !== NEVER && g.base.test(p.base))
  );
}

export const pathKind: ConditionKind = {
  kind: 'path',
  summary: 'file path glob(s): `~/.ssh/**`, `/etc/**`, `src/**`, `.env`; `{glob, created_by: agent}`',
  applies: ['tool_call', 'tool_result'],
  defaultOn: ['tool_call'],
  parse(src, cx) {
    let globSrc: Src | undefined = src;
    let createdByAgent = false;
    if (src.isMap()) {
      if (!checkKeys(src, cx, '`path`', ['glob', 'value', 'created_by'])) return undefined;
      const cb = src.get('created_by');
      if (cb) {
        if (cb.value !== 'agent') {
          cx.diags.error(cb, `\`created_by\`: only \`agent\` is supported, got ${describe(cb.value)}`);
          return undefined;
        }
        createdByAgent = true;
      }
      const g = src.get('glob') ?? src.get('value');
      if (!g) {
        if (!createdByAgent) {
          cx.diags.error(src, '`path` needs `glob` or `created_by`');
          return undefined;
        }
      }
      globSrc = g;
    }
    let globs: PathGlobs | undefined;
    if (globSrc) {
      const set = globList(globSrc, cx, '`path`', { dialect: 'path' });
      if (!set) return undefined;
      globs = split(set);
    }
    const one = (c: EvalContext, p: PathInfo): boolean =>
      (globs === undefined || hit(globs, p)) && (!createdByAgent || c.state.isCreated(p.abs));
    const unsure = (c: EvalContext): boolean => {
      const sh = c.shell();
      return sh !== undefined && (sh.error !== undefined || sh.notes.length > 0);
    };
    const all = cx.quantifier === 'all';
    const test = (c: EvalContext): Tri => {
      const ps = c.paths();
      if (all) {
        if (ps.length === 0) return NO;
        for (let i = 0; i < ps.length; i++) if (!one(c, ps[i]!)) return NO;
        return unsure(c) ? MAYBE : YES;
      }
      for (let i = 0; i < ps.length; i++) if (one(c, ps[i]!)) return YES;
      return unsure(c) ? MAYBE : NO;
    };
    const what = [globs ? globs.sources.map((s) => `\`${s}\``).join(', ') : '', createdByAgent ? 'created by the agent' : '']
      .filter(Boolean)
      .join(', ');
    return {
      kind: 'path',
      ...(globs?.anchors ? { anchors: { kind: 'path' as const, keys: globs.anchors } } : {}),
      test,
      explain(c) {
        const ps = c.paths();
        if (all) return `every path matches ${what}`;
        const p = ps.find((x) => one(c, x));
        if (p) {
          const g = globs?.each.find((e) => e.globs !== null && hit(e.globs, p))?.source;
          const which = g !== undefined ? [`\`${g}\``, createdByAgent ? 'created by the agent' : ''].filter(Boolean).join(', ') : what;
          return `path \`${p.abs}\` matches ${which}`;
        }
        return `command could not be fully parsed; treated as touching ${what}`;
      },
      read(c, out) {
        if (!createdByAgent) return;
        for (const p of c.paths()) out[`created:${p.abs}`] = c.state.isCreated(p.abs);
      },
    };
  },
};
