import { LingshuError } from '@lingshu/dicom';

/*
 * WADO's errors. Statuses come from the one code → status table in http/errors.ts
 * (HTTP_NOT_FOUND 404, HTTP_BAD_PARAMETER 400, HTTP_NOT_ACCEPTABLE 406, PIXEL_FRAME_OUT_OF_RANGE
 * 404, RENDER_UNSUPPORTED 406).
 */

export function notFound(level: 'study' | 'series' | 'instance' | 'bulk data'): LingshuError {
  return new LingshuError('HTTP_NOT_FOUND', `No ${level} matches the request`, { details: { level } });
}

export function badParameter(parameter: string, message: string): LingshuError {
  return new LingshuError('HTTP_BAD_PARAMETER', message, { details: { parameter } });
}

export function notAcceptable(what: string): LingshuError {
  return new LingshuError('HTTP_NOT_ACCEPTABLE', `None of the accepted media types can be produced for ${what}`);
}
