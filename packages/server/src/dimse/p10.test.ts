import { getString, parseDicom, Tags, TransferSyntax } from '@lingshu/dicom';
import { describe, expect, it } from 'vitest';
import { testInstance } from '../testing/instances.js';
import { datasetIn, datasetOffset, framePart10, splitPart10 } from './p10.js';

describe('Part 10 framing of DIMSE datasets', () => {
  const file = testInstance({ study: 's', series: 'se', instance: 'i', patientName: 'Wang^Wu=王^五' });

  it('frames received dataset bytes unchanged and names the SOP instance', () => {
    const { body, transferSyntaxUID } = splitPart10(file);
    expect(transferSyntaxUID).toBe(TransferSyntax.ExplicitVRLittleEndian);
    const framed = framePart10(body, transferSyntaxUID, 'MODALITY');
    expect(Buffer.compare(Buffer.from(framed.file.subarray(datasetOffset(framed.file))), Buffer.from(body))).toBe(0);
    expect(framed.sopInstanceUID).toBe(getString(parseDicom(file).dataset, Tags.SOPInstanceUID));
    expect(parseDicom(framed.file).transferSyntaxUID).toBe(TransferSyntax.ExplicitVRLittleEndian);
  });

  it('refuses a truncated dataset', () => {
    const { body } = splitPart10(file);
    expect(() => framePart10(body.subarray(0, body.length - 7), TransferSyntax.ExplicitVRLittleEndian, '')).toThrow();
  });

  it('re-encodes a stored explicit LE dataset as implicit LE with the same elements', async () => {
    const implicit = await datasetIn(file, TransferSyntax.ImplicitVRLittleEndian);
    const a = parseDicom(implicit, { transferSyntaxUID: TransferSyntax.ImplicitVRLittleEndian }).dataset;
    const b = parseDicom(file).dataset;
    expect([...a.elements.keys()]).toEqual([...b.elements.keys()]);
    expect(Buffer.compare(Buffer.from(a.get(0x7fe00010)!.bytes!), Buffer.from(b.get(0x7fe00010)!.bytes!))).toBe(0);
  });
});
