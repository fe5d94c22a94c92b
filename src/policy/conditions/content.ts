// `content`: regular expressions over the text an action carries — the human's message, a tool's
// result, the model's response (and, on tool_call, the tool's input strings). `in:` narrows the
// fields. The same expressions drive `action: redact`.
import { suggestion } from '../../util/diagnostic.js';
import { CONTENT_FIELDS, NO, YES, type ConditionKind, type ContentField, type EvalContext, type Tri } from '../condition.js';
import { checkKeys, describe, stringList } from './common.js';

const FLAGS = /^[imsu]*$/;

export const contentKind: ConditionKind = {
  kind: 'content',
  summary: 'regex(es) over message / tool result / response text: `"(?i)password"` → `{pattern, flags: i}`',
  applies: ['request', 'llm_response', 'tool_call', 'tool_result', 'response'],
  defaultOn: ['request', 'llm_response', 'tool_result', 'response'],
  parse(src, cx) {
    let patSrc = src;
    let flags = '';
    let fields: Set<ContentField> | undefined;
    if (src.isMap()) {
      if (!checkKeys(src, cx, '`content`', ['pattern', 'value', 'flags', 'in'])) return undefined;
      const p = src.get('pattern') ?? src.get('value');
      if (!p) {
        cx.diags.error(src, '`content` needs `pattern`');
        return undefined;
      }
      patSrc = p;
      const f = src.get('flags');
      if (f) {
        if (typeof f.value !== 'string' || !FLAGS.test(f.value)) {
          cx.diags.error(f, `\`content\` flags: expected some of \`imsu\`, got ${describe(f.value)}`);
          return undefined;
        }
        flags = f.value;
      }
      const inSrc = src.get('in');
      if (inSrc) {
        const list = stringList(inSrc, cx, '`content` in');
        if (!list) return undefined;
        const items = inSrc.list();
        for (let i = 0; i < list.length; i++) {
          if (!(CONTENT_FIELDS as readonly string[]).includes(list[i]!)) {
            cx.diags.error(items[i] ?? inSrc, `\`content\` in: unknown field \`${list[i]}\`; ${suggestion(list[i]!, CONTENT_FIELDS)}`);
            return undefined;
          }
        }
        fields = new Set(list as ContentField[]);
      }
    }
    const texts = stringList(patSrc, cx, '`content`');
    if (!texts) return undefined;
    const items = patSrc.list();
    const regexes: RegExp[] = [];
    const global: RegExp[] = [];
    for (let i = 0; i < texts.length; i++) {
      let text = texts[i]!;
      let f = flags;
      // Accept the common inline `(?i)` prefix, which JavaScript regexes lack.
      const inline = /^\(\?([imsu]+)\)/.exec(text);
      if (inline) {
        text = text.slice(inline[0].length);
        f = [...new Set(f + inline[1])].join('');
      }
      try {
        regexes.push(new RegExp(text, f));
        global.push(new RegExp(text, `${f}g`));
      } catch (err) {
        cx.diags.error(items[i] ?? patSrc, `\`content\`: regex does not compile: ${(err as Error).message}`);
        return undefined;
      }
    }
    const all = cx.quantifier === 'all';
    const hitIn = (t: string): boolean => {
      for (let i = 0; i < regexes.length; i++) if (regexes[i]!.test(t)) return true;
      return false;
    };
    const test = (c: EvalContext): Tri => {
      const slots = c.content();
      let seen = false;
      for (let i = 0; i < slots.length; i++) {
        const s = slots[i]!;
        if (fields && !fields.has(s.field)) continue;
        if (hitIn(s.text)) {
          if (!all) return YES;
          seen = true;
        } else if (all) return NO;
      }
      return seen ? YES : NO;
    };
    return {
      kind: 'content',
      slow: true,
      patterns: global,
      contentFields: fields,
      test,
      explain(c) {
        const slot = c.content().find((s) => (!fields || fields.has(s.field)) && hitIn(s.text));
        if (!slot) return 'content matches';
        const re = regexes.find((r) => r.test(slot.text))!;
        return `${slot.field} text matches /${re.source}/`;
      },
    };
  },
};
