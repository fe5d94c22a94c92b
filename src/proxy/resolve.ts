// Name resolution with the SSRF check built in: a name is resolved once, every answer is checked,
// and the caller dials the returned address itself (never the name again), so a second, different
// DNS answer (rebinding) can never be what gets connected to.
import dns from 'node:dns';
import net from 'node:net';
import { isInternalAddress } from './address.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Injected in tests to map names to loopback addresses without touching /etc/hosts or DNS. */
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (host) => {
  const all = await dns.promises.lookup(host, { all: true, verbatim: true });
  return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

export class AddressRefused extends Error {
  constructor(
    message: string,
    readonly code: 'internal-address' | 'unresolvable',
  ) {
    super(message);
  }
}

/** Strips IPv6 brackets from a URL-style host. */
function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * Resolves `host` and returns the address to dial. If any answer is internal and `allowInternal`
 * is false, refuses: a name with one public and one private answer is treated as hostile.
 */
export async function resolveChecked(host: string, resolver: Resolver, allowInternal: boolean): Promise<ResolvedAddress> {
  const h = bareHost(host);
  let answers: ResolvedAddress[];
  if (net.isIP(h)) {
    answers = [{ address: h, family: net.isIPv6(h) ? 6 : 4 }];
  } else {
    try {
      answers = await resolver(h);
    } catch {
      throw new AddressRefused(`cannot resolve ${h}`, 'unresolvable');
    }
  }
  if (answers.length === 0) throw new AddressRefused(`cannot resolve ${h}`, 'unresolvable');
  if (!allowInternal) {
    const bad = answers.find((a) => isInternalAddress(a.address));
    if (bad) throw new AddressRefused(`${h} resolves to internal address ${bad.address}`, 'internal-address');
  }
  return answers[0]!;
}

/** How a failed resolveChecked is refused: the reason code, the HTTP status and the message. */
export interface AddressRefusal {
  code: AddressRefused['code'];
  /** 403 for an internal address (policy said no), 502 when the name does not resolve. */
  status: 403 | 502;
  message: string;
}

/** The refusal for an error thrown by resolveChecked (anything else counts as unresolvable). */
export function addressRefusal(err: unknown): AddressRefusal {
  const code = err instanceof AddressRefused ? err.code : 'unresolvable';
  return { code, status: code === 'internal-address' ? 403 : 502, message: err instanceof Error ? err.message : 'cannot resolve' };
}
