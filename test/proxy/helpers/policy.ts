// A tiny real rule function for the proxy's policy hook: first matching rule wins, else allow.
// (The policy engine proper lives elsewhere; this exercises the proxy's side of the contract.)
import type { Decide, EgressAction, EgressDecision, Verdict } from '../../../src/proxy/index.js';

export interface TestRule {
  host?: string;
  method?: string;
  path?: string;
  git?: { op?: string; branch?: string };
  action: Verdict;
  message?: string;
}

function matches(r: TestRule, a: EgressAction): boolean {
  if (r.host !== undefined && r.host !== a.egress.host) return false;
  if (r.method !== undefined && r.method !== a.egress.method) return false;
  if (r.path !== undefined && !a.egress.path.startsWith(r.path)) return false;
  if (r.git) {
    if (!a.git) return false;
    if (r.git.op !== undefined && r.git.op !== a.git.op) return false;
    if (r.git.branch !== undefined && r.git.branch !== a.git.branch) return false;
  }
  return true;
}

export function rules(list: readonly TestRule[], seen?: EgressAction[]): Decide {
  return (action) => {
    seen?.push(action);
    const r = list.find((x) => matches(x, action));
    const d: EgressDecision = { action: r?.action ?? 'allow' };
    if (r?.message) d.message = r.message;
    if (r) d.rules = [{ name: `rule-${list.indexOf(r)}`, action: r.action }];
    return d;
  };
}
