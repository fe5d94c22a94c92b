// Record ids: a type prefix (so an id says what it names in logs and URLs) plus 80 random bits in
// lowercase base32, which is short, case-insensitive and safe in paths and shell arguments.
import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export function newId(prefix: 's' | 'a'): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let acc = 0;
  let out = '';
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xfff; // at most 12 pending bits matter
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >> bits) & 31];
    }
  }
  return `${prefix}_${out}`;
}
