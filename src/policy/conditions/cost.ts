// `cost`: spend in USD (session, day or agent scope), compared or bucketed with `every`.
import { usageKind } from './usage.js';

const usd = (n: number): string => `$${Number.isInteger(n) ? n : n.toFixed(2)}`;

export const costKind = usageKind('cost', { session: 'cost_usd', day: 'day_cost_usd', agent: 'agent_cost_usd' }, usd);
