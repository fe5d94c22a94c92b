// Network conformance, on loopback only: listeners in this process count what actually arrives,
// so each denial is checked on both ends (the errno inside, zero connections/datagrams outside).
import test, { type ExecutionContext } from 'ava';
import dgram from 'node:dgram';
import net from 'node:net';
import { confined, makeWorld, probeBin, profileFor, requireKernel, run, sleep, verdict } from './harness.js';

interface Counter {
  port: number;
  count: () => number;
  close: () => void;
}

async function tcpServer(host: string): Promise<Counter> {
  let n = 0;
  const server = net.createServer((s) => {
    n++;
    s.destroy();
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  return { port: (server.address() as net.AddressInfo).port, count: () => n, close: () => server.close() };
}

async function udpServer(host: string): Promise<Counter> {
  let n = 0;
  const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  sock.on('message', () => n++);
  await new Promise<void>((resolve) => sock.bind(0, host, resolve));
  return { port: sock.address().port, count: () => n, close: () => sock.close() };
}

const netOk = (t: ExecutionContext): boolean => requireKernel(t, { abi: 4, seccomp: true }, 'TCP port rules');

/** Counts after giving any in-flight connection time to land. */
async function settled(c: Counter): Promise<number> {
  await sleep(150);
  return c.count();
}

test('proxy mode: the allowed loopback port connects (the positive case the denials rely on)', async (t) => {
  if (!netOk(t)) return;
  const w = makeWorld('net-allowed');
  const proxy = await tcpServer('127.0.0.1');
  try {
    const r = await confined(profileFor(w, { network: 'proxy', allowPorts: [proxy.port] }), await probeBin(), ['connect', '127.0.0.1', String(proxy.port)]);
    t.is(verdict(r), 'ok', r.stderr);
    t.is(await settled(proxy), 1);
  } finally {
    proxy.close();
  }
});

test('proxy mode: TCP to a non-allowed loopback port is denied; nothing arrives', async (t) => {
  if (!netOk(t)) return;
  const w = makeWorld('net-other-port');
  const proxy = await tcpServer('127.0.0.1');
  const other = await tcpServer('127.0.0.1');
  try {
    const probe = await probeBin();
    t.is(verdict(await run(probe, ['connect', '127.0.0.1', String(other.port)])), 'ok', 'control');
    const before = await settled(other);
    const r = await confined(profileFor(w, { network: 'proxy', allowPorts: [proxy.port] }), probe, ['connect', '127.0.0.1', String(other.port)]);
    t.is(verdict(r), 'err EACCES');
    t.is(await settled(other), before);
  } finally {
    proxy.close();
    other.close();
  }
});

test('proxy mode: TCP to another IP literal (127.0.0.2) on a non-allowed port is denied', async (t) => {
  if (!netOk(t)) return;
  const w = makeWorld('net-literal');
  const proxy = await tcpServer('127.0.0.1');
  const any = await tcpServer('0.0.0.0');
  try {
    const r = await confined(profileFor(w, { network: 'proxy', allowPorts: [proxy.port] }), await probeBin(), ['connect', '127.0.0.2', String(any.port)]);
    t.is(verdict(r), 'err EACCES');
    t.is(await settled(any), 0);
  } finally {
    proxy.close();
    any.close();
  }
});

test('proxy mode: TCP to [::1] on a non-allowed port is denied', async (t) => {
  if (!netOk(t)) return;
  const w = makeWorld('net-v6');
  const proxy = await tcpServer('127.0.0.1');
  const v6 = await tcpServer('::1');
  try {
    const probe = await probeBin();
    t.is(verdict(await run(probe, ['connect', '::1', String(v6.port)])), 'ok', 'control');
    const before = await settled(v6);
    const r = await confined(profileFor(w, { network: 'proxy', allowPorts: [proxy.port] }), probe, ['connect', '::1', String(v6.port)]);
    t.is(verdict(r), 'err EACCES');
    t.is(await settled(v6), before);
  } finally {
    proxy.close();
    v6.close();
  }
});

test('proxy mode: TCP to an IPv4-mapped IPv6 address on a non-allowed port is denied', async (t) => {
  if (!netOk(t)) return;
  const w = makeWorld('net-mapped');
  const proxy = await tcpServer('127.0.0.1');
  const other = await tcpServer('127.0.0.1');
  try {
    const probe = await probeBin();
    t.is(verdict(await run(probe, ['connect', '::ffff:127.0.0.1', String(other.port)])), 'ok', 'control');
    const before = await settled(other);
    const r = await confined(profileFor(w, { network: 'proxy', allowPorts: [proxy.port] }), probe, ['connect', '::ffff:127.0.0.1', String(other.port)]);
    t.is(verdict(r), 'err EACCES');
    t.is(await settled(other), before);
  } finally {
    proxy.close();
    other.close();
  }
});

test('proxy mode: UDP is refused at socket(); no datagram arrives', async (t) => {
  if (!netOk(t)) return;
  const w = makeWorld('net-udp');
  const proxy = await tcpServer('127.0.0.1');
  const udp = await udpServer('127.0.0.1');
  try {
    const probe = await probeBin();
    t.is(verdict(await run(probe, ['udp', '127.0.0.1', String(udp.port)])), 'ok', 'control');
    const before = await settled(udp);
    t.is(before, 1);
    const r = await confined(profileFor(w, { network: 'proxy', allowPorts: [proxy.port] }), probe, ['udp', '127.0.0.1', String(udp.port)]);
    t.is(verdict(r), 'err EPERM');
    t.is(await settled(udp), before);
  } finally {
    proxy.close();
    udp.close();
  }
});

test('DNS: a query to a loopback resolver never leaves (UDP refused), even to an allowed port number', async (t) => {
  if (!netOk(t)) return;
  const w = makeWorld('net-dns');
  const resolver = await udpServer('127.0.0.1');
  try {
    // The resolver's port is even on the allow list: Landlock's TCP rules must not let UDP through.
    const r = await confined(profileFor(w, { network: 'proxy', allowPorts: [resolver.port] }), await probeBin(), ['dns', '127.0.0.1', String(resolver.port)]);
    t.is(verdict(r), 'err EPERM');
    t.is(await settled(resolver), 0);
  } finally {
    resolver.close();
  }
});

test('raw, packet, netlink and vsock sockets are refused in every mode', async (t) => {
  if (!netOk(t)) return;
  const w = makeWorld('net-raw');
  const probe = await probeBin();
  const cases: [string, string[]][] = [
    ['raw icmp', ['2', '3', '1']],
    ['raw ipv6', ['10', '3', '58']],
    ['packet', ['17', '3', '768']],
    ['netlink route', ['16', '3', '0']],
    ['vsock', ['40', '1', '0']],
  ];
  t.is(verdict(await run(probe, ['socket', '2', '3', '1'])), 'ok', 'control: root can open raw sockets here');
  for (const mode of ['none', 'full'] as const) {
    for (const [name, args] of cases) {
      const r = await confined(profileFor(w, { network: mode }), probe, ['socket', ...args]);
      t.is(verdict(r), 'err EPERM', `${name} in ${mode}`);
    }
  }
});

test('network none: even loopback TCP is refused; nothing arrives', async (t) => {
  if (!netOk(t)) return;
  const w = makeWorld('net-none');
  const srv = await tcpServer('127.0.0.1');
  try {
    const r = await confined(profileFor(w, { network: 'none' }), await probeBin(), ['connect', '127.0.0.1', String(srv.port)]);
    t.is(verdict(r), 'err EPERM');
    t.is(await settled(srv), 0);
  } finally {
    srv.close();
  }
});

test('proxy mode: listening on a TCP port is denied', async (t) => {
  if (!netOk(t)) return;
  const w = makeWorld('net-bind');
  const proxy = await tcpServer('127.0.0.1');
  const free = await tcpServer('127.0.0.1');
  const port = free.port;
  free.close();
  try {
    const r = await confined(profileFor(w, { network: 'proxy', allowPorts: [proxy.port] }), await probeBin(), ['listen', String(port)]);
    t.is(verdict(r), 'err EACCES');
  } finally {
    proxy.close();
  }
});

test('network full: loopback TCP and UDP work (the modes really differ)', async (t) => {
  if (!netOk(t)) return;
  const w = makeWorld('net-full');
  const srv = await tcpServer('127.0.0.1');
  const udp = await udpServer('127.0.0.1');
  try {
    const probe = await probeBin();
    t.is(verdict(await confined(profileFor(w, { network: 'full' }), probe, ['connect', '127.0.0.1', String(srv.port)])), 'ok');
    t.is(verdict(await confined(profileFor(w, { network: 'full' }), probe, ['udp', '127.0.0.1', String(udp.port)])), 'ok');
    t.is(await settled(srv), 1);
    t.is(await settled(udp), 1);
  } finally {
    srv.close();
    udp.close();
  }
});
