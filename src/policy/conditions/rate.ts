// `rate`: at most N matching actions per window. The rule fires once N actions matching the rest
// of the rule have already proceeded within the window: `rate: 30/1m` with `action: deny` allows
// 30 a minute. `per: agent` or `per: tool` keeps a separate window for each.
import { suggestion } from '../../util/diagnostic.js';
import { NO, YES, type ConditionKind, type EvalContext } from '../condition.js';
import { checkKeys, describe, duration, parseDuration, positive } from './common.js';

const PER = ['session', 'agent', 'tool'] as const;

export const rateKind: ConditionKind = {
  kind: 'rate',
  summary: 'at most N matching actions per window: `30/1m` or `{limit: 30, window: 1m, per: agent}`',
  parse(src, cx) {
    let limit: number | undefined;
    let window: number | undefined;
    let per: (typeof PER)[number] = 'session';
    if (src.isMap()) {
      if (!checkKeys(src, cx, '`rate`', ['limit', 'window', 'per'])) return undefined;
      const l = src.get('limit');
      const w = src.get('window');
      if (!l || !w) {
        cx.diags.error(src, '`rate` needs `limit` and `window`');
        return undefined;
      }
      limit = positive(l, cx, '`rate` limit', true);
      window = duration(w, cx, '`rate` window');
      const p = src.get('per');
      if (p) {
        if (typeof p.value !== 'string' || !(PER as readonly string[]).includes(p.value)) {
          cx.diags.error(p, `\`rate\`: bad \`per\` \`${String(p.value)}\`; ${suggestion(String(p.value), PER)}`);
          return undefined;
        }
        per = p.value as typeof per;
      }
    } else {
      const m = typeof src.value === 'string' ? /^\s*(\d+)\s*\/\s*(.+)$/.exec(src.value) : null;
      if (m) {
        limit = Number(m[1]);
        window = parseDuration(/^\d/.test(m[2]!) ? m[2]! : `1${m[2]}`);
      }
      if (!m || !limit || window === undefined) {
        cx.diags.error(src, `\`rate\`: expected \`N/window\` like \`30/1m\`, got ${describe(src.value)}`);
        return undefined;
      }
    }
    if (limit === undefined || window === undefined) return undefined;
    const lim = limit;
    const win = window;
    const partition: string = per;
    const key = (c: EvalContext): string =>
      partition === 'agent' ? `${cx.ruleKey}:rate:${String(c.agent)}` : partition === 'tool' ? `${cx.ruleKey}:rate:${c.tool}` : `${cx.ruleKey}:rate`;
    return {
      kind: 'rate',
      gate: true,
      test: (c) => (c.state.rateCount(key(c), c.now - win) >= lim ? YES : NO),
      commit(c, st) {
        st.pushRate(key(c), c.now, win);
      },
      explain: (c) => `${c.state.rateCount(key(c), c.now - win)} matching actions in the last ${win / 1000}s (limit ${lim})`,
      read(c, out) {
        out[`rate:${key(c)}`] = c.state.rateCount(key(c), c.now - win);
      },
    };
  },
};
