import { deflateRawSync } from 'node:zlib';
import { Dataset, type Element } from './dataset.js';
import { LingshuError } from './errors.js';
import { Tags } from './tag.js';
import {
  IMPLEMENTATION_CLASS_UID,
  IMPLEMENTATION_VERSION_NAME,
  isEncapsulatedTransferSyntax,
  TransferSyntax,
} from './uids.js';
import { getString, isTextVR, setString } from './values.js';
import { hasLongLength } from './vr.js';

/**
 * Writers for Part 10 files and bare datasets. Sequences and items are written with defined
 * lengths; encapsulated pixel data with undefined length, an offset-table item, then fragments.
 * Supported output syntaxes: explicit VR little endian (default), implicit VR little endian,
 * deflated explicit VR little endian, and the encapsulated (compressed) syntaxes, whose
 * datasets are explicit VR little endian.
 */
export interface WriteInput {
  dataset: Dataset;
  meta?: Dataset;
  transferSyntaxUID?: string;
}

export interface WriteOptions {
  /** Write the 128-byte preamble and "DICM" prefix (default true). */
  preamble?: boolean;
}

const UNDEFINED = 0xffffffff;

/** Explicit VR cannot carry a short-VR value over 65 534 bytes: such values are written as UN. */
function effectiveVR(el: Element, explicit: boolean): Element['vr'] {
  if (explicit && !hasLongLength(el.vr) && (el.bytes?.length ?? 0) > 0xfffe) return 'UN';
  return el.vr;
}

function headerLength(el: Element, explicit: boolean): number {
  if (!explicit) return 8;
  return hasLongLength(effectiveVR(el, explicit)) ? 12 : 8;
}

function padded(n: number): number {
  return n + (n & 1);
}

function valueLength(el: Element, explicit: boolean): number {
  if (el.items) {
    let n = 0;
    for (const item of el.items) n += 8 + datasetLength(item, explicit);
    return n;
  }
  if (el.fragments) {
    let n = 8 + padded(el.offsetTable?.length ?? 0) + 8; // offset table item + sequence delimiter
    for (const f of el.fragments) n += 8 + padded(f.length);
    return n;
  }
  return padded(el.bytes?.length ?? 0);
}

function datasetLength(ds: Dataset, explicit: boolean): number {
  let n = 0;
  for (const el of ds.elements.values()) n += headerLength(el, explicit) + valueLength(el, explicit);
  return n;
}

class Out {
  readonly u8: Uint8Array;
  readonly dv: DataView;
  pos = 0;
  constructor(size: number) {
    this.u8 = new Uint8Array(size);
    this.dv = new DataView(this.u8.buffer);
  }
  tag(t: number): void {
    this.dv.setUint16(this.pos, t >>> 16, true);
    this.dv.setUint16(this.pos + 2, t & 0xffff, true);
    this.pos += 4;
  }
  u32(v: number): void {
    this.dv.setUint32(this.pos, v, true);
    this.pos += 4;
  }
  bytes(b: Uint8Array, padByte: number): void {
    this.u8.set(b, this.pos);
    this.pos += b.length;
    if (b.length & 1) this.u8[this.pos++] = padByte;
  }
}

/** Text values pad with a space, UIDs and binary values with NUL (PS3.5 6.2). */
function padByte(vr: Element['vr']): number {
  return isTextVR(vr) && vr !== 'UI' ? 0x20 : 0;
}

function writeElements(out: Out, ds: Dataset, explicit: boolean): void {
  for (const t of ds.sortedTags()) {
    const el = ds.elements.get(t)!;
    const vr = effectiveVR(el, explicit);
    const undefinedLength = el.fragments !== undefined;
    const length = undefinedLength ? UNDEFINED : valueLength(el, explicit);
    out.tag(t);
    if (explicit) {
      out.u8[out.pos] = vr.charCodeAt(0);
      out.u8[out.pos + 1] = vr.charCodeAt(1);
      if (hasLongLength(vr)) {
        out.dv.setUint16(out.pos + 2, 0, true);
        out.pos += 4;
        out.u32(length);
      } else {
        out.dv.setUint16(out.pos + 2, length, true);
        out.pos += 4;
      }
    } else {
      out.u32(length);
    }
    if (el.items) {
      for (const item of el.items) {
        out.tag(Tags.Item);
        out.u32(datasetLength(item, explicit));
        writeElements(out, item, explicit);
      }
    } else if (el.fragments) {
      out.tag(Tags.Item);
      const bot = el.offsetTable ?? new Uint8Array(0);
      out.u32(padded(bot.length));
      out.bytes(bot, 0);
      for (const f of el.fragments) {
        out.tag(Tags.Item);
        out.u32(padded(f.length));
        out.bytes(f, 0);
      }
      out.tag(Tags.SequenceDelimitationItem);
      out.u32(0);
    } else if (el.bytes) {
      out.bytes(el.bytes, padByte(el.vr));
    }
  }
}

