/**
 * One error vocabulary for Lingshu. Codes are stable and never reused; the server maps each
 * code to an HTTP status, a DICOM status / STOW failure reason and a FHIR OperationOutcome.
 * Messages never contain PHI (no names, IDs or dates from the data): say what was wrong with
 * the input, not what the input was.
 */
export const ERROR_CODES = {
  // DICOM parsing and encoding
  DICOM_NOT_DICOM: 'The input is not a DICOM file or dataset',
  DICOM_TRUNCATED: 'The DICOM data ends before a declared element or item is complete',
  DICOM_BAD_LENGTH: 'A declared length is impossible (odd, larger than the input, or over the limit)',
  DICOM_BAD_VR: 'An element has an invalid value representation',
  DICOM_BAD_STRUCTURE: 'Sequences, items or delimiters are malformed',
  DICOM_UNSUPPORTED_TRANSFER_SYNTAX: 'The transfer syntax is not supported',
  DICOM_MISSING_ATTRIBUTE: 'A required attribute is missing',
  DICOM_BAD_VALUE: 'An attribute has a value that cannot be used',
  DICOM_CHARSET: 'Text could not be decoded or encoded with the declared character set',
  // Pixel data
  PIXEL_NO_DATA: 'The dataset has no pixel data',
  PIXEL_BAD_DESCRIPTION: 'The image pixel description is inconsistent',
  PIXEL_DECODE_FAILED: 'A compressed frame could not be decoded',
  PIXEL_FRAME_OUT_OF_RANGE: 'The requested frame does not exist',
  // Imaging / volumes
  VOLUME_EMPTY: 'No usable slices for a volume',
  VOLUME_MIXED_ORIENTATION: 'The slices have different orientations',
  VOLUME_DUPLICATE_POSITION: 'Two slices share the same position',
  VOLUME_MISSING_GEOMETRY: 'A slice lacks position, orientation or spacing',
  VOLUME_INCONSISTENT_SLICES: 'Slices differ in matrix size or pixel spacing',
  VOLUME_GAP: 'The slice spacing has a gap or is not uniform',
  VOLUME_GANTRY_TILT: 'The series was acquired with gantry tilt',
  // Archive
  ARCHIVE_DUPLICATE_CONFLICT: 'An instance with this SOP Instance UID exists with different content',
  ARCHIVE_NOT_FOUND: 'The requested resource does not exist',
  ARCHIVE_STORAGE_FAILED: 'The object store could not write the file',
  ARCHIVE_INDEX_FAILED: 'The index could not record the instance',
  ARCHIVE_BAD_CURSOR: 'The change-log cursor is invalid',
  ARCHIVE_STUDY_NOT_WRITABLE: 'The instance cannot be stored into this study',
  INSTITUTION_NOT_FOUND: 'No institution has this code',
  INSTITUTION_CONFLICT: 'The institution code or an AE title is already in use',
  // HTTP / DICOMweb
  HTTP_BAD_PARAMETER: 'A query or path parameter is invalid',
  HTTP_NOT_FOUND: 'No resource matches the request',
  HTTP_METHOD_NOT_ALLOWED: 'The method is not allowed on this resource',
  HTTP_NOT_ACCEPTABLE: 'None of the accepted media types or transfer syntaxes can be produced',
  HTTP_UNSUPPORTED_MEDIA_TYPE: 'The request body has a content type this resource does not accept',
  HTTP_PAYLOAD_TOO_LARGE: 'The request body or one of its parts is larger than allowed',
  HTTP_MULTIPART_MALFORMED: 'The multipart body is malformed (boundary, headers or parts)',
  HTTP_UNAVAILABLE: 'The server is starting or shutting down',
  STOW_STUDY_MISMATCH: 'The instance belongs to a different study than the request targets',
  STOW_SOP_CLASS_UNSUPPORTED: 'The SOP class of the instance is not accepted',
  RENDER_UNSUPPORTED: 'The instance cannot be rendered as an image',
  // DIMSE
  DIMSE_AE_NOT_ALLOWED: 'The calling AE title is not allowed',
  DIMSE_UNKNOWN_DESTINATION: 'The move or forward destination AE is not configured',
  DIMSE_PEER_FAILED: 'A remote DICOM peer refused or failed the operation',
  DIMSE_BAD_QUERY: 'A C-FIND or C-MOVE identifier is invalid',
  // AI
  AI_NOT_APPLICABLE: "The study does not meet the analyzer's input requirements",
  AI_CANCELLED: 'The analysis was cancelled',
  AI_FAILED: 'The analysis failed',
  AI_BAD_INPUT: 'The analysis request is invalid',
  RULE_INVALID: 'A routing rule is invalid',
  JOB_NOT_FOUND: 'No AI job has this id',
  // Identity and access
  AUTH_REQUIRED: 'Authentication is required',
  AUTH_INVALID_CREDENTIALS: 'The user name or password is wrong',
  AUTH_FORBIDDEN: 'The principal lacks the permission this request needs',
  AUTH_WEAK_PASSWORD: 'The password does not meet the password policy',
  AUTH_USER_EXISTS: 'A user with this user name already exists',
  AUTH_REAUTH_REQUIRED: 'This action needs a recent password re-entry',
  AUTH_UNKNOWN_USER: 'No Lingshu user matches the single sign-on account',
  AUTH_OIDC_FAILED: 'Single sign-on failed',
  // Structured reports
  REPORT_INVALID: 'The report, its template or its content is invalid',
  REPORT_ALREADY_SIGNED: 'The report is signed: only addenda can be added',
  REPORT_NOT_SIGNED: 'The report is not signed yet: addenda need a signed report',
  REPORT_QC_BLOCKED: 'The report fails a blocking quality check and no override reason was given',
  REPORT_NOT_FOUND: 'The study has no report yet',
  REPORT_EXISTS: 'The study already has a report',
  REPORT_VERSION_CONFLICT: 'The report was changed by someone else since it was loaded',
  STUDY_LOCKED: 'A colleague has this study open',
  OUTPUT_FONT_MISSING: 'The font for report PDFs cannot be read (config pdfFontPath)',
  OUTPUT_FAILED: 'A report output (PDF, DICOM, FHIR or HL7) could not be produced',
  HL7_SEND_FAILED: 'The HL7 destination did not accept the message (negative ACK, timeout or connection error)',
  FHIR_NOT_FOUND: 'No FHIR resource has this id',
  // Import and CLI
  IMPORT_UNREADABLE: 'A file could not be read',
  IMPORT_BAD_ARCHIVE: 'A zip archive or DICOMDIR is malformed',
  CONFIG_INVALID: 'The configuration is invalid',
  USAGE: 'The command was used incorrectly',
  INTERNAL: 'An internal error occurred',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface LingshuErrorOptions {
  cause?: unknown;
  /** Structured, PHI-free details (tag numbers, offsets, counts, parameter names). */
  details?: Record<string, string | number | boolean>;
}

export class LingshuError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, string | number | boolean>;

  constructor(code: ErrorCode, message?: string, options: LingshuErrorOptions = {}) {
    super(message ?? ERROR_CODES[code], options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LingshuError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

export function isLingshuError(value: unknown, code?: ErrorCode): value is LingshuError {
  return value instanceof LingshuError && (code === undefined || value.code === code);
}

/** Turns anything thrown into a LingshuError without leaking internals of unknown errors. */
export function toLingshuError(value: unknown): LingshuError {
  if (value instanceof LingshuError) return value;
  return new LingshuError('INTERNAL', undefined, { cause: value });
}
