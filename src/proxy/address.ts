// Which IP addresses an agent may reach through the proxy. Anything that is not plainly a public
// unicast address (loopback, RFC 1918, CGNAT, link-local and the cloud metadata endpoints in it,
// unique-local v6, multicast, reserved, and v6 forms that embed a v4 address) is "internal".
import net from 'node:net';

const internalV4 = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT; also Alibaba's metadata endpoint 100.100.100.200
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local; 169.254.169.254 is the AWS/GCP/Azure metadata service
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, including 255.255.255.255
] as const) {
  internalV4.addSubnet(prefix, bits, 'ipv4');
}

const internalV6 = new net.BlockList();
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64], // discard-only
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local; includes AWS's fd00:ec2::254 metadata address
  ['fe80::', 10], // link-local
  ['fec0::', 10], // old site-local
  ['ff00::', 8], // multicast
] as const) {
  internalV6.addSubnet(prefix, bits, 'ipv6');
}

function v6Groups(addr: string): number[] | null {
  let a = addr;
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  // A dotted tail (::ffff:1.2.3.4) becomes two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (dotted) {
    const v4 = dotted[1]!.split('.').map(Number);
    a = a.slice(0, -dotted[1]!.length) + `${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = a.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((h) => Number.parseInt(h, 16)));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const groups = halves.length === 2 ? [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail] : head;
  if (groups.length !== 8 || groups.some((g) => !Number.isFinite(g) || g < 0 || g > 0xffff)) return null;
  return groups;
}

const v4From = (hi: number, lo: number): string => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/** The IPv4 address an IPv6 address stands for (mapped, compatible, NAT64, 6to4), if any. */
function embeddedV4(groups: number[]): string | null {
  const zeros = (n: number): boolean => groups.slice(0, n).every((g) => g === 0);
  if (zeros(5) && groups[5] === 0xffff) return v4From(groups[6]!, groups[7]!); // ::ffff:a.b.c.d
  if (zeros(6)) return v4From(groups[6]!, groups[7]!); // ::a.b.c.d (deprecated compatible form)
  if (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0)) return v4From(groups[6]!, groups[7]!); // NAT64
  if (groups[0] === 0x2002) return v4From(groups[1]!, groups[2]!); // 6to4
  return null;
}

/** True for anything but a public unicast address. Unparseable input counts as internal (fail closed). */
export function isInternalAddress(address: string): boolean {
  if (net.isIPv4(address)) return internalV4.check(address, 'ipv4');
  if (!net.isIPv6(address)) return true;
  const groups = v6Groups(address);
  if (!groups) return true;
  const v4 = embeddedV4(groups);
  if (v4 !== null && internalV4.check(v4, 'ipv4')) return true;
  const canonical = groups.map((g) => g.toString(16)).join(':');
  return internalV6.check(canonical, 'ipv6');
}
