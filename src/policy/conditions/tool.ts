// `tool`: the normalized tool name (bash, read, write, edit, fetch, delegate, mcp__server__tool).
import { NO, YES, type ConditionKind } from '../condition.js';
import { checkKeys, formatMatch, globList, primary } from './common.js';

export const toolKind: ConditionKind = {
  kind: 'tool',
  summary: 'tool name glob(s), e.g. `bash` or `mcp__github__*`',
  applies: ['tool_call', 'tool_result'],
  defaultOn: ['tool_call'],
  parse(src, cx) {
    let s = src;
    if (src.isMap()) {
      if (!checkKeys(src, cx, '`tool`', ['name', 'value'])) return undefined;
      const p = primary(src, 'name');
      if (!p) {
        cx.diags.error(src, '`tool` needs `name`');
        return undefined;
      }
      s = p;
    }
    const globs = globList(s, cx, '`tool`');
    if (!globs) return undefined;
    return {
      kind: 'tool',
      tools: globs,
      test: (c) => (globs.test(c.tool) ? YES : NO),
      explain: (c) => `tool \`${c.tool}\` matches ${formatMatch(globs, c.tool)}`,
    };
  },
};
