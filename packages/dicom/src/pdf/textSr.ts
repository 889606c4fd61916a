import { Dataset } from '../dataset.js';
import { type CodeTriplet, dicomDateTime, newItem, put, putEmpty, putSeq } from '../sr/build.js';
import { LANGUAGE_CODES, SRCodes } from '../sr/codes.js';
import { copyPatientStudy, DEFAULT_EQUIPMENT, type EquipmentInfo, putEquipment } from '../sr/common.js';
import { type ContentNode, writeContentItem } from '../sr/content.js';
import { Tags } from '../tag.js';
import { getString } from '../values.js';
import { LOINC_DIAGNOSTIC_IMAGING_STUDY } from './encapsulated.js';

export const BASIC_TEXT_SR_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.88.11';

/** Section headings of TID 2000 (PS3.16 CID 7001) and the TEXT concept of each. */
export const REPORT_SR_CODES = {
  procedure: { value: '121064', scheme: 'DCM', meaning: 'Current Procedure Descriptions' },
  procedureText: { value: '121065', scheme: 'DCM', meaning: 'Procedure Description' },
  findings: { value: '121070', scheme: 'DCM', meaning: 'Findings' },
  findingText: { value: '121071', scheme: 'DCM', meaning: 'Finding' },
  impressions: { value: '121072', scheme: 'DCM', meaning: 'Impressions' },
  impressionText: { value: '121073', scheme: 'DCM', meaning: 'Impression' },
  recommendations: { value: '121074', scheme: 'DCM', meaning: 'Recommendations' },
  recommendationText: { value: '121075', scheme: 'DCM', meaning: 'Recommendation' },
  addendum: { value: '121078', scheme: 'DCM', meaning: 'Addendum' },
} as const satisfies Record<string, CodeTriplet>;

export interface ReportSrInput {
  source: Dataset;
  language: 'zh-CN' | 'en';
  method: string;
  findings: string;
  impression: string;
  recommendation?: string;
  addenda?: readonly string[];
  /** The signer: written as Verifying Observer (VerificationFlag VERIFIED). */
  verifier: { name: string; organization: string };
  verifiedAt: Date;
  sopInstanceUID: string;
  seriesInstanceUID: string;
  seriesNumber?: number;
  seriesDescription?: string;
  /** Images the report refers to (key images): listed in Current Requested Procedure Evidence. */
  evidence?: readonly { seriesInstanceUID: string; sopClassUID: string; sopInstanceUID: string }[];
  equipment?: EquipmentInfo;
}

function section(concept: CodeTriplet, textConcept: CodeTriplet, text: string): ContentNode {
  return {
    relationship: 'CONTAINS',
    type: 'CONTAINER',
    concept,
    children: [{ relationship: 'CONTAINS', type: 'TEXT', concept: textConcept, text }],
  };
}

/**
 * Writes a signed report as Basic Text SR (1.2.840.10008.5.1.4.1.1.88.11) following TID 2000
 * (Basic Diagnostic Imaging Report): root "Diagnostic imaging study" (LOINC 18748-4), language,
 * and one container per section (procedure, findings, impressions, recommendations, addenda)
 * holding the section's text. VerificationFlag VERIFIED with the signer as Verifying Observer.
 */
export function writeReportSr(input: ReportSrInput): Dataset {
  const ds = new Dataset();
  put(ds, 'SpecificCharacterSet', 'ISO_IR 192');
  const { date, time } = dicomDateTime(input.verifiedAt);
  put(ds, 'InstanceCreationDate', date);
  put(ds, 'InstanceCreationTime', time);
  put(ds, 'SOPClassUID', BASIC_TEXT_SR_SOP_CLASS);
  put(ds, 'SOPInstanceUID', input.sopInstanceUID);
  put(ds, 'TimezoneOffsetFromUTC', '+0000');
  copyPatientStudy(ds, input.source);
  put(ds, 'Modality', 'SR');
  put(ds, 'SeriesInstanceUID', input.seriesInstanceUID);
  put(ds, 'SeriesNumber', input.seriesNumber ?? 9102);
  put(ds, 'SeriesDate', date);
  put(ds, 'SeriesTime', time);
  if (input.seriesDescription) put(ds, 'SeriesDescription', input.seriesDescription);
  putEmpty(ds, 'ReferencedPerformedProcedureStepSequence');
  putEquipment(ds, input.equipment ?? DEFAULT_EQUIPMENT);
  put(ds, 'InstanceNumber', 1);
  put(ds, 'ContentDate', date);
  put(ds, 'ContentTime', time);
  put(ds, 'CompletionFlag', 'COMPLETE');
  put(ds, 'VerificationFlag', 'VERIFIED');
  const observer = newItem(ds, {
    VerifyingObserverName: input.verifier.name,
    VerifyingOrganization: input.verifier.organization,
    VerificationDateTime: `${date}${time}+0000`,
  });
  putEmpty(observer, 'VerifyingObserverIdentificationCodeSequence');
  putSeq(ds, 'VerifyingObserverSequence', [observer]);
  putEmpty(ds, 'PerformedProcedureCodeSequence');
  const evidence = input.evidence ?? [];
  if (evidence.length > 0) {
    const studyUid = getString(ds, Tags.StudyInstanceUID) ?? '';
    const bySeries = new Map<string, Dataset[]>();
    const study = newItem(ds, { StudyInstanceUID: studyUid });
    for (const e of evidence) {
      const list = bySeries.get(e.seriesInstanceUID) ?? [];
      list.push(newItem(ds, { ReferencedSOPClassUID: e.sopClassUID, ReferencedSOPInstanceUID: e.sopInstanceUID }));
      bySeries.set(e.seriesInstanceUID, list);
    }
    putSeq(
      study,
      'ReferencedSeriesSequence',
      [...bySeries].map(([uid, refs]) => {
        const s = newItem(study, { SeriesInstanceUID: uid });
        putSeq(s, 'ReferencedSOPSequence', refs);
        return s;
      }),
    );
    putSeq(ds, 'CurrentRequestedProcedureEvidenceSequence', [study]);
  }

  const c = REPORT_SR_CODES;
  const children: ContentNode[] = [
    {
      relationship: 'HAS CONCEPT MOD',
      type: 'CODE',
      concept: SRCodes.LanguageOfContent,
      code: LANGUAGE_CODES[input.language],
    },
  ];
  if (input.method.trim()) children.push(section(c.procedure, c.procedureText, input.method));
  if (input.findings.trim()) children.push(section(c.findings, c.findingText, input.findings));
  if (input.impression.trim()) children.push(section(c.impressions, c.impressionText, input.impression));
  if (input.recommendation?.trim())
    children.push(section(c.recommendations, c.recommendationText, input.recommendation));
  for (const a of input.addenda ?? []) if (a.trim()) children.push(section(c.addendum, c.addendum, a));
  const root = writeContentItem(
    ds,
    {
      relationship: 'CONTAINS',
      type: 'CONTAINER',
      concept: LOINC_DIAGNOSTIC_IMAGING_STUDY,
      template: '2000',
      children,
    },
    true,
  );
  for (const el of root.elements.values()) {
    if (el.items) for (const it of el.items) it.parent = ds;
    ds.set(el);
  }
  return ds;
}
