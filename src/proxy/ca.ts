// The per-daemon interception CA. Its private key exists only in this process's memory: a new CA is
// minted every time the proxy starts, so there is no key file a sandboxed agent could ever read.
// Only the public certificate (and a trust bundle that includes it) is written to disk, because
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

export class InterceptionCa {
  readonly certPem: string;
  private readonly key: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly commonName: string;
  private readonly leaves = new Map<string, { context: tls.SecureContext; certPem: string }>();

  constructor() {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.key = privateKey;
    this.publicKey = publicKey;
    this.commonName = `Bridle egress CA ${crypto.randomBytes(4).toString('hex')}`;
    const now = Date.now();
    this.certPem = toPem(
      createCertificate({
        subjectCommonName: this.commonName,
        publicKey,
        signingKey: privateKey,
        notBefore: new Date(now - BACKDATE),
        notAfter: new Date(now + CA_LIFETIME),
        isCa: true,
      }),
    );
  }

  /** A TLS server context presenting a leaf for `host`, minted on first use and cached. */
  contextFor(host: string): tls.SecureContext {
    return this.leaf(host).context;
  }

  /** The leaf certificate (PEM) presented for `host`. */
  certificateFor(host: string): string {
    return this.leaf(host).certPem;
  }

  private leaf(host: string): { context: tls.SecureContext; certPem: string } {
    const key = host.toLowerCase();
    let leaf = this.leaves.get(key);
    if (!leaf) {
      const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const now = Date.now();
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
      leaf = { context, certPem };
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
