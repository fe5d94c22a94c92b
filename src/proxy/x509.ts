// X.509 v3 certificates for the interception CA and its per-host leaves: EC P-256 keys from
// node:crypto, ECDSA-SHA256 signatures, and the extensions strict verifiers (OpenSSL's X509_STRICT,
// Go, Python 3.13) insist on: basicConstraints, keyUsage, SKI/AKI, serverAuth EKU and SAN.
import crypto, { type KeyObject } from 'node:crypto';
import net from 'node:net';
import * as der from './der.js';

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

export interface CertificateInput {
  subjectCommonName: string;
  /** Defaults to the subject (self-signed). */
  issuerCommonName?: string;
  publicKey: KeyObject;
  /** Key that signs; the CA's for leaves, the subject's own for the CA. */
  signingKey: KeyObject;
  /** The issuer's public key, for the authority key identifier; defaults to `publicKey`. */
  issuerPublicKey?: KeyObject;
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  /** DNS names and IP literals for subjectAltName (leaves). */
  altNames?: string[];
}

const ORGANIZATION = 'Bridle egress proxy';

function name(cn: string): Buffer {
  const attr = (oid: string, value: string): Buffer => der.set(der.sequence(der.objectIdentifier(oid), der.utf8String(value)));
  return der.sequence(attr(OID.organization, ORGANIZATION), attr(OID.commonName, cn));
}

/** SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2 method 1). */
function keyIdentifier(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // For EC keys the BIT STRING is the uncompressed point at the tail of the SPKI: 65 bytes for P-256.
  const point = spki.subarray(spki.length - 65);
  return crypto.createHash('sha1').update(point).digest();
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return critical
    ? der.sequence(der.objectIdentifier(oid), der.boolean(true), der.octetString(value))
    : der.sequence(der.objectIdentifier(oid), der.octetString(value));
}

function generalName(n: string): Buffer {
  if (net.isIPv4(n)) return der.implicitPrimitive(7, Buffer.from(n.split('.').map(Number)));
  if (net.isIPv6(n)) return der.implicitPrimitive(7, ipv6Bytes(n));
  return der.implicitPrimitive(2, Buffer.from(n, 'ascii'));
}

function ipv6Bytes(addr: string): Buffer {
  const [head, tail] = addr.includes('::') ? addr.split('::') : [addr, undefined];
  const parse = (s: string | undefined): number[] => (s ? s.split(':').filter(Boolean).map((h) => Number.parseInt(h, 16)) : []);
  const h = parse(head);
  const t = parse(tail);
  const groups = tail === undefined ? h : [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

export function createCertificate(input: CertificateInput): Buffer {
  const sigAlg = der.sequence(der.objectIdentifier(OID.ecdsaWithSha256));
  const serial = crypto.randomBytes(16);
  serial[0] = serial[0]! & 0x7f; // positive, and at most 16 bytes as RFC 5280 requires
  const spki = input.publicKey.export({ type: 'spki', format: 'der' });
  const exts: Buffer[] = [];
  if (input.isCa) {
    exts.push(extension(OID.basicConstraints, true, der.sequence(der.boolean(true), der.smallInteger(0))));
    // digitalSignature | keyCertSign | cRLSign → bits 0, 5, 6; one unused bit.
    exts.push(extension(OID.keyUsage, true, der.bitString(Buffer.from([0x86]), 1)));
  } else {
    exts.push(extension(OID.basicConstraints, true, der.sequence()));
    exts.push(extension(OID.keyUsage, true, der.bitString(Buffer.from([0x80]), 7)));
    exts.push(extension(OID.extKeyUsage, false, der.sequence(der.objectIdentifier(OID.serverAuth))));
    exts.push(extension(OID.subjectAltName, false, der.sequence(...(input.altNames ?? [input.subjectCommonName]).map(generalName))));
  }
  exts.push(extension(OID.subjectKeyIdentifier, false, der.octetString(keyIdentifier(input.publicKey))));
  exts.push(
    extension(OID.authorityKeyIdentifier, false, der.sequence(der.implicitPrimitive(0, keyIdentifier(input.issuerPublicKey ?? input.publicKey)))),
  );
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)),
    der.unsignedInteger(serial),
    sigAlg,
    name(input.issuerCommonName ?? input.subjectCommonName),
    der.sequence(der.time(input.notBefore), der.time(input.notAfter)),
    name(input.subjectCommonName),
    spki,
    der.explicit(3, der.sequence(...exts)),
  );
  const signature = crypto.sign('sha256', tbs, input.signingKey); // DER-encoded ECDSA-Sig-Value
  return der.sequence(tbs, sigAlg, der.bitString(signature));
}

export function toPem(derBytes: Buffer, label = 'CERTIFICATE'): string {
  const b64 = derBytes.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
