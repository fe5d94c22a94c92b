// The per-daemon interception CA. Its private key exists only in this process's memory: the
// session manager mints one when its first session starts a proxy and hands it to every later
// session's proxy, so there is no key file a sandboxed agent could ever read. Only the public
// certificate (and a trust bundle that includes it) is written to disk, once per proxy, because
// the agent's TLS clients must be able to read it.
import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { createCertificate, toPem } from './x509.js';

const DAY = 24 * 60 * 60 * 1000;
/** Leaves live shorter than browsers' 398-day cap; the CA lives as long as the daemon, at most a year. */
const LEAF_LIFETIME = 30 * DAY;
const CA_LIFETIME = 365 * DAY;
/** Clock skew allowance for clients whose clocks run behind. */
const BACKDATE = 60 * 60 * 1000;

/** Where trust bundles usually live; the first that exists is the system's set. */
const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

export interface CaFiles {
  /** Directory holding the public files; removed on close. */
  dir: string;
  /** Bridle's CA certificate alone (for NODE_EXTRA_CA_CERTS, which adds to Node's roots). */
  certPath: string;
  /** System roots + extra upstream CAs + Bridle's CA (for SSL_CERT_FILE and friends, which replace roots). */
  bundlePath: string;
}

interface Leaf {
  context: tls.SecureContext;
  certPem: string;
  /** Epoch ms the leaf stops being valid. */
  notAfter: number;
}

export class InterceptionCa {
  readonly certPem: string;
  /** Epoch ms the CA certificate stops being valid. */
  readonly notAfter: number;
  private readonly key: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly commonName: string;
  private readonly leaves = new Map<string, Leaf>();
  private readonly now: () => number;

  /** `now`: the clock (tests move it to see leaves renewed); default Date.now. */
  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.key = privateKey;
    this.publicKey = publicKey;
    this.commonName = `Bridle egress CA ${crypto.randomBytes(4).toString('hex')}`;
    const now = this.now();
    this.notAfter = now + CA_LIFETIME;
    this.certPem = toPem(
      createCertificate({
        subjectCommonName: this.commonName,
        publicKey,
        signingKey: privateKey,
        notBefore: new Date(now - BACKDATE),
        notAfter: new Date(this.notAfter),
        isCa: true,
      }),
    );
  }

  /**
   * Whether a leaf minted now would expire before the CA does. A daemon outlives sessions, so its
   * CA can age: the session manager mints a new one for new sessions once this is false.
   */
  mintsValidLeaves(): boolean {
    return this.now() + LEAF_LIFETIME <= this.notAfter;
  }

  /** A TLS server context presenting a leaf for `host`, minted on first use and cached. */
  contextFor(host: string): tls.SecureContext {
    return this.leaf(host).context;
  }

  /** The leaf certificate (PEM) presented for `host`. */
  certificateFor(host: string): string {
    return this.leaf(host).certPem;
  }

  private leaf(host: string): Leaf {
    const key = host.toLowerCase();
    let leaf = this.leaves.get(key);
    // A cached leaf is minted again a day before it expires: the CA (one per daemon) may serve
    // the same host for longer than one leaf lives.
    if (!leaf || leaf.notAfter - this.now() < DAY) {
      const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const now = this.now();
      const certPem = toPem(
        createCertificate({
          subjectCommonName: key,
          issuerCommonName: this.commonName,
          publicKey,
          signingKey: this.key,
          issuerPublicKey: this.publicKey,
          notBefore: new Date(now - BACKDATE),
          notAfter: new Date(now + LEAF_LIFETIME),
          isCa: false,
          altNames: [key],
        }),
      );
      const context = tls.createSecureContext({
        key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
        cert: certPem + this.certPem,
        minVersion: 'TLSv1.2',
      });
      leaf = { context, certPem, notAfter: now + LEAF_LIFETIME };
      this.leaves.set(key, leaf);
    }
    return leaf;
  }

  /**
   * Writes the public certificate and a full trust bundle into a fresh private-named directory
   * (mkdtemp: no predictable path another local user could pre-create). Readable, not writable,
   * by the agent.
   */
  writePublicFiles(options: { parent?: string; extraCaPem?: string } = {}): CaFiles {
    const parent = options.parent ?? os.tmpdir();
    fs.mkdirSync(parent, { recursive: true, mode: 0o700 });
    const dir = fs.mkdtempSync(path.join(parent, 'bridle-ca-'));
    fs.chmodSync(dir, 0o755);
    const certPath = path.join(dir, 'bridle-ca.pem');
    const bundlePath = path.join(dir, 'ca-bundle.pem');
    fs.writeFileSync(certPath, this.certPem, { mode: 0o644 });
    const parts = [systemRootsPem(), options.extraCaPem ?? '', this.certPem].filter((p) => p.length > 0);
    fs.writeFileSync(bundlePath, parts.map((p) => (p.endsWith('\n') ? p : `${p}\n`)).join(''), { mode: 0o644 });
    return { dir, certPath, bundlePath };
  }
}

let systemRoots: string | undefined;

/**
 * The machine's trust roots as PEM: the system bundle when there is one, else Node's built-in set.
 * Read once per process: every proxy (one per session) writes the same roots into its bundle.
 */
function systemRootsPem(): string {
  if (systemRoots !== undefined) return systemRoots;
  for (const f of SYSTEM_BUNDLES) {
    try {
      const text = fs.readFileSync(f, 'utf8');
      if (text.includes('BEGIN CERTIFICATE')) return (systemRoots = text);
    } catch {
      // not this one; try the next location
    }
  }
  return (systemRoots = tls.rootCertificates.join('\n') + '\n');
}
