import { inflateRawSync } from 'node:zlib';
import {
  buildMeta,
  LingshuError,
  parseDicom,
  setString,
  Tags,
  TransferSyntax,
  transcodeToExplicitLittleEndian,
  writeDataset,
} from '@lingshu/dicom';

/**
 * Part 10 framing for datasets that travel over DIMSE. A C-STORE carries the bare dataset in the
 * negotiated transfer syntax (PS3.7 9.3.1); a file adds the preamble, "DICM" and the File Meta
 * Information (PS3.10 7.1). Lingshu keeps the received dataset bytes untouched and only frames them.
 */

/** Offset of the dataset in a Part 10 file: after the preamble and every group 0002 element. */
export function datasetOffset(file: Uint8Array): number {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let pos = file.length >= 132 && file[128] === 0x44 && file[129] === 0x49 && file[130] === 0x43 ? 132 : 0;
  // File Meta Information is always explicit VR little endian (PS3.10 7.1).
  while (pos + 8 <= file.length && dv.getUint16(pos, true) === 0x0002) {
    const vr = String.fromCharCode(file[pos + 4]!, file[pos + 5]!);
    if (['OB', 'OW', 'OF', 'SQ', 'UT', 'UN', 'UC', 'UR', 'OD', 'OL', 'OV'].includes(vr)) {
      pos += 12 + dv.getUint32(pos + 8, true);
    } else {
      pos += 8 + dv.getUint16(pos + 6, true);
    }
  }
  return pos;
}

/** The bare dataset bytes of a Part 10 file and the transfer syntax they are encoded in. */
export function splitPart10(file: Uint8Array): { body: Uint8Array; transferSyntaxUID: string } {
  const parsed = parseDicom(file, { untilTag: 0x00080000 });
  return { body: file.subarray(datasetOffset(file)), transferSyntaxUID: parsed.transferSyntaxUID };
}

/**
 * Frames a received dataset as a Part 10 file. The whole dataset is parsed once so a malformed
 * one is refused before anything is stored. Returns the file and the SOP class/instance it names.
 */
export function framePart10(
  body: Uint8Array,
  transferSyntaxUID: string,
  sourceAeTitle: string,
): { file: Uint8Array; sopClassUID: string | undefined; sopInstanceUID: string | undefined } {
  // A deflated dataset does not look like DICOM until inflated (PS3.5 A.5).
  const parsed =
    transferSyntaxUID === TransferSyntax.DeflatedExplicitVRLittleEndian
      ? parseDicom(new Uint8Array(inflateRawSync(body)), { transferSyntaxUID: TransferSyntax.ExplicitVRLittleEndian })
      : parseDicom(body, { transferSyntaxUID });
  const existing = parsed.meta;
  if (sourceAeTitle) setString(existing, Tags.SourceApplicationEntityTitle, 'AE', sourceAeTitle);
  const meta = buildMeta(parsed.dataset, transferSyntaxUID, existing);
  const metaBytes = writeDataset(meta, TransferSyntax.ExplicitVRLittleEndian);
  const file = new Uint8Array(132 + metaBytes.length + body.length);
  file.set([0x44, 0x49, 0x43, 0x4d], 128);
  file.set(metaBytes, 132);
  file.set(body, 132 + metaBytes.length);
  const sop = (tag: number): string | undefined => {
    const el = parsed.dataset.get(tag);
    return el?.bytes ? new TextDecoder().decode(el.bytes).replace(/[\0 ]+$/, '') : undefined;
  };
  return { file, sopClassUID: sop(Tags.SOPClassUID), sopInstanceUID: sop(Tags.SOPInstanceUID) };
}

/**
 * The dataset of a stored file encoded in `target`: the stored bytes as-is when the syntax is the
 * same, otherwise transcoded to explicit or implicit VR little endian (frames decoded when the
 * stored syntax is compressed). Other targets cannot be produced here.
 */
export async function datasetIn(file: Uint8Array, target: string): Promise<Uint8Array> {
  const { body, transferSyntaxUID } = splitPart10(file);
  if (transferSyntaxUID === target) return body;
  if (target !== TransferSyntax.ExplicitVRLittleEndian && target !== TransferSyntax.ImplicitVRLittleEndian) {
    throw new LingshuError('DICOM_UNSUPPORTED_TRANSFER_SYNTAX', 'Cannot transcode to the negotiated syntax', {
      details: { transferSyntaxUID: target },
    });
  }
  const explicit = await transcodeToExplicitLittleEndian(parseDicom(file));
  if (target === TransferSyntax.ExplicitVRLittleEndian) return explicit.subarray(datasetOffset(explicit));
  return writeDataset(parseDicom(explicit).dataset, TransferSyntax.ImplicitVRLittleEndian);
}
