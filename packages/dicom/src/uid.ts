import { createHash, randomUUID } from 'node:crypto';

/** A new globally unique UID in the 2.25 (UUID-derived) form of PS3.5 B.2. */
export function newUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;
}

/** A deterministic 2.25 UID derived from a name (same name → same UID), for synthetic data. */
export function uidFromName(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex').slice(0, 32);
  return `2.25.${BigInt(`0x${hex}`).toString()}`;
}

/** PS3.5 9.1: at most 64 characters, numeric components separated by '.', no leading zeros. */
export function isValidUid(s: string): boolean {
  if (s.length === 0 || s.length > 64) return false;
  return s.split('.').every((c) => /^(0|[1-9][0-9]*)$/.test(c));
}
