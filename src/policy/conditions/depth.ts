// `depth`: how deep in the sub-agent tree a spawn would go (the root agent is depth 0, its
// sub-agents 1, …). `{max: 2}` fires for a spawn that would create depth 3.
import { NO, YES, type ConditionKind, type EvalContext } from '../condition.js';
import { parseBound } from './bound.js';

function depthOf(c: EvalContext): number {
  const d = c.action.spawn?.depth;
  if (typeof d === 'number') return d;
  const own = c.action.depth;
  return (typeof own === 'number' ? own : 0) + 1;
}

export const depthKind: ConditionKind = {
  kind: 'depth',
  summary: 'depth of a sub-agent spawn: `{max: 2}` or `{op: gt, value: 2}`',
  applies: ['spawn', 'tool_call'],
  defaultOn: ['spawn'],
  parse(src, cx) {
    const cmp = parseBound(src, cx, '`depth`');
    if (!cmp) return undefined;
    return {
      kind: 'depth',
      test: (c) => (c.phase === 'tool_call' && c.tool !== 'delegate' ? NO : cmp.test(depthOf(c)) ? YES : NO),
      explain: (c) => `spawn depth ${depthOf(c)} ${cmp.text}`,
      read(c, out) {
        out.depth = depthOf(c);
      },
    };
  },
};
