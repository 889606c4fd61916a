import type { ErrorCode } from '@lingshu/dicom';

/**
 * Failure Reason (0008,1197) values for the Store Instances Response, PS3.18 Annex I Table I.2-2
 * (A7xx out of resources, A9xx data set does not match SOP Class, Cxxx cannot understand, C122
 * transfer syntax not supported, 0110 processing failure, 0122 SOP Class not supported), plus the
 * "additional codes" that table allows, taken from the DIMSE status vocabulary (PS3.7 Annex C).
 */
export const StowFailureReason = {
  /** A700: refused, out of resources (storage full, part larger than the instance limit). */
  OutOfResources: 0xa700,
  /** A900: the data set does not conform to its SOP Class (required attribute missing or unusable). */
  DataSetDoesNotMatchSopClass: 0xa900,
  /** C000: cannot understand (not DICOM, truncated, malformed encoding, part not application/dicom). */
  CannotUnderstand: 0xc000,
  /**
   * C409: the instance's Study Instance UID differs from the study in the request URL (study-level
   * STOW, PS3.18 §10.5.1). Table I.2-2 has no dedicated value; this is an implementation-specific
   * code in its Cxxx ("cannot understand certain Data Elements") range, the same value dcm4chee
   * reports, so clients that know one know the other.
   */
  StudyInstanceUidMismatch: 0xc409,
  /** C122: the transfer syntax of the instance is not supported. */
  TransferSyntaxNotSupported: 0xc122,
  /** 0110: general processing failure (index could not record the instance, internal error). */
  ProcessingFailure: 0x0110,
  /** 0111: an instance with this SOP Instance UID exists with different content (PS3.7 Annex C status 0111H "Duplicate SOP Instance"). */
  DuplicateSopInstance: 0x0111,
  /** 0122: the SOP Class is not accepted for storage. */
  SopClassNotSupported: 0x0122,
} as const;

// One table: every error code a STOW part can fail with → its Failure Reason.
const REASON_BY_CODE: Partial<Record<ErrorCode, number>> = {
  DICOM_NOT_DICOM: StowFailureReason.CannotUnderstand,
  DICOM_TRUNCATED: StowFailureReason.CannotUnderstand,
  DICOM_BAD_LENGTH: StowFailureReason.CannotUnderstand,
  DICOM_BAD_VR: StowFailureReason.CannotUnderstand,
  DICOM_BAD_STRUCTURE: StowFailureReason.CannotUnderstand,
  DICOM_CHARSET: StowFailureReason.CannotUnderstand,
  DICOM_UNSUPPORTED_TRANSFER_SYNTAX: StowFailureReason.TransferSyntaxNotSupported,
  DICOM_MISSING_ATTRIBUTE: StowFailureReason.DataSetDoesNotMatchSopClass,
  DICOM_BAD_VALUE: StowFailureReason.DataSetDoesNotMatchSopClass,
  HTTP_MULTIPART_MALFORMED: StowFailureReason.CannotUnderstand,
  HTTP_UNSUPPORTED_MEDIA_TYPE: StowFailureReason.CannotUnderstand,
  HTTP_PAYLOAD_TOO_LARGE: StowFailureReason.OutOfResources,
  STOW_STUDY_MISMATCH: StowFailureReason.StudyInstanceUidMismatch,
  STOW_SOP_CLASS_UNSUPPORTED: StowFailureReason.SopClassNotSupported,
  ARCHIVE_DUPLICATE_CONFLICT: StowFailureReason.DuplicateSopInstance,
  ARCHIVE_STORAGE_FAILED: StowFailureReason.OutOfResources,
  ARCHIVE_INDEX_FAILED: StowFailureReason.ProcessingFailure,
  // A study owned by another institution: the general processing failure, which says nothing
  // about the other study (docs/institutions.md).
  ARCHIVE_STUDY_NOT_WRITABLE: StowFailureReason.ProcessingFailure,
  INTERNAL: StowFailureReason.ProcessingFailure,
};

/** The Failure Reason (0008,1197) for a part that failed with `code` (0110 processing failure if unmapped). */
export function stowFailureReason(code: ErrorCode): number {
  return REASON_BY_CODE[code] ?? StowFailureReason.ProcessingFailure;
}

const DICOM_ROOT = '1.2.840.10008.';
// PS3.4 Annex B: Storage SOP Classes live under 1.2.840.10008.5.1.4 (images, SR, RT, waveforms,
// presentation states, hanging protocols, colour palettes, implant templates…).
const STORAGE_ROOT = '1.2.840.10008.5.1.4.';

/**
 * Whether a SOP Class may be stored: any standard Storage SOP Class, and private SOP Classes
 * (outside the DICOM root, which vendors use for proprietary objects). Standard non-storage
 * classes (Verification, Media Storage Directory, query/retrieve models, worklists) are refused.
 */
export function sopClassAccepted(sopClassUID: string): boolean {
  if (!sopClassUID.startsWith(DICOM_ROOT)) return true;
  if (!sopClassUID.startsWith(STORAGE_ROOT)) return false;
  // Query/Retrieve (…5.1.4.1.2.*) and Modality Worklist (…5.1.4.31) information models are not instances.
  return !sopClassUID.startsWith('1.2.840.10008.5.1.4.1.2.') && sopClassUID !== '1.2.840.10008.5.1.4.31';
}
