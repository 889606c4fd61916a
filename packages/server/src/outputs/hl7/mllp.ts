import { connect, type Socket } from 'node:net';
import { LingshuError } from '@lingshu/dicom';
import { parseHl7 } from './oru.js';

/** MLLP framing (HL7 v2 Transport, Minimal Lower Layer Protocol): 0x0B message 0x1C 0x0D. */
export const MLLP_START = 0x0b;
export const MLLP_END = 0x1c;
export const MLLP_CR = 0x0d;

export function mllpFrame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from([MLLP_START]), body, Buffer.from([MLLP_END, MLLP_CR])]);
}

/**
 * Accumulates bytes and yields complete MLLP frames (payload as UTF-8). Bytes before a start
 * block are dropped.
 */
export class MllpDecoder {
  private buf = Buffer.alloc(0);
  push(chunk: Buffer): string[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: string[] = [];
    for (;;) {
      const start = this.buf.indexOf(MLLP_START);
      if (start < 0) {
        this.buf = Buffer.alloc(0);
        return out;
      }
      let end = -1;
      for (let i = start + 1; i < this.buf.length - 1; i++)
        if (this.buf[i] === MLLP_END && this.buf[i + 1] === MLLP_CR) {
          end = i;
          break;
        }
      if (end < 0) {
        this.buf = this.buf.subarray(start);
        return out;
      }
      out.push(this.buf.subarray(start + 1, end).toString('utf8'));
      this.buf = this.buf.subarray(end + 2);
    }
  }
}

export interface Hl7Destination {
  /** A name for logs and the outputs table (no PHI). */
  name: string;
  host: string;
  port: number;
  receivingApplication: string;
  receivingFacility: string;
}

export interface MllpSendOptions {
  /** Time to wait for the ACK of one attempt (default 10 s). */
  timeoutMs?: number;
  /** Attempts after the first (default 2). */
  retries?: number;
  /** Delay between attempts (default 1 s; doubled each retry). */
  retryDelayMs?: number;
}

export type AckCode = 'AA' | 'AE' | 'AR' | 'CA' | 'CE' | 'CR';

export interface MllpResult {
  ackCode: AckCode;
  attempts: number;
}

export interface MllpAttemptError {
  attempt: number;
  /** The ACK code, or 'timeout' / 'connection' / 'bad-ack'. */
  reason: string;
}

/** One attempt: connect, send one frame, wait for one framed ACK whose MSA-2 matches. */
function attempt(
  dest: Hl7Destination,
  message: string,
  controlId: string,
  timeoutMs: number,
): Promise<AckCode | string> {
  return new Promise((resolve) => {
    let settled = false;
    let socket: Socket | undefined;
    const finish = (r: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    const decoder = new MllpDecoder();
    socket = connect({ host: dest.host, port: dest.port }, () => socket?.write(mllpFrame(message)));
    socket.on('error', () => finish('connection'));
    socket.on('close', () => finish('connection'));
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) {
        const msa = parseHl7(frame).find((s) => s[0] === 'MSA');
        if (!msa) return finish('bad-ack');
        if (msa[2] !== controlId) continue; // an ACK for another message: keep waiting
        const code = msa[1] ?? '';
        return finish(['AA', 'AE', 'AR', 'CA', 'CE', 'CR'].includes(code) ? code : 'bad-ack');
      }
    });
  });
}

function controlIdOf(message: string): string {
  const msh = parseHl7(message).find((s) => s[0] === 'MSH');
  const id = msh?.[9];
  if (!id) throw new LingshuError('OUTPUT_FAILED', 'The HL7 message has no MSH-10 control id');
  return id;
}

/**
 * Sends one message over MLLP and waits for its ACK. AA/CA is success. AE, AR, CE, CR, a
 * timeout, a connection error or an unreadable ACK are retried up to `retries` times with
 * doubling delay; after the last attempt HL7_SEND_FAILED is thrown with the last reason and the
 * attempt count in `details` (no message content).
 */
export async function sendMllp(
  dest: Hl7Destination,
  message: string,
  options: MllpSendOptions = {},
  onAttemptError?: (e: MllpAttemptError) => void,
): Promise<MllpResult> {
  const controlId = controlIdOf(message);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retries = options.retries ?? 2;
  let delay = options.retryDelayMs ?? 1000;
  let last = '';
  for (let i = 1; i <= retries + 1; i++) {
    const r = await attempt(dest, message, controlId, timeoutMs);
    if (r === 'AA' || r === 'CA') return { ackCode: r, attempts: i };
    last = r;
    onAttemptError?.({ attempt: i, reason: r });
    if (i <= retries) {
      await new Promise((res) => setTimeout(res, delay));
      delay *= 2;
    }
  }
  throw new LingshuError('HL7_SEND_FAILED', `HL7 destination ${dest.name} did not accept the message (${last})`, {
    details: { destination: dest.name, reason: last, attempts: retries + 1 },
  });
}
