// `count`: how many sub-agents this session has spawned, counting the one being spawned.
// `{max: 5}` fires for the sixth. The session runtime may supply `session.spawned`; otherwise the
// engine's own count of spawns that proceeded is used.
import { NO, YES, type ConditionKind, type EvalContext } from '../condition.js';
import { parseBound } from './bound.js';

function countOf(c: EvalContext): number {
  const s = c.session?.spawned;
  const before = typeof s === 'number' ? s : c.state.spawns;
  return before + 1;
}

export const countKind: ConditionKind = {
  kind: 'count',
  summary: 'sub-agents spawned in the session including this one: `{max: 5}`',
  applies: ['spawn', 'tool_call'],
  defaultOn: ['spawn'],
  parse(src, cx) {
    const cmp = parseBound(src, cx, '`count`');
    if (!cmp) return undefined;
    return {
      kind: 'count',
      test: (c) => (c.phase === 'tool_call' && c.tool !== 'delegate' ? NO : cmp.test(countOf(c)) ? YES : NO),
      explain: (c) => `sub-agent #${countOf(c)} ${cmp.text}`,
      read(c, out) {
        out.spawns = countOf(c) - 1;
      },
    };
  },
};
