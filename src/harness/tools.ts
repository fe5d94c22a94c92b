// Helpers for building normalized tool calls: vendors spell the same action differently
// (`file_path`, `path`, `notebook_path`…); policies should only ever see one spelling.
import path from 'node:path';
import type { NormalizedTool } from './types.js';

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A finite number, else 0: vendors omit token counts they did not measure. */
export function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Absolute form of a path the agent gave relative to its working directory. */
export function absolute(workspace: string, p: string): string {
  return path.resolve(workspace, p);
}

/**
 * A normalized tool: `fields` are the normalized spellings; `renamed` are vendor keys they
 * replace (dropped from the copy of the vendor input so each fact appears once).
 */
export function tool(name: string, vendorName: string, vendorInput: unknown, fields: Record<string, unknown>, renamed: string[] = []): NormalizedTool {
  const rest: Record<string, unknown> = { ...asRecord(vendorInput) };
  for (const key of renamed) delete rest[key];
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) rest[key] = value;
  return { name, input: rest, vendor_name: vendorName, vendor_input: vendorInput };
}

/** A tool Bridle has no normalized name for: kept under the vendor's name. */
export function passthrough(vendorName: string, vendorInput: unknown): NormalizedTool {
  return { name: vendorName, input: { ...asRecord(vendorInput) }, vendor_name: vendorName, vendor_input: vendorInput };
}
