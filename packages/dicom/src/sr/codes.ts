import type { CodeTriplet } from './build.js';

/** Codes used by the TID 1500 writer (PS3.16; clinical-reference.md "DICOM for results"). */
export const SRCodes = {
  ImagingMeasurementReport: { value: '126000', scheme: 'DCM', meaning: 'Imaging Measurement Report' },
  ImagingMeasurements: { value: '126010', scheme: 'DCM', meaning: 'Imaging Measurements' },
  MeasurementGroup: { value: '125007', scheme: 'DCM', meaning: 'Measurement Group' },
  ImageLibrary: { value: '111028', scheme: 'DCM', meaning: 'Image Library' },
  ImageLibraryGroup: { value: '126200', scheme: 'DCM', meaning: 'Image Library Group' },
  LanguageOfContent: { value: '121049', scheme: 'DCM', meaning: 'Language of Content Item and Descendants' },
  ObserverType: { value: '121005', scheme: 'DCM', meaning: 'Observer Type' },
  Device: { value: '121007', scheme: 'DCM', meaning: 'Device' },
  DeviceObserverUID: { value: '121012', scheme: 'DCM', meaning: 'Device Observer UID' },
  DeviceObserverName: { value: '121013', scheme: 'DCM', meaning: 'Device Observer Name' },
  DeviceObserverManufacturer: { value: '121014', scheme: 'DCM', meaning: 'Device Observer Manufacturer' },
  DeviceObserverModelName: { value: '121015', scheme: 'DCM', meaning: 'Device Observer Model Name' },
  ProcedureReported: { value: '121058', scheme: 'DCM', meaning: 'Procedure reported' },
  TrackingIdentifier: { value: '112039', scheme: 'DCM', meaning: 'Tracking Identifier' },
  TrackingUniqueIdentifier: { value: '112040', scheme: 'DCM', meaning: 'Tracking Unique Identifier' },
  Finding: { value: '121071', scheme: 'DCM', meaning: 'Finding' },
  FindingSite: { value: '363698007', scheme: 'SCT', meaning: 'Finding Site' },
  ReferencedSegment: { value: '121191', scheme: 'DCM', meaning: 'Referenced Segment' },
  SourceSeriesForSegmentation: { value: '121232', scheme: 'DCM', meaning: 'Source series for segmentation' },
  Nodule: { value: '27925004', scheme: 'SCT', meaning: 'Nodule' },
  Volume: { value: '118565006', scheme: 'SCT', meaning: 'Volume' },
  Diameter: { value: '81827009', scheme: 'SCT', meaning: 'Diameter' },
  Length: { value: '410668003', scheme: 'SCT', meaning: 'Length' },
  Laterality: { value: '272741003', scheme: 'SCT', meaning: 'Laterality' },
  Right: { value: '24028007', scheme: 'SCT', meaning: 'Right' },
  Left: { value: '7771000', scheme: 'SCT', meaning: 'Left' },
  ComputedTomography: { value: '77477000', scheme: 'SCT', meaning: 'Computed Tomography' },
} as const satisfies Record<string, CodeTriplet>;

/** UCUM units (PS3.16 CID 82 style: the UCUM code with a readable meaning). */
export const UCUM = {
  mm: { value: 'mm', scheme: 'UCUM', meaning: 'millimeter' },
  mm3: { value: 'mm3', scheme: 'UCUM', meaning: 'cubic millimeter' },
  mL: { value: 'mL', scheme: 'UCUM', meaning: 'milliliter' },
  hu: { value: "[hnsf'U]", scheme: 'UCUM', meaning: 'Hounsfield unit' },
  percent: { value: '%', scheme: 'UCUM', meaning: 'percent' },
  one: { value: '1', scheme: 'UCUM', meaning: 'no units' },
} as const satisfies Record<string, CodeTriplet>;

/** RFC 5646 language codes for DCM 121049 (PS3.16 CID 5000). */
export const LANGUAGE_CODES: Record<'zh-CN' | 'en', CodeTriplet> = {
  'zh-CN': { value: 'zh-CN', scheme: 'RFC5646', meaning: 'Chinese (China)' },
  en: { value: 'en-US', scheme: 'RFC5646', meaning: 'English (United States)' },
};
