// `url_path`: path of a network request, without the query string. Path-style globs: `*` stays
// inside one segment, `**` crosses segments: `/repos/*/*/pulls/**`.
import { NO, YES, type ConditionKind } from '../condition.js';
import { formatGlobs, globList } from './common.js';
import { REQUEST_TOOLS } from './host.js';

export const urlPathKind: ConditionKind = {
  kind: 'url_path',
  summary: 'request path glob(s): `/v1/messages`, `/repos/**`',
  applies: ['egress', 'tool_call', 'tool_result'],
  defaultOn: ['egress', 'tool_call'],
  parse(src, cx) {
    const globs = globList(src, cx, '`url_path`', { dialect: 'path' });
    if (!globs) return undefined;
    return {
      kind: 'url_path',
      tools: REQUEST_TOOLS,
      test(c) {
        const r = c.request();
        return r !== undefined && globs.test(r.path) ? YES : NO;
      },
      explain: (c) => `path \`${c.request()?.path}\` matches ${formatGlobs(globs)}`,
    };
  },
};
