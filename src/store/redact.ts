// The single door free-form values pass through on their way into the database. The rule itself
// (what counts as a secret) belongs to the credential vault; the store only guarantees the door.
import type { Redactor, RedactWhere } from './types.js';

export const identityRedactor: Redactor = (value) => value;

/** Redact a TEXT column value; the redactor must keep strings strings (null passes through). */
export function redactText(redact: Redactor, value: string | null, table: RedactWhere['table'], field: string): string | null {
  if (value === null) return null;
  const out = redact(value, { table, field });
  if (typeof out !== 'string') throw new TypeError(`bridle store: redactor returned ${typeof out} for ${table}.${field}; it must return a string`);
  return out;
}

/** Redact a JSON column value and serialize it. */
export function redactJson(redact: Redactor, value: unknown, table: RedactWhere['table'], field: string): string {
  return JSON.stringify(redact(value, { table, field })) ?? 'null';
}
