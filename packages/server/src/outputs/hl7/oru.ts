/**
 * HL7 v2.5.1 ORU^R01 (unsolicited observation result) for a signed radiology report.
 * Segments: MSH, PID, ORC, OBR, then OBX per report section (FT, line breaks as \.br\) and per
 * measurement (NM with UCUM units). Encoding characters ^~\& and UTF-8 (MSH-18 "UNICODE UTF-8").
 */

/** Escapes a text for an HL7 v2 field (v2.5.1 Chapter 2.7): \ | ^ & ~ → \E\ \F\ \S\ \T\ \R\. */
export function hl7Escape(text: string): string {
  return text.replace(/[\\|^&~]/g, (c) => {
    switch (c) {
      case '\\':
        return '\\E\\';
      case '|':
        return '\\F\\';
      case '^':
        return '\\S\\';
      case '&':
        return '\\T\\';
      default:
        return '\\R\\';
    }
  });
}

/** Reverses hl7Escape (and turns \.br\ into a line break). */
export function hl7Unescape(text: string): string {
  return text.replace(/\\(E|F|S|T|R|\.br)\\/g, (_m, e: string) =>
    e === 'E' ? '\\' : e === 'F' ? '|' : e === 'S' ? '^' : e === 'T' ? '&' : e === 'R' ? '~' : '\n',
  );
}

/** Formatted text: escaped, with CR/LF line breaks as \.br\. */
function ft(text: string): string {
  return text.replace(/\r\n?/g, '\n').split('\n').map(hl7Escape).join('\\.br\\');
}

/** HL7 DTM in UTC with offset: YYYYMMDDHHMMSS+0000. */
export function hl7Time(d: Date): string {
  return `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}+0000`;
}

/** A coded element (CE/CWE): code^text^system, each component escaped. */
function ce(code: string, text: string, system: string): string {
  return [code, text, system].map(hl7Escape).join('^');
}

/** Section codes (LOINC, as in DICOM PS3.20 / HL7 CDA imaging reports). */
export const HL7_SECTION_CODES = {
  method: { code: '55111-9', text: 'Current imaging procedure descriptions' },
  findings: { code: '18782-3', text: 'Radiology Study observation (narrative)' },
  impression: { code: '19005-8', text: 'Radiology Imaging study [Impression] (narrative)' },
  recommendation: { code: '18783-1', text: 'Radiology Study recommendation (narrative)' },
  addendum: { code: '55107-7', text: 'Addendum' },
} as const;

export type Hl7SectionKey = keyof typeof HL7_SECTION_CODES;

export interface OruMeasurement {
  /** Groups the OBX of one finding (OBX-4 sub-ID). */
  findingIndex: number;
  code: { code: string; text: string; system: string };
  value: number;
  /** UCUM unit, e.g. mm, mm3, %. */
  unit: string;
  /** Abnormal flag / interpretation text, e.g. Lung-RADS 4A (OBX-8 is coded; we put it in a note-free OBX-8 text). */
  interpretation?: string;
}

export interface OruInput {
  messageControlId: string;
  at: Date;
  sending: { application: string; facility: string };
  receiving: { application: string; facility: string };
  patient: { id?: string; idIssuer?: string; name?: string; birthDate?: string; sex?: string };
  order: {
    placer?: string;
    filler?: string;
    accession?: string;
    /** Universal service identifier (OBR-4). */
    service?: { code: string; text: string; system: string };
    /** DICOM modality, for OBR-24 (diagnostic service section), e.g. CT. */
    modality?: string;
    observedAt?: Date;
    studyInstanceUid?: string;
  };
  /** F: final; C: corrected (an addendum changed a signed report). */
  resultStatus: 'F' | 'C';
  sections: readonly { key: Hl7SectionKey; text: string }[];
  measurements: readonly OruMeasurement[];
  signer: { id: string; name?: string };
}

function segment(name: string, fields: readonly (string | undefined)[]): string {
  let last = fields.length;
  while (last > 0 && !fields[last - 1]) last--;
  return [name, ...fields.slice(0, last).map((f) => f ?? '')].join('|');
}

/** Puts values at 1-based field positions. */
function fieldsAt(entries: Record<number, string | undefined>): (string | undefined)[] {
  const max = Math.max(0, ...Object.keys(entries).map(Number));
  const out: (string | undefined)[] = new Array(max).fill(undefined);
  for (const [k, v] of Object.entries(entries)) out[Number(k) - 1] = v;
  return out;
}

