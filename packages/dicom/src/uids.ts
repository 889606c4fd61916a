/** Transfer syntax UIDs (PS3.6 Annex A). */
export const TransferSyntax = {
  ImplicitVRLittleEndian: '1.2.840.10008.1.2',
  ExplicitVRLittleEndian: '1.2.840.10008.1.2.1',
  DeflatedExplicitVRLittleEndian: '1.2.840.10008.1.2.1.99',
  ExplicitVRBigEndian: '1.2.840.10008.1.2.2',
  JPEGBaseline8Bit: '1.2.840.10008.1.2.4.50',
  JPEGExtended12Bit: '1.2.840.10008.1.2.4.51',
  JPEGLossless: '1.2.840.10008.1.2.4.57',
  JPEGLosslessSV1: '1.2.840.10008.1.2.4.70',
  JPEGLSLossless: '1.2.840.10008.1.2.4.80',
  JPEGLSNearLossless: '1.2.840.10008.1.2.4.81',
  JPEG2000Lossless: '1.2.840.10008.1.2.4.90',
  JPEG2000: '1.2.840.10008.1.2.4.91',
  HTJ2KLossless: '1.2.840.10008.1.2.4.201',
  HTJ2KLosslessRPCL: '1.2.840.10008.1.2.4.202',
  HTJ2K: '1.2.840.10008.1.2.4.203',
  RLELossless: '1.2.840.10008.1.2.5',
} as const;

export const SOPClass = {
  CTImageStorage: '1.2.840.10008.5.1.4.1.1.2',
  EnhancedCTImageStorage: '1.2.840.10008.5.1.4.1.1.2.1',
  MRImageStorage: '1.2.840.10008.5.1.4.1.1.4',
  SecondaryCaptureImageStorage: '1.2.840.10008.5.1.4.1.1.7',
  SegmentationStorage: '1.2.840.10008.5.1.4.1.1.66.4',
  ComprehensiveSRStorage: '1.2.840.10008.5.1.4.1.1.88.33',
  EnhancedSRStorage: '1.2.840.10008.5.1.4.1.1.88.22',
  EncapsulatedPDFStorage: '1.2.840.10008.5.1.4.1.1.104.1',
  MediaStorageDirectoryStorage: '1.2.840.10008.1.3.10',
} as const;

/** Lingshu's UID root (2.25 form: UUID-derived, no registration needed; PS3.5 B.2). */
export const IMPLEMENTATION_CLASS_UID = '2.25.178406213410624913352530880355862126845';
export const IMPLEMENTATION_VERSION_NAME = 'LINGSHU_010';

export function isEncapsulatedTransferSyntax(uid: string): boolean {
  return (
    uid !== TransferSyntax.ImplicitVRLittleEndian &&
    uid !== TransferSyntax.ExplicitVRLittleEndian &&
    uid !== TransferSyntax.DeflatedExplicitVRLittleEndian &&
    uid !== TransferSyntax.ExplicitVRBigEndian
  );
}
