import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { LingshuError } from '@lingshu/dicom';

/** scrypt cost parameters of new hashes (OWASP: N=2^17 r=8 p=1 or N=2^15…; 2^15 keeps logins ≈ 50 ms). */
const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_BYTES = 32;

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, { N: n, r, p, maxmem: 256 * n * r }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** `scrypt$N=32768,r=8,p=1$<salt b64>$<key b64>`: the parameters travel with the hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, N, R, P);
  return `scrypt$N=${N},r=${R},p=${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Constant-time check of `password` against a stored hash; false for malformed hashes. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return false;
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (n < 2 || n > 2 ** 20 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const expected = Buffer.from(m[5] ?? '', 'base64');
  if (expected.length !== KEY_BYTES) return false;
  const key = await scryptAsync(password, Buffer.from(m[4] ?? '', 'base64'), n, r, p);
  return timingSafeEqual(key, expected);
}

/** A hash of a random password: verifying against it takes as long as a real check (unknown users). */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}

/**
 * Password policy: at least 10 characters, at least 3 of 4 classes (lower, upper, digit, other),
 * not the user name. Throws AUTH_WEAK_PASSWORD naming the rule (never the password).
 */
export function checkPasswordPolicy(password: string, username: string): void {
  const weak = (rule: string, message: string) =>
    new LingshuError('AUTH_WEAK_PASSWORD', message, { details: { rule } });
  if ([...password].length < 10) throw weak('length', 'The password must have at least 10 characters');
  if ([...password].length > 256) throw weak('length', 'The password must have at most 256 characters');
  const classes = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((re) => re.test(password)).length;
  if (classes < 3)
    throw weak('classes', 'The password must mix at least 3 of: lower-case, upper-case, digits, other characters');
  if (password.trim().toLowerCase() === username.trim().toLowerCase())
    throw weak('username', 'The password must not equal the user name');
}
