import { keyedDigest } from './uidRemap.js';

const DAY_MS = 86_400_000;
/** Derived shifts move dates back by 1 to 10 years, so a shifted date never equals the original. */
const MIN_SHIFT_DAYS = 365;
const SHIFT_RANGE_DAYS = 3287;

/** A per-patient day offset derived from the patient ID and the secret (deterministic, negative). */
export function derivePatientDateShiftDays(secret: string, patientId: string): number {
  const n = keyedDigest(secret, 'date-shift', patientId).readUInt32BE(0);
  return -(MIN_SHIFT_DAYS + (n % SHIFT_RANGE_DAYS));
}

/** Shifts one DA value (YYYYMMDD) by whole days; undefined when the value is not a full date. */
export function shiftDA(value: string, days: number): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d));
  const check = new Date(ms);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return undefined;
  const shifted = new Date(ms + days * DAY_MS);
  const yyyy = shifted.getUTCFullYear();
  if (yyyy < 1 || yyyy > 9999) return undefined;
  return `${String(yyyy).padStart(4, '0')}${String(shifted.getUTCMonth() + 1).padStart(2, '0')}${String(shifted.getUTCDate()).padStart(2, '0')}`;
}

/** Shifts the date part of a DT value; the time and UTC offset are kept (whole-day shift). */
export function shiftDT(value: string, days: number): string | undefined {
  const m = /^(\d{8})(.*)$/u.exec(value);
  if (!m) return undefined;
  const date = shiftDA(m[1] ?? '', days);
  return date === undefined ? undefined : `${date}${m[2] ?? ''}`;
}