/** A DICOM person name (Family^Given^Middle^Prefix^Suffix) as an XPN: components escaped. */
function xpn(pn: string | undefined): string | undefined {
  if (!pn) return undefined;
  const first = pn.split('=')[0] ?? '';
  return first.split('^').map(hl7Escape).join('^');
}

export function buildOru(input: OruInput): string {
  const at = hl7Time(input.at);
  const segs: string[] = [];
  // MSH-1 is the field separator itself, MSH-2 the encoding characters: written literally.
  segs.push(
    `MSH|^~\\&|${[
      hl7Escape(input.sending.application),
      hl7Escape(input.sending.facility),
      hl7Escape(input.receiving.application),
      hl7Escape(input.receiving.facility),
      at,
      '',
      'ORU^R01^ORU_R01',
      hl7Escape(input.messageControlId),
      'P',
      '2.5.1',
      '',
      '',
      'AL',
      'NE',
      '',
      'UNICODE UTF-8',
    ].join('|')}`,
  );
  const p = input.patient;
  segs.push(
    segment(
      'PID',
      fieldsAt({
        1: '1',
        3: p.id ? `${hl7Escape(p.id)}^^^${hl7Escape(p.idIssuer ?? '')}^MR` : undefined,
        5: xpn(p.name),
        7: p.birthDate,
        8: p.sex,
      }),
    ),
  );
  const o = input.order;
  const placer = o.placer ? hl7Escape(o.placer) : undefined;
  const filler = o.filler ? hl7Escape(o.filler) : undefined;
  segs.push(segment('ORC', fieldsAt({ 1: 'RE', 2: placer, 3: filler, 5: 'CM' })));
  const service = o.service ?? { code: 'RAD', text: 'Radiology report', system: 'L' };
  const signer = `${hl7Escape(input.signer.id)}&${hl7Escape(input.signer.name ?? '')}`;
  segs.push(
    segment(
      'OBR',
      fieldsAt({
        1: '1',
        2: placer,
        3: filler,
        4: ce(service.code, service.text, service.system),
        7: o.observedAt ? hl7Time(o.observedAt) : undefined,
        18: o.accession ? hl7Escape(o.accession) : undefined,
        19: o.studyInstanceUid,
        22: at,
        24: o.modality ? hl7Escape(o.modality) : undefined,
        25: input.resultStatus,
        32: signer,
      }),
    ),
  );
  let n = 0;
  for (const s of input.sections) {
    if (!s.text.trim()) continue;
    const c = HL7_SECTION_CODES[s.key];
    n++;
    segs.push(
      segment(
        'OBX',
        fieldsAt({ 1: String(n), 2: 'FT', 3: ce(c.code, c.text, 'LN'), 5: ft(s.text), 11: input.resultStatus, 14: at }),
      ),
    );
  }
  for (const m of input.measurements) {
    if (!Number.isFinite(m.value)) continue;
    n++;
    segs.push(
      segment(
        'OBX',
        fieldsAt({
          1: String(n),
          2: 'NM',
          3: ce(m.code.code, m.code.text, m.code.system),
          4: String(m.findingIndex),
          5: String(Math.round(m.value * 100) / 100),
          6: ce(m.unit, m.unit, 'UCUM'),
          8: m.interpretation ? hl7Escape(m.interpretation) : undefined,
          11: input.resultStatus,
          14: at,
        }),
      ),
    );
  }
  return `${segs.join('\r')}\r`;
}

/** Splits a message into segments and fields (no component parsing). */
export function parseHl7(message: string): string[][] {
  return message
    .split(/\r\n?|\n/)
    .filter((s) => s.length > 0)
    .map((s) => s.split('|'));
}

/** Builds an ACK for a received message (used by tests and a local receiver). */
export function buildAck(received: string, code: 'AA' | 'AE' | 'AR', text = ''): string {
  const msh = parseHl7(received).find((s) => s[0] === 'MSH') ?? [];
  const ctrl = msh[9] ?? '';
  return `MSH|^~\\&|${msh[4] ?? ''}|${msh[5] ?? ''}|${msh[2] ?? ''}|${msh[3] ?? ''}|${hl7Time(new Date())}||ACK^R01^ACK|ACK${ctrl}|P|2.5.1\rMSA|${code}|${ctrl}${text ? `|${hl7Escape(text)}` : ''}\r`;
}