/** Encodes a dataset (no preamble, no meta) in the given transfer syntax. */
export function writeDataset(
  ds: Dataset,
  transferSyntaxUID: string = TransferSyntax.ExplicitVRLittleEndian,
): Uint8Array {
  if (transferSyntaxUID === TransferSyntax.ExplicitVRBigEndian) {
    throw new LingshuError(
      'DICOM_UNSUPPORTED_TRANSFER_SYNTAX',
      'Writing explicit VR big endian is not supported (retired syntax)',
    );
  }
  const explicit = transferSyntaxUID !== TransferSyntax.ImplicitVRLittleEndian;
  const hasEncapsulated = [...ds.elements.values()].some((e) => e.fragments !== undefined);
  if (hasEncapsulated && !isEncapsulatedTransferSyntax(transferSyntaxUID)) {
    throw new LingshuError('DICOM_BAD_VALUE', 'Encapsulated pixel data needs an encapsulated transfer syntax');
  }
  const out = new Out(datasetLength(ds, explicit));
  writeElements(out, ds, explicit);
  if (transferSyntaxUID === TransferSyntax.DeflatedExplicitVRLittleEndian)
    return new Uint8Array(deflateRawSync(out.u8));
  return out.u8;
}

/** Builds the File Meta Information for a dataset, keeping other elements of `existing`. */
export function buildMeta(dataset: Dataset, transferSyntaxUID: string, existing?: Dataset): Dataset {
  const meta = new Dataset();
  if (existing) for (const el of existing.elements.values()) if (el.tag >>> 16 === 0x0002) meta.set(el);
  meta.delete(Tags.FileMetaInformationGroupLength);
  if (!meta.has(Tags.FileMetaInformationVersion)) {
    meta.set({ tag: Tags.FileMetaInformationVersion, vr: 'OB', bytes: new Uint8Array([0, 1]) });
  }
  const sopClass = getString(dataset, Tags.SOPClassUID);
  const sopInstance = getString(dataset, Tags.SOPInstanceUID);
  if (sopClass) setString(meta, Tags.MediaStorageSOPClassUID, 'UI', sopClass);
  if (sopInstance) setString(meta, Tags.MediaStorageSOPInstanceUID, 'UI', sopInstance);
  setString(meta, Tags.TransferSyntaxUID, 'UI', transferSyntaxUID);
  if (!meta.has(Tags.ImplementationClassUID))
    setString(meta, Tags.ImplementationClassUID, 'UI', IMPLEMENTATION_CLASS_UID);
  if (!meta.has(Tags.ImplementationVersionName)) {
    setString(meta, Tags.ImplementationVersionName, 'SH', IMPLEMENTATION_VERSION_NAME);
  }
  const groupLength = new Uint8Array(4);
  new DataView(groupLength.buffer).setUint32(0, datasetLength(meta, true), true);
  meta.set({ tag: Tags.FileMetaInformationGroupLength, vr: 'UL', bytes: groupLength });
  return meta;
}

/** Writes a Part 10 file: preamble, "DICM", File Meta Information, then the dataset. */
export function writeDicom(input: WriteInput, options: WriteOptions = {}): Uint8Array {
  const ts = input.transferSyntaxUID ?? TransferSyntax.ExplicitVRLittleEndian;
  const meta = buildMeta(input.dataset, ts, input.meta);
  const metaBytes = writeDataset(meta, TransferSyntax.ExplicitVRLittleEndian);
  const body = writeDataset(input.dataset, ts);
  const preamble = options.preamble ?? true;
  const head = preamble ? 132 : 0;
  const out = new Uint8Array(head + metaBytes.length + body.length);
  if (preamble) out.set([0x44, 0x49, 0x43, 0x4d], 128);
  out.set(metaBytes, head);
  out.set(body, head + metaBytes.length);
  return out;
}
