// `method`: HTTP method of a network request (egress, or a fetch tool call; fetch defaults to GET).
import { suggestion } from '../../util/diagnostic.js';
import { NO, YES, type ConditionKind } from '../condition.js';
import { stringList } from './common.js';
import { REQUEST_TOOLS } from './host.js';

const KNOWN = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE'];

export const methodKind: ConditionKind = {
  kind: 'method',
  summary: 'HTTP method(s): `POST`, `[PUT, PATCH, DELETE]`',
  applies: ['egress', 'tool_call', 'tool_result'],
  defaultOn: ['egress', 'tool_call'],
  parse(src, cx) {
    const list = stringList(src, cx, '`method`');
    if (!list) return undefined;
    const items = src.list();
    const set = new Set<string>();
    let ok = true;
    list.forEach((m, i) => {
      const up = m.toUpperCase();
      if (!KNOWN.includes(up) && up !== '*') {
        cx.diags.error(items[i] ?? src, `\`method\`: unknown HTTP method \`${m}\`; ${suggestion(up, KNOWN)}`);
        ok = false;
      }
      set.add(up);
    });
    if (!ok) return undefined;
    const any = set.has('*');
    return {
      kind: 'method',
      tools: REQUEST_TOOLS,
      test(c) {
        const r = c.request();
        return r !== undefined && (any || set.has(r.method)) ? YES : NO;
      },
      explain: (c) => `method \`${c.request()?.method}\` is one of ${[...set].join(', ')}`,
    };
  },
};
