import { configInvalid } from '../configParse.js';
import type { Hl7Destination } from './hl7/mllp.js';

export type { Hl7Destination } from './hl7/mllp.js';

/** `pdfFontPath`: a font file (TTF/OTF/TTC) with CJK glyphs; checked when a PDF is made. */
export function parsePdfFontPath(raw: unknown, setting: string): string {
  if (typeof raw !== 'string' || raw.trim() === '' || raw.length > 1024)
    throw configInvalid(setting, 'must be the path of a font file');
  return raw.trim();
}

const NAME_RE = /^[A-Za-z0-9._-]{1,64}$/;
const HD_RE = /^[^|^~\\&\r\n]{1,180}$/;

/**
 * `hl7Destinations`: a JSON list (config file, or LINGSHU_HL7_DESTINATIONS as JSON) of
 * { name, host, port, receivingApplication, receivingFacility }.
 */
export function parseHl7Destinations(raw: unknown, setting: string): Hl7Destination[] {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw configInvalid(setting, 'must be a JSON list of HL7 destinations');
    }
  }
  if (!Array.isArray(value)) throw configInvalid(setting, 'must be a list of HL7 destinations');
  const names = new Set<string>();
  return value.map((d, i) => {
    const at = `${setting}[${i}]`;
    if (typeof d !== 'object' || d === null) throw configInvalid(at, 'must be an object');
    const o = d as Record<string, unknown>;
    if (typeof o.name !== 'string' || !NAME_RE.test(o.name))
      throw configInvalid(`${at}.name`, 'must be 1–64 letters, digits, dot, dash or underscore');
    if (names.has(o.name)) throw configInvalid(`${at}.name`, 'is used twice');
    names.add(o.name);
    if (typeof o.host !== 'string' || o.host.trim() === '' || o.host.length > 255)
      throw configInvalid(`${at}.host`, 'must be a host name or address');
    const port = typeof o.port === 'string' ? Number(o.port) : o.port;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
      throw configInvalid(`${at}.port`, 'must be a TCP port (1–65535)');
    for (const k of ['receivingApplication', 'receivingFacility'] as const)
      if (typeof o[k] !== 'string' || !HD_RE.test(o[k] as string))
        throw configInvalid(`${at}.${k}`, 'must be a text without HL7 delimiters (| ^ ~ \\ &)');
    return {
      name: o.name,
      host: o.host.trim(),
      port,
      receivingApplication: o.receivingApplication as string,
      receivingFacility: o.receivingFacility as string,
    };
  });
}
