import { isLingshuError } from '@lingshu/dicom';
import { describe, expect, it } from 'vitest';
import { parseHl7Destinations, parsePdfFontPath } from './config.js';

describe('outputs configuration', () => {
  it('parses HL7 destinations from JSON text or a list', () => {
    const d = { name: 'ris', host: 'h', port: '2575', receivingApplication: 'RIS', receivingFacility: 'HUB' };
    expect(parseHl7Destinations(JSON.stringify([d]), 'hl7Destinations')).toEqual([{ ...d, port: 2575 }]);
    expect(parseHl7Destinations([], 'hl7Destinations')).toEqual([]);
  });
  it.each([
    ['not json', 'hl7Destinations'],
    [[{ name: 'a', host: 'h', port: 70000, receivingApplication: 'R', receivingFacility: 'F' }], 'port'],
    [[{ name: 'a', host: 'h', port: 1, receivingApplication: 'R|X', receivingFacility: 'F' }], 'receivingApplication'],
    [
      [
        { name: 'a', host: 'h', port: 1, receivingApplication: 'R', receivingFacility: 'F' },
        { name: 'a', host: 'h', port: 2, receivingApplication: 'R', receivingFacility: 'F' },
      ],
      'name',
    ],
  ])('refuses %j', (raw, where) => {
    let err: unknown;
    try {
      parseHl7Destinations(raw, 'hl7Destinations');
    } catch (e) {
      err = e;
    }
    expect(isLingshuError(err, 'CONFIG_INVALID')).toBe(true);
    expect(String((err as Error).message)).toContain(where);
  });
  it('font path must be a non-empty text', () => {
    expect(parsePdfFontPath(' /x.ttc ', 'pdfFontPath')).toBe('/x.ttc');
    expect(() => parsePdfFontPath('', 'pdfFontPath')).toThrow();
  });
});
