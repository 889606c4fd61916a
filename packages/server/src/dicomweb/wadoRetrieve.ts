import type { Archive, InstanceFile } from '@lingshu/archive';
import {
  canTranscodeToNative,
  isEncapsulatedTransferSyntax,
  parseDicom,
  TransferSyntax,
  transcodeToExplicitLittleEndian,
} from '@lingshu/dicom';
import type { FastifyReply } from 'fastify';
import { type MultipartPart, multipartContentType, multipartStream, newBoundary } from '../http/multipartWriter.js';
import { covers, type MediaRange, parseAccept, partRange } from './wadoAccept.js';
import { notAcceptable } from './wadoErrors.js';

const DICOM = 'application/dicom';
const EXPLICIT_LE = TransferSyntax.ExplicitVRLittleEndian;

/** How one instance is sent: its stored bytes, or rewritten as Explicit VR Little Endian. */
type InstanceMode = 'stored' | 'explicit-le';

export interface DicomPlan {
  /** `multipart/related` (the norm) or a bare `application/dicom` body (one instance only). */
  multipart: boolean;
  modes: InstanceMode[];
}

/**
 * Can `file` be sent in `requested` (a transfer syntax UID, `*`, or undefined = the default)?
 * PS3.18 §8.7.3.5.2: the default for application/dicom is Explicit VR Little Endian. When the
 * default is implied (not asked for) and the stored pixels cannot be decoded (e.g. video), the
 * stored syntax is sent rather than failing the whole retrieve (docs/dicomweb.md says so).
 */
function modeFor(file: InstanceFile, requested: string | undefined): InstanceMode | undefined {
  const stored = file.transferSyntaxUid;
  if (requested === '*' || requested === stored) return 'stored';
  if (requested === undefined || requested === EXPLICIT_LE) {
    if (stored === EXPLICIT_LE) return 'stored';
    if (!isEncapsulatedTransferSyntax(stored) || canTranscodeToNative(stored)) return 'explicit-le';
    return requested === undefined ? 'stored' : undefined;
  }
  return undefined;
}

function planFor(range: MediaRange, files: readonly InstanceFile[], single: boolean): DicomPlan | undefined {
  let multipart = true;
  if (range.mediaType === DICOM) {
    if (!single) return undefined;
    multipart = false;
  } else {
    const part = partRange(range, DICOM);
    if (part === undefined || !covers(part, DICOM)) return undefined;
  }
  const requested = range.params['transfer-syntax'];
  const modes: InstanceMode[] = [];
  for (const f of files) {
    const mode = modeFor(f, requested);
    if (!mode) return undefined;
    modes.push(mode);
  }
  return { multipart, modes };
}

/** Chooses the first acceptable media range (by q, then order) every instance can be sent in; 406 when none. */
export function negotiateDicom(
  accept: string | undefined,
  files: readonly InstanceFile[],
  allowSinglePart: boolean,
): DicomPlan {
  for (const range of parseAccept(accept)) {
    const plan = planFor(range, files, allowSinglePart && files.length === 1);
    if (plan) return plan;
  }
  throw notAcceptable('this DICOM retrieve');
}

async function transcoded(archive: Archive, file: InstanceFile): Promise<Uint8Array> {
  const parsed = parseDicom(await archive.files.get(file.storageKey));
  return transcodeToExplicitLittleEndian(parsed);
}

function partOf(archive: Archive, file: InstanceFile, mode: InstanceMode, ready?: Uint8Array): MultipartPart {
  const ts = mode === 'stored' ? file.transferSyntaxUid : EXPLICIT_LE;
  const contentType = `${DICOM}; transfer-syntax=${ts}`;
  if (mode === 'stored') return { contentType, body: archive.files.createReadStream(file.storageKey) };
  if (ready) return { contentType, body: ready };
  // Transcoding needs the whole object; one instance at a time is in memory.
  return {
    contentType,
    body: (async function* () {
      yield await transcoded(archive, file);
    })(),
  };
}

/** Sends instances as PS3.18 §10.4 requires: stored files streamed from the object store. */
export async function sendInstances(
  reply: FastifyReply,
  archive: Archive,
  files: readonly InstanceFile[],
  plan: DicomPlan,
): Promise<FastifyReply> {
  if (!plan.multipart) {
    const [file] = files;
    const mode = plan.modes[0] ?? 'stored';
    if (!file) throw notAcceptable('an empty retrieve');
    const ts = mode === 'stored' ? file.transferSyntaxUid : EXPLICIT_LE;
    reply.header('content-type', `${DICOM}; transfer-syntax=${ts}`);
    if (mode === 'stored') return reply.send(archive.files.createReadStream(file.storageKey));
    return reply.send(Buffer.from(await transcoded(archive, file)));
  }
  const boundary = newBoundary();
  // The first transcode runs before the status is sent, so a single-instance retrieve that cannot
  // be decoded is a coded error; later failures can only cut the stream short (logged by Fastify).
  const first = files[0] && plan.modes[0] === 'explicit-le' ? await transcoded(archive, files[0]) : undefined;
  const parts = (function* () {
    for (const [i, file] of files.entries())
      yield partOf(archive, file, plan.modes[i] ?? 'stored', i === 0 ? first : undefined);
  })();
  reply.header('content-type', multipartContentType(DICOM, boundary));
  return reply.send(multipartStream(parts, boundary));
}
