// Reading request bodies: the three wire formats share their loose JSON shapes (objects that may
// be anything, content that is either a string or a list of parts).

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Text of a content value: a string, or the `text` of the parts `isText` accepts, one per line.
 * By default only `type: "text"` parts count (Anthropic blocks, Chat parts).
 */
export function textOf(content: unknown, isText: (part: Json) => boolean = (p) => p.type === 'text'): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((p): p is Json => isObject(p) && isText(p) && typeof p.text === 'string')
    .map((p) => p.text as string)
    .join('\n');
}
