// `host`: destination host of a network request (egress, or the URL of a fetch tool call).
// `*` matches any characters including dots, so `*.github.com` covers every subdomain; a pattern
// with `:port` also checks the port. Case-insensitive.
import { NO, YES, type ConditionKind } from '../condition.js';
import { compileGlobSet, type GlobSet } from '../glob.js';
import { formatGlobs, globList } from './common.js';
import { hostAnchor } from '../prefilter.js';

export const REQUEST_TOOLS: GlobSet = compileGlobSet(['fetch', 'web_fetch', 'webfetch']);

export const hostKind: ConditionKind = {
  kind: 'host',
  summary: 'request host glob(s), optionally with `:port`: `*.github.com`, `localhost:8080`',
  applies: ['egress', 'tool_call', 'tool_result'],
  defaultOn: ['egress', 'tool_call'],
  parse(src, cx) {
    // Hosts are compared lower-cased (the request's host is lower-cased too), which keeps the
    // cheap exact and prefix/suffix checks available.
    const all = globList(src, cx, '`host`', { normalize: (s) => s.toLowerCase() });
    if (!all) return undefined;
    const withPort = all.sources.filter((s) => /:[0-9*?[\]]+$/.test(s));
    const plain = all.sources.filter((s) => !withPort.includes(s));
    const hostOnly = plain.length ? compileGlobSet(plain) : undefined;
    const hostPort = withPort.length ? compileGlobSet(withPort) : undefined;
    const anchors = all.sources.map((s) => hostAnchor(withPort.includes(s) ? s.slice(0, s.lastIndexOf(':')) : s));
    return {
      kind: 'host',
      tools: REQUEST_TOOLS,
      ...(anchors.every((a) => a !== null) ? { anchors: { kind: 'host' as const, keys: anchors as string[] } } : {}),
      test(c) {
        const r = c.request();
        if (r === undefined) return NO;
        if (hostOnly && hostOnly.test(r.host)) return YES;
        return hostPort && hostPort.test(`${r.host}:${r.port}`) ? YES : NO;
      },
      explain: (c) => `host \`${c.request()?.host}:${c.request()?.port}\` matches ${formatGlobs(all)}`,
    };
  },
};
