// `model`: an allow-list. The condition matches (so the rule fires) when the action names a model
// OUTSIDE the list: pair it with `action: deny` to fail closed on unknown models. An llm_request
// that names no model at all counts as unknown.
import { NO, YES, type ConditionKind, type EvalContext } from '../condition.js';
import { checkKeys, formatGlobs, globList } from './common.js';

function modelOf(c: EvalContext): string | undefined {
  if (c.phase !== 'spawn') return c.model;
  const m = c.action.spawn?.model;
  return typeof m === 'string' && m !== '' ? m : c.model;
}

export const modelKind: ConditionKind = {
  kind: 'model',
  summary: 'model allow-list: fires for a model NOT in the list (use with `deny`)',
  defaultOn: ['llm_request', 'spawn'],
  parse(src, cx) {
    let s = src;
    if (src.isMap()) {
      if (!checkKeys(src, cx, '`model`', ['allow', 'value'])) return undefined;
      const a = src.get('allow') ?? src.get('value');
      if (!a) {
        cx.diags.error(src, '`model` needs `allow: [models…]`');
        return undefined;
      }
      s = a;
    }
    const globs = globList(s, cx, '`model`');
    if (!globs) return undefined;
    return {
      kind: 'model',
      test(c) {
        const m = modelOf(c);
        if (m === undefined) return c.phase === 'llm_request' ? YES : NO;
        return globs.test(m) ? NO : YES;
      },
      explain(c) {
        const m = modelOf(c);
        return m === undefined
          ? 'the request names no model (unknown models are refused)'
          : `model \`${m}\` is not in the allow-list (${formatGlobs(globs)})`;
      },
    };
  },
};
