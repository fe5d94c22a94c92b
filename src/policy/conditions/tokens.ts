// `tokens`: tokens used (session, day or agent scope), compared or bucketed with `every`.
import { usageKind } from './usage.js';

export const tokensKind = usageKind('tokens', { session: 'tokens', day: 'day_tokens', agent: 'agent_tokens' }, (n) => `${n}`);
