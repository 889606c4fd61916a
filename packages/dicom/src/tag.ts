/** A DICOM tag as one unsigned 32-bit number: (group << 16) | element. */
export type Tag = number;

export function tag(group: number, element: number): Tag {
  return ((group << 16) | element) >>> 0;
}

export function tagGroup(t: Tag): number {
  return t >>> 16;
}

export function tagElement(t: Tag): number {
  return t & 0xffff;
}

/** "(0010,0010)" */
export function formatTag(t: Tag): string {
  const hex = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');
  return `(${hex(tagGroup(t))},${hex(tagElement(t))})`;
}

/** "00100010", the form DICOM JSON uses. */
export function tagHex(t: Tag): string {
  return t.toString(16).toUpperCase().padStart(8, '0');
}

export function parseTagHex(s: string): Tag | undefined {
  if (!/^[0-9A-Fa-f]{8}$/.test(s)) return undefined;
  return Number.parseInt(s, 16) >>> 0;
}

export function isPrivateTag(t: Tag): boolean {
  return (tagGroup(t) & 1) === 1;
}

/** Frequently used tags, named with the standard's keywords. */
export const Tags = {
  FileMetaInformationGroupLength: 0x00020000,
  FileMetaInformationVersion: 0x00020001,
  MediaStorageSOPClassUID: 0x00020002,
  MediaStorageSOPInstanceUID: 0x00020003,
  TransferSyntaxUID: 0x00020010,
  ImplementationClassUID: 0x00020012,
  ImplementationVersionName: 0x00020013,
  SourceApplicationEntityTitle: 0x00020016,
  SpecificCharacterSet: 0x00080005,
  ImageType: 0x00080008,
  SOPClassUID: 0x00080016,
  SOPInstanceUID: 0x00080018,
  StudyDate: 0x00080020,
  SeriesDate: 0x00080021,
  AcquisitionDate: 0x00080022,
  ContentDate: 0x00080023,
  StudyTime: 0x00080030,
  SeriesTime: 0x00080031,
  AcquisitionTime: 0x00080032,
  ContentTime: 0x00080033,
  AccessionNumber: 0x00080050,
  Modality: 0x00080060,
  ModalitiesInStudy: 0x00080061,
  Manufacturer: 0x00080070,
  InstitutionName: 0x00080080,
  ReferringPhysicianName: 0x00080090,
  StationName: 0x00081010,
  StudyDescription: 0x00081030,
  SeriesDescription: 0x0008103e,
  ManufacturerModelName: 0x00081090,
  PatientName: 0x00100010,
  PatientID: 0x00100020,
  IssuerOfPatientID: 0x00100021,
  PatientBirthDate: 0x00100030,
  PatientSex: 0x00100040,
  PatientAge: 0x00101010,
  BodyPartExamined: 0x00180015,
  SliceThickness: 0x00180050,
  KVP: 0x00180060,
  ConvolutionKernel: 0x00181210,
  GantryDetectorTilt: 0x00181120,
  PatientPosition: 0x00185100,
  StudyInstanceUID: 0x0020000d,
  SeriesInstanceUID: 0x0020000e,
  StudyID: 0x00200010,
  SeriesNumber: 0x00200011,
  AcquisitionNumber: 0x00200012,
  InstanceNumber: 0x00200013,
  ImagePositionPatient: 0x00200032,
  ImageOrientationPatient: 0x00200037,
  FrameOfReferenceUID: 0x00200052,
  SliceLocation: 0x00201041,
  NumberOfStudyRelatedSeries: 0x00201206,
  NumberOfStudyRelatedInstances: 0x00201208,
  NumberOfSeriesRelatedInstances: 0x00201209,
  SamplesPerPixel: 0x00280002,
  PhotometricInterpretation: 0x00280004,
  PlanarConfiguration: 0x00280006,
  NumberOfFrames: 0x00280008,
  Rows: 0x00280010,
  Columns: 0x00280011,
  PixelSpacing: 0x00280030,
  BitsAllocated: 0x00280100,
  BitsStored: 0x00280101,
  HighBit: 0x00280102,
  PixelRepresentation: 0x00280103,
  WindowCenter: 0x00281050,
  WindowWidth: 0x00281051,
  RescaleIntercept: 0x00281052,
  RescaleSlope: 0x00281053,
  RescaleType: 0x00281054,
  LossyImageCompression: 0x00282110,
  ExtendedOffsetTable: 0x7fe00001,
  ExtendedOffsetTableLengths: 0x7fe00002,
  FloatPixelData: 0x7fe00008,
  DoubleFloatPixelData: 0x7fe00009,
  PixelData: 0x7fe00010,
  Item: 0xfffee000,
  ItemDelimitationItem: 0xfffee00d,
  SequenceDelimitationItem: 0xfffee0dd,
} as const;
