// Numeric bounds for `depth` and `count`: `{max: N}` (fires above N), `{op, value}`, or `{gt: N}`.
import type { ParseContext } from '../condition.js';
import type { Src } from '../source.js';
import { checkKeys, describe, makeCompare, OPS, parseCompare, type Compare } from './common.js';

export function parseBound(src: Src, cx: ParseContext, what: string): Compare | undefined {
  if (!src.isMap()) {
    cx.diags.error(src, `${what}: expected a map like \`{max: 3}\`, got ${describe(src.value)}`);
    return undefined;
  }
  if (!checkKeys(src, cx, what, ['max', 'op', 'value', ...OPS])) return undefined;
  const max = src.get('max');
  const cmp = parseCompare(src, cx, what);
  if (cmp === undefined) return undefined;
  if (max) {
    if (cmp !== null) {
      cx.diags.error(max, `${what}: use either \`max\` or a comparison`, 'key');
      return undefined;
    }
    const v = max.value;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      cx.diags.error(max, `${what}: \`max\` must be a non-negative integer, got ${describe(v)}`);
      return undefined;
    }
    return makeCompare('gt', v);
  }
  if (cmp === null) {
    cx.diags.error(src, `${what} needs \`max: N\` or a comparison`);
    return undefined;
  }
  return cmp;
}
