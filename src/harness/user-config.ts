// Importing the user's own vendor instructions and preferences into a session's private config
// home: copies (never links, so nothing the agent does can write through to the originals), made
// read-only, and only files Bridle knows to be instructions or preferences.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Copies `from` to `to` read-only when `from` is a regular file. Returns whether it did. */
export function copyReadOnly(from: string, to: string): boolean {
  try {
    if (!statSync(from).isFile()) return false;
  } catch {
    return false;
  }
  mkdirSync(path.dirname(to), { recursive: true });
  if (existsSync(to)) chmodSync(to, 0o600);
  copyFileSync(from, to);
  chmodSync(to, 0o444);
  return true;
}

/** Reads a JSON object file; undefined when absent or not an object. */
export function readJsonObject(file: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The listed keys of an object, when present. */
export function pick(source: Record<string, unknown> | undefined, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!source) return out;
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

export function writePrivate(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text, { mode: 0o600 });
}
