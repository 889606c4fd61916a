import { ERROR_CODES, type ErrorCode, LingshuError, toLingshuError } from '@lingshu/dicom';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Every error code's HTTP status, in one table (the compiler checks it is complete). Errors in
 * the data a client sent are 4xx; failures of ours are 5xx.
 */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  DICOM_NOT_DICOM: 400,
  DICOM_TRUNCATED: 400,
  DICOM_BAD_LENGTH: 400,
  DICOM_BAD_VR: 400,
  DICOM_BAD_STRUCTURE: 400,
  DICOM_UNSUPPORTED_TRANSFER_SYNTAX: 415,
  DICOM_MISSING_ATTRIBUTE: 400,
  DICOM_BAD_VALUE: 400,
  DICOM_CHARSET: 400,
  PIXEL_NO_DATA: 404,
  PIXEL_BAD_DESCRIPTION: 422,
  PIXEL_DECODE_FAILED: 422,
  PIXEL_FRAME_OUT_OF_RANGE: 404,
  VOLUME_EMPTY: 422,
  VOLUME_MIXED_ORIENTATION: 422,
  VOLUME_DUPLICATE_POSITION: 422,
  VOLUME_MISSING_GEOMETRY: 422,
  VOLUME_INCONSISTENT_SLICES: 422,
  VOLUME_GAP: 422,
  VOLUME_GANTRY_TILT: 422,
  ARCHIVE_DUPLICATE_CONFLICT: 409,
  ARCHIVE_NOT_FOUND: 404,
  ARCHIVE_STORAGE_FAILED: 500,
  ARCHIVE_INDEX_FAILED: 500,
  ARCHIVE_BAD_CURSOR: 400,
  ARCHIVE_STUDY_NOT_WRITABLE: 409,
  INSTITUTION_NOT_FOUND: 404,
  INSTITUTION_CONFLICT: 409,
  HTTP_BAD_PARAMETER: 400,
  HTTP_NOT_FOUND: 404,
  HTTP_METHOD_NOT_ALLOWED: 405,
  HTTP_NOT_ACCEPTABLE: 406,
  HTTP_UNSUPPORTED_MEDIA_TYPE: 415,
  HTTP_PAYLOAD_TOO_LARGE: 413,
  HTTP_MULTIPART_MALFORMED: 400,
  HTTP_UNAVAILABLE: 503,
  STOW_STUDY_MISMATCH: 409,
  STOW_SOP_CLASS_UNSUPPORTED: 409,
  RENDER_UNSUPPORTED: 406,
  DIMSE_AE_NOT_ALLOWED: 403,
  DIMSE_UNKNOWN_DESTINATION: 400,
  DIMSE_PEER_FAILED: 502,
  DIMSE_BAD_QUERY: 400,
  AI_NOT_APPLICABLE: 422,
  AI_CANCELLED: 409,
  AI_FAILED: 500,
  AI_BAD_INPUT: 400,
  RULE_INVALID: 400,
  JOB_NOT_FOUND: 404,
  AUTH_REQUIRED: 401,
  AUTH_INVALID_CREDENTIALS: 401,
  AUTH_FORBIDDEN: 403,
  AUTH_WEAK_PASSWORD: 400,
  AUTH_USER_EXISTS: 409,
  AUTH_REAUTH_REQUIRED: 403,
  AUTH_UNKNOWN_USER: 403,
  AUTH_OIDC_FAILED: 401,
  REPORT_INVALID: 400,
  REPORT_ALREADY_SIGNED: 409,
  REPORT_NOT_SIGNED: 409,
  REPORT_QC_BLOCKED: 422,
  REPORT_NOT_FOUND: 404,
  REPORT_EXISTS: 409,
  REPORT_VERSION_CONFLICT: 409,
  STUDY_LOCKED: 409,
  OUTPUT_FONT_MISSING: 500,
  OUTPUT_FAILED: 500,
  HL7_SEND_FAILED: 502,
  FHIR_NOT_FOUND: 404,
  IMPORT_UNREADABLE: 400,
  IMPORT_BAD_ARCHIVE: 400,
  CONFIG_INVALID: 500,
  USAGE: 400,
  INTERNAL: 500,
};

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: Record<string, string | number | boolean> };
}

