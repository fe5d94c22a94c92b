// `harness`: which harness runs the acting agent (claude-code, codex, pi, cursor, command, bridle).
import { NO, YES, type ConditionKind } from '../condition.js';
import { formatMatch, globList } from './common.js';

export const harnessKind: ConditionKind = {
  kind: 'harness',
  summary: 'harness glob(s): claude-code, codex, pi, cursor, command, bridle',
  parse(src, cx) {
    const globs = globList(src, cx, '`harness`');
    if (!globs) return undefined;
    return {
      kind: 'harness',
      test: (c) => {
        const h = c.harness;
        return h !== undefined && globs.test(h) ? YES : NO;
      },
      explain: (c) => `harness \`${String(c.harness)}\` matches ${formatMatch(globs, String(c.harness))}`,
    };
  },
};
