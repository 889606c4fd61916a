// PLACEHOLDER (to be replaced by the character-set work): decodes ISO_IR 192 as UTF-8 and
// everything else as Latin-1. Signatures are fixed; keep them.
import type { VR } from './dataset.js';

/**
 * Decodes the raw bytes of a text value with the Specific Character Set (0008,0005) in effect.
 * `specificCharacterSet` is the list of its values ('' for the default repertoire in position 1).
 */
export function decodeText(bytes: Uint8Array, specificCharacterSet: readonly string[], vr: VR): string {
  void vr;
  if (specificCharacterSet.includes('ISO_IR 192')) return new TextDecoder('utf-8').decode(bytes);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** Encodes text for a value with the given Specific Character Set. */
export function encodeText(text: string, specificCharacterSet: readonly string[], vr: VR): Uint8Array {
  void vr;
  if (specificCharacterSet.includes('ISO_IR 192')) return new TextEncoder().encode(text);
  return new Uint8Array(Buffer.from(text, 'latin1'));
}