/** Throw this from a route: the boundary handler turns it into the right status and body. */
export function httpError(
  code: ErrorCode,
  message?: string,
  details?: Record<string, string | number | boolean>,
): LingshuError {
  return new LingshuError(code, message, details ? { details } : {});
}

/** A JSON-schema failure naming the field (never its value): `details.field` like `body.password`. */
function validationError(e: FastifyError): LingshuError {
  const first = e.validation?.[0];
  const params = (first?.params ?? {}) as Record<string, unknown>;
  const path = [
    ...(first?.instancePath ?? '').split('/').filter((p) => p !== ''),
    ...(typeof params.missingProperty === 'string' ? [params.missingProperty] : []),
    ...(typeof params.additionalProperty === 'string' ? [params.additionalProperty] : []),
  ].join('.');
  const field = [e.validationContext, path].filter((p) => p).join('.');
  if (!field) return new LingshuError('HTTP_BAD_PARAMETER', 'The request does not match the route schema');
  return new LingshuError('HTTP_BAD_PARAMETER', `The request field ${field} is missing or invalid`, {
    details: { field },
  });
}

/** Fastify's own errors (parsers, limits, routing) in Lingshu's vocabulary. */
function fromFastify(e: FastifyError): LingshuError | undefined {
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new LingshuError('HTTP_PAYLOAD_TOO_LARGE', 'The request body is larger than allowed');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new LingshuError('HTTP_UNSUPPORTED_MEDIA_TYPE', 'The request content type is not accepted here');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new LingshuError('HTTP_BAD_PARAMETER', 'The request body is not valid JSON');
    case 'FST_ERR_VALIDATION':
      return validationError(e);
    default:
      break;
  }
  if (e.code === 'FST_ERR_CTP_INVALID_TYPE' || e instanceof SyntaxError)
    return new LingshuError('HTTP_BAD_PARAMETER', 'The request body could not be parsed');
  if (typeof e.statusCode === 'number' && e.statusCode === 413)
    return new LingshuError('HTTP_PAYLOAD_TOO_LARGE', 'The request body is larger than allowed');
  if (typeof e.statusCode === 'number' && e.statusCode === 415)
    return new LingshuError('HTTP_UNSUPPORTED_MEDIA_TYPE', 'The request content type is not accepted here');
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500)
    return new LingshuError('HTTP_BAD_PARAMETER', 'The request is malformed');
  return undefined;
}

/** Any thrown value as a coded error; unknown errors become INTERNAL without their internals. */
export function toHttpError(e: unknown): LingshuError {
  if (e instanceof LingshuError) return e;
  if (e instanceof Error && 'code' in e && typeof (e as FastifyError).code === 'string') {
    const mapped = fromFastify(e as FastifyError);
    if (mapped) return mapped;
  }
  return toLingshuError(e);
}

export function errorBody(err: LingshuError): ErrorBody {
  // INTERNAL never carries its cause's message: that could hold paths, SQL or data.
  const message = err.code === 'INTERNAL' ? ERROR_CODES.INTERNAL : err.message;
  return { error: { code: err.code, message, details: err.code === 'INTERNAL' ? {} : err.details } };
}

export function sendError(reply: FastifyReply, err: LingshuError): FastifyReply {
  return reply
    .status(HTTP_STATUS[err.code])
    .header('content-type', 'application/json; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(errorBody(err));
}

/** The one boundary: every route's errors and 404s leave as `{ error: { code, message, details } }`. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((e: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const err = toHttpError(e);
    const status = HTTP_STATUS[err.code];
    if (status >= 500) {
      // Operators get the error class and stack frames, not the message: messages of unknown
      // errors (SQL, parsers) can quote data, and logs carry no PHI.
      const kind = e instanceof Error ? e.constructor.name : typeof e;
      const frames = e instanceof Error ? (e.stack ?? '').split('\n').slice(1, 12).join('\n') : '';
      request.log.error({ code: err.code, kind, frames }, 'request failed');
    } else {
      request.log.info({ code: err.code }, 'request rejected');
    }
    return sendError(reply, err);
  });
  app.setNotFoundHandler((_request, reply) =>
    sendError(reply, new LingshuError('HTTP_NOT_FOUND', 'No resource matches the request')),
  );
}
