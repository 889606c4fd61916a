import { TransferSyntax } from '@lingshu/dicom';

/** Verification SOP class (PS3.4 A.4). */
export const VERIFICATION = '1.2.840.10008.1.1';

/** Query/Retrieve information models (PS3.4 C.3, C.6). */
export const QR = {
  PatientRootFind: '1.2.840.10008.5.1.4.1.2.1.1',
  PatientRootMove: '1.2.840.10008.5.1.4.1.2.1.2',
  PatientRootGet: '1.2.840.10008.5.1.4.1.2.1.3',
  StudyRootFind: '1.2.840.10008.5.1.4.1.2.2.1',
  StudyRootMove: '1.2.840.10008.5.1.4.1.2.2.2',
  StudyRootGet: '1.2.840.10008.5.1.4.1.2.2.3',
} as const;

const QR_UIDS = new Set<string>(Object.values(QR));

/**
 * Storage SOP classes: the registry of PS3.4 Annex B lists them under 1.2.840.10008.5.1.4.1.1
 * (images, SR, waveforms, RT, raw data, ...), plus a few outside that arc.
 */
const STORAGE_ROOT = '1.2.840.10008.5.1.4.1.1.';
const STORAGE_EXTRA = new Set<string>([
  '1.2.840.10008.5.1.4.34.10', // RT Brachy Application Setup Delivery Instruction
  '1.2.840.10008.5.1.4.38.1', // Hanging Protocol
  '1.2.840.10008.5.1.4.39.1', // Color Palette
  '1.2.840.10008.5.1.4.43.1', // Generic Implant Template
  '1.2.840.10008.5.1.4.44.1', // Implant Assembly Template
  '1.2.840.10008.5.1.4.45.1', // Implant Template Group
]);

export function isStorageSopClass(uid: string): boolean {
  return uid.startsWith(STORAGE_ROOT) || STORAGE_EXTRA.has(uid);
}

export function isQueryRetrieveSopClass(uid: string): boolean {
  return QR_UIDS.has(uid);
}

/** Syntaxes in which Lingshu accepts and stores instances as received (no transcoding). */
export const STORAGE_TRANSFER_SYNTAXES: ReadonlySet<string> = new Set<string>([
  TransferSyntax.ImplicitVRLittleEndian,
  TransferSyntax.ExplicitVRLittleEndian,
  TransferSyntax.ExplicitVRBigEndian,
  TransferSyntax.DeflatedExplicitVRLittleEndian,
  TransferSyntax.RLELossless,
  TransferSyntax.JPEGBaseline8Bit,
  TransferSyntax.JPEGExtended12Bit,
  TransferSyntax.JPEGLossless,
  TransferSyntax.JPEGLosslessSV1,
  TransferSyntax.JPEGLSLossless,
  TransferSyntax.JPEGLSNearLossless,
  TransferSyntax.JPEG2000Lossless,
  TransferSyntax.JPEG2000,
  TransferSyntax.HTJ2KLossless,
  TransferSyntax.HTJ2KLosslessRPCL,
  TransferSyntax.HTJ2K,
]);

/** Syntaxes for commands-only services (echo, find, move, get identifiers): uncompressed only. */
export const COMMAND_TRANSFER_SYNTAXES: readonly string[] = [
  TransferSyntax.ExplicitVRLittleEndian,
  TransferSyntax.ImplicitVRLittleEndian,
];
