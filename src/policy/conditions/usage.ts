// Shared by `cost` and `tokens`: a comparison against spend so far (session / day / agent), or
// `every: N` — fire once each time the figure crosses another multiple of N. The figures come
// from the action (the proxy meters usage and the session runtime attaches it); when absent the
// condition does not match.
import { suggestion } from '../../util/diagnostic.js';
import { NO, YES, type ConditionKind, type EvalContext, type ParseContext } from '../condition.js';
import type { NormalizedAction } from '../types.js';
import type { Src } from '../source.js';
import { checkKeys, describe, OPS, parseCompare, positive } from './common.js';

const SCOPES = ['session', 'day', 'agent'] as const;
type Scope = (typeof SCOPES)[number];
type Fields = Record<Scope, keyof NonNullable<NormalizedAction['session']>>;

export function usageKind(kind: 'cost' | 'tokens', fields: Fields, unit: (n: number) => string): ConditionKind {
  return {
    kind,
    summary:
      kind === 'cost'
        ? 'spend in USD: `{op: ge, value: 50}`, `{ge: 50}` or `{every: 100}`; `scope: session|day|agent`'
        : 'tokens used: `{op: gt, value: 1000000}` or `{every: 500000}`; `scope: session|day|agent`',
    defaultOn: ['llm_request', 'tool_call', 'spawn'],
    parse(src: Src, cx: ParseContext) {
      if (!src.isMap()) {
        cx.diags.error(src, `\`${kind}\`: expected a map like \`{op: ge, value: 50}\` or \`{every: 100}\`, got ${describe(src.value)}`);
        return undefined;
      }
      if (!checkKeys(src, cx, `\`${kind}\``, ['scope', 'op', 'value', 'every', ...OPS])) return undefined;
      let scope: Scope = 'session';
      const sc = src.get('scope');
      if (sc) {
        if (typeof sc.value !== 'string' || !(SCOPES as readonly string[]).includes(sc.value)) {
          cx.diags.error(sc, `\`${kind}\`: bad scope \`${String(sc.value)}\`; ${suggestion(String(sc.value), SCOPES)}`);
          return undefined;
        }
        scope = sc.value as Scope;
      }
      const field = fields[scope];
      const read = (c: EvalContext): number | undefined => {
        const v = c.session?.[field];
        return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
      };
      const label = `${kind === 'cost' ? 'spend' : 'tokens'} (${scope})`;
      const everySrc = src.get('every');
      const cmp = parseCompare(src, cx, `\`${kind}\``);
      if (cmp === undefined) return undefined;
      if (everySrc) {
        if (cmp !== null) {
          cx.diags.error(everySrc, `\`${kind}\`: \`every\` cannot be combined with a comparison`, 'key');
          return undefined;
        }
        const step = positive(everySrc, cx, `\`${kind}\` every`);
        if (step === undefined) return undefined;
        const stateKey = (c: EvalContext): string => {
          const base = `${cx.ruleKey}:every`;
          if (scope === 'day') return `${base}:${new Date(c.now).toISOString().slice(0, 10)}`;
          if (scope === 'agent') return `${base}:${String(c.agent)}`;
          return base;
        };
        const bucketOf = (c: EvalContext): number => {
          const v = read(c);
          return v === undefined ? 0 : Math.floor(v / step + 1e-9);
        };
        return {
          kind,
          gate: true,
          test(c) {
            const b = bucketOf(c);
            return b >= 1 && b > c.state.bucket(stateKey(c)) ? YES : NO;
          },
          commit(c, st, fired) {
            if (fired) st.setBucket(stateKey(c), bucketOf(c));
          },
          explain: (c) => `${label} ${unit(read(c) ?? 0)} crossed ${unit(bucketOf(c) * step)} (every ${unit(step)})`,
          read(c, out) {
            out[`${kind}.${scope}`] = read(c);
            out[`${kind}.every.last`] = c.state.bucket(stateKey(c)) * step;
          },
        };
      }
      if (cmp === null) {
        cx.diags.error(src, `\`${kind}\` needs a comparison (\`op\` + \`value\`, or \`ge: N\`) or \`every: N\``);
        return undefined;
      }
      return {
        kind,
        test(c) {
          const v = read(c);
          return v !== undefined && cmp.test(v) ? YES : NO;
        },
        explain: (c) => `${label} ${unit(read(c) ?? 0)} ${cmp.text.replace(String(cmp.value), unit(cmp.value))}`,
        read(c, out) {
          out[`${kind}.${scope}`] = read(c);
        },
      };
    },
  };
}
