// `not` and `any`: negate a match map, or match when any of several match maps does.
// Under `not`, multi-part conditions switch quantifier (De Morgan): a deny of "not every command
// is `npm *`" fires as soon as one command is something else.
import { MAYBE, NO, YES, type Condition, type ConditionKind, type EvalContext, type Tri } from '../condition.js';
import { describe } from './common.js';

function andAll(conds: readonly Condition[], c: EvalContext): Tri {
  let r: Tri = YES;
  for (let i = 0; i < conds.length; i++) {
    const t = conds[i]!.test(c);
    if (t === NO) return NO;
    if (t === MAYBE) r = MAYBE;
  }
  return r;
}

export const notKind: ConditionKind = {
  kind: 'not',
  summary: 'negates a match map: `not: {path: "src/**"}`',
  parse(src, cx) {
    if (!src.isMap()) {
      cx.diags.error(src, `\`not\`: expected a match map, got ${describe(src.value)}`);
      return undefined;
    }
    const inner = cx.parseMatch(src, cx.quantifier === 'all' ? 'any' : 'all');
    if (!inner) return undefined;
    return {
      kind: 'not',
      slow: inner.some((x) => x.slow),
      test(c) {
        const t = andAll(inner, c);
        return t === YES ? NO : t === NO ? YES : MAYBE;
      },
      explain: () => `not (${inner.map((x) => x.kind).join(', ')})`,
    };
  },
};

export const anyKind: ConditionKind = {
  kind: 'any',
  summary: 'matches when any of several match maps does: `any: [{tool: write}, {tool: edit}]`',
  parse(src, cx) {
    if (!src.isSeq() || src.items().length === 0) {
      cx.diags.error(src, `\`any\`: expected a non-empty list of match maps, got ${describe(src.value)}`);
      return undefined;
    }
    const alts: Condition[][] = [];
    for (const item of src.items()) {
      if (!item.isMap()) {
        cx.diags.error(item, `\`any\`: expected a match map, got ${describe(item.value)}`);
        return undefined;
      }
      const m = cx.parseMatch(item, cx.quantifier);
      if (!m) return undefined;
      alts.push(m);
    }
    return {
      kind: 'any',
      slow: alts.some((a) => a.some((x) => x.slow)),
      test(c) {
        let r: Tri = NO;
        for (let i = 0; i < alts.length; i++) {
          const t = andAll(alts[i]!, c);
          if (t === YES) return YES;
          if (t === MAYBE) r = MAYBE;
        }
        return r;
      },
      explain(c) {
        const hit = alts.find((a) => andAll(a, c) !== NO);
        return hit ? hit.map((x) => x.explain(c)).join(' and ') : 'any';
      },
    };
  },
};
