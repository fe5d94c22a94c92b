// Placeholders: what the agent holds instead of a secret. Same shape as the real thing (the vendor
// prefix is kept so clients that sanity-check a key's prefix accept it), 256 random bits, unique
// per session, worthless outside this proxy.
import crypto from 'node:crypto';

/** Known vendor prefixes, longest first so `sk-ant-api03-` wins over `sk-`. */
const KNOWN_PREFIXES = [
  'sk-ant-api03-',
  'sk-ant-oat01-',
  'sk-ant-admin01-',
  'sk-ant-',
  'sk-proj-',
  'sk-svcacct-',
  'sk-admin-',
  'sk-or-v1-',
  'sk-',
  'github_pat_',
  'ghp_',
  'gho_',
  'ghu_',
  'ghs_',
  'ghr_',
  'glpat-',
  'xoxb-',
  'xoxp-',
  'hf_',
  'AIza',
];

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** ceil(256 / log2(62)) characters hold 256 bits. */
const BODY_LENGTH = 43;

function base62(bytes: Buffer): string {
  let n = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  while (n > 0n) {
    out = BASE62[Number(n % 62n)]! + out;
    n /= 62n;
  }
  return out.padStart(BODY_LENGTH, '0');
}

/** The vendor prefix of a secret: a known one, else a short leading `word-`/`word_`, else none. */
function prefixOf(secret: string): string {
  const known = KNOWN_PREFIXES.find((p) => secret.startsWith(p));
  if (known) return known;
  const generic = /^[A-Za-z]{2,10}[-_]/.exec(secret);
  return generic ? generic[0] : '';
}

export function makePlaceholder(secret: string): string {
  return prefixOf(secret) + base62(crypto.randomBytes(32));
}

/** Unguessable route token (URL- and userinfo-safe). */
export function makeRouteToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}
