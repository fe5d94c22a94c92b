// Shipped model prices, USD per million tokens, and cost from usage. Config may override or add
// entries. A model is matched exactly, else by the longest table key it starts with followed by
// "-" (dated snapshots such as claude-sonnet-4-5-20250929). An unknown model has no cost: it is
// reported as unknown rather than guessed, so `cost` rules can treat it per their fail-closed setting.
import type { WireUsage } from './usage.js';

export interface ModelPrice {
  input: number;
  output: number;
  /** Cache reads; defaults to `input`. */
  cacheRead?: number;
  /** Cache writes; defaults to `input`. */
  cacheWrite?: number;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>;

// Anthropic: cache writes (5-minute) 1.25x input, cache reads 0.1x input.
const anthropic = (input: number, output: number): ModelPrice => ({ input, output, cacheRead: input / 10, cacheWrite: input * 1.25 });

export const SHIPPED_PRICES: PriceTable = {
  'claude-opus-4-5': anthropic(5, 25),
  'claude-opus-4-1': anthropic(15, 75),
  'claude-opus-4': anthropic(15, 75),
  'claude-sonnet-4-5': anthropic(3, 15),
  'claude-sonnet-4': anthropic(3, 15),
  'claude-3-7-sonnet': anthropic(3, 15),
  'claude-3-5-sonnet': anthropic(3, 15),
  'claude-haiku-4-5': anthropic(1, 5),
  'claude-3-5-haiku': anthropic(0.8, 4),
  'claude-3-haiku': anthropic(0.25, 1.25),
  'gpt-5': { input: 1.25, output: 10, cacheRead: 0.125 },
  'gpt-5-codex': { input: 1.25, output: 10, cacheRead: 0.125 },
  'gpt-5-mini': { input: 0.25, output: 2, cacheRead: 0.025 },
  'gpt-5-nano': { input: 0.05, output: 0.4, cacheRead: 0.005 },
  'gpt-4.1': { input: 2, output: 8, cacheRead: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cacheRead: 0.1 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cacheRead: 0.025 },
  'gpt-4o': { input: 2.5, output: 10, cacheRead: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cacheRead: 0.075 },
  o3: { input: 2, output: 8, cacheRead: 0.5 },
  'o4-mini': { input: 1.1, output: 4.4, cacheRead: 0.275 },
};

export function mergePrices(overrides?: PriceTable): PriceTable {
  return overrides ? { ...SHIPPED_PRICES, ...overrides } : SHIPPED_PRICES;
}

export function priceFor(table: PriceTable, model: string | null): ModelPrice | null {
  if (!model) return null;
  const m = model.toLowerCase();
  const exact = table[m];
  if (exact) return exact;
  let best: string | null = null;
  for (const key of Object.keys(table)) {
    if (m.startsWith(`${key}-`) && (best === null || key.length > best.length)) best = key;
  }
  return best ? table[best]! : null;
}

/** USD, or null when the model has no price. */
export function costOf(table: PriceTable, u: WireUsage): number | null {
  const p = priceFor(table, u.model);
  if (!p) return null;
  const perToken = (rate: number): number => rate / 1_000_000;
  return (
    u.inputTokens * perToken(p.input) +
    u.outputTokens * perToken(p.output) +
    u.cacheReadTokens * perToken(p.cacheRead ?? p.input) +
    u.cacheWriteTokens * perToken(p.cacheWrite ?? p.input)
  );
}
