// `agent`: the acting agent's name (from its spec), glob(s).
import { NO, YES, type ConditionKind } from '../condition.js';
import { formatMatch, globList } from './common.js';

export const agentKind: ConditionKind = {
  kind: 'agent',
  summary: 'acting agent name glob(s), e.g. `coder-*`',
  parse(src, cx) {
    const globs = globList(src, cx, '`agent`');
    if (!globs) return undefined;
    return {
      kind: 'agent',
      test: (c) => {
        const a = c.agent;
        return a !== undefined && globs.test(a) ? YES : NO;
      },
      explain: (c) => `agent \`${String(c.agent)}\` matches ${formatMatch(globs, String(c.agent))}`,
    };
  },
};
