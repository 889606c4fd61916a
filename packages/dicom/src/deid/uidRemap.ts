import { createHmac } from 'node:crypto';
import { LingshuError } from '../errors.js';

function requireSecret(secret: string): void {
  if (secret.length === 0) {
    throw new LingshuError('CONFIG_INVALID', 'De-identification needs a non-empty secret');
  }
}

/** HMAC-SHA256 of a labelled message, so the derived values never collide across purposes. */
export function keyedDigest(secret: string, purpose: string, message: string): Buffer {
  requireSecret(secret);
  return createHmac('sha256', secret).update(`${purpose}\u0000${message}`).digest();
}

/**
 * Keyed, deterministic UID replacement (the U action of PS3.15 Annex E): the same UID and secret
 * always give the same new UID, so every instance of a study (and every study de-identified with
 * the same secret) keeps consistent references. The first 16 bytes of HMAC-SHA256(secret, uid)
 * become a version-8 (RFC 9562 custom) UUID, written in the 2.25 form of PS3.5 B.2: 122 keyed
 * bits, so collisions are negligible in practice, and without the secret the original UID cannot
 * be recovered or confirmed.
 */
export function remapUid(uid: string, secret: string): string {
  const bytes = keyedDigest(secret, 'uid', uid.replace(/[\0 ]+$/u, '')).subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  return `2.25.${BigInt(`0x${bytes.toString('hex')}`).toString()}`;
}
