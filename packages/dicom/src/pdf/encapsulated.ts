import { Dataset } from '../dataset.js';
import { LingshuError } from '../errors.js';
import { type CodeTriplet, dicomDateTime, put, putCode, putEmpty, tagOf } from '../sr/build.js';
import { copyPatientStudy, DEFAULT_EQUIPMENT, type EquipmentInfo, putEquipment } from '../sr/common.js';
import { SOPClass } from '../uids.js';

/** LOINC 18748-4 "Diagnostic imaging study" (the document type of a radiology report; PS3.16 CID 7020). */
export const LOINC_DIAGNOSTIC_IMAGING_STUDY: CodeTriplet = {
  value: '18748-4',
  scheme: 'LN',
  meaning: 'Diagnostic imaging study',
};

export interface EncapsulatedPdfInput {
  /** A header of the study (any instance): Patient and Study modules are copied from it. */
  source: Dataset;
  /** The PDF file bytes (must start with `%PDF-`). */
  pdf: Uint8Array;
  documentTitle: string;
  sopInstanceUID: string;
  seriesInstanceUID: string;
  seriesNumber?: number;
  instanceNumber?: number;
  seriesDescription?: string;
  /** Content date/time (the signature time). */
  at: Date;
  equipment?: EquipmentInfo;
  conceptName?: CodeTriplet;
}

/**
 * Writes an Encapsulated PDF instance (PS3.3 A.45.1, SOP Class 1.2.840.10008.5.1.4.1.1.104.1):
 * Patient, General Study, Encapsulated Document Series (Modality DOC), General Equipment,
 * SC Equipment (Conversion Type WSD), Encapsulated Document and SOP Common modules. The
 * document is padded to even length with a trailing NUL; Encapsulated Document Length gives the
 * unpadded size (PS3.3 C.24.2.1).
 */
export function writeEncapsulatedPdf(input: EncapsulatedPdfInput): Dataset {
  const pdf = input.pdf;
  if (pdf.length < 5 || String.fromCharCode(...pdf.subarray(0, 5)) !== '%PDF-')
    throw new LingshuError('DICOM_BAD_VALUE', 'The encapsulated document is not a PDF file');
  const ds = new Dataset();
  put(ds, 'SpecificCharacterSet', 'ISO_IR 192');
  const { date, time } = dicomDateTime(input.at);
  put(ds, 'InstanceCreationDate', date);
  put(ds, 'InstanceCreationTime', time);
  put(ds, 'SOPClassUID', SOPClass.EncapsulatedPDFStorage);
  put(ds, 'SOPInstanceUID', input.sopInstanceUID);
  put(ds, 'TimezoneOffsetFromUTC', '+0000');
  copyPatientStudy(ds, input.source);
  put(ds, 'Modality', 'DOC');
  put(ds, 'SeriesInstanceUID', input.seriesInstanceUID);
  put(ds, 'SeriesNumber', input.seriesNumber ?? 9101);
  put(ds, 'SeriesDate', date);
  put(ds, 'SeriesTime', time);
  if (input.seriesDescription) put(ds, 'SeriesDescription', input.seriesDescription);
  putEquipment(ds, input.equipment ?? DEFAULT_EQUIPMENT);
  put(ds, 'ConversionType', 'WSD');
  put(ds, 'InstanceNumber', input.instanceNumber ?? 1);
  put(ds, 'ContentDate', date);
  put(ds, 'ContentTime', time);
  put(ds, 'AcquisitionDateTime', `${date}${time}+0000`);
  put(ds, 'BurnedInAnnotation', 'YES');
  put(ds, 'DocumentTitle', input.documentTitle);
  putCode(ds, 'ConceptNameCodeSequence', input.conceptName ?? LOINC_DIAGNOSTIC_IMAGING_STUDY);
  put(ds, 'MIMETypeOfEncapsulatedDocument', 'application/pdf');
  const padded = new Uint8Array(pdf.length + (pdf.length % 2));
  padded.set(pdf);
  ds.set({ tag: tagOf('EncapsulatedDocument'), vr: 'OB', bytes: padded });
  put(ds, 'EncapsulatedDocumentLength', pdf.length);
  if (!ds.has(tagOf('AccessionNumber'))) putEmpty(ds, 'AccessionNumber');
  return ds;
}
