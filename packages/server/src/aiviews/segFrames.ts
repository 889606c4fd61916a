import {
  type Dataset,
  getNumbers,
  getSequence,
  getString,
  LingshuError,
  parseDicom,
  Tags,
  tagOfKeyword,
  unpackBitFrame,
} from '@lingshu/dicom';

/** One frame of a binary SEG: which segment, on which source slice. */
export interface SegFrame {
  index: number;
  segment: number;
  sourceSopInstanceUID: string | undefined;
  /** Image Position (Patient) of the frame (mm). */
  position: number[];
}

/** A binary DICOM SEG (as ai/export writes it), read for contours and centroids. */
export interface SegFrames {
  rows: number;
  columns: number;
  /** Shared Image Orientation (Patient) and Pixel Spacing [row, column] spacing. */
  orientation: number[];
  spacing: number[];
  frames: SegFrame[];
  /** Segment number → SNOMED code value of its Segmented Property Type. */
  segmentTypes: Map<number, string>;
  /** The frame's pixels, 1 inside. */
  mask(frame: SegFrame): Uint8Array;
}

const tagOf = (keyword: string): number => {
  const t = tagOfKeyword(keyword);
  if (t === undefined) throw new Error(`unknown keyword ${keyword}`);
  return t;
};

const T = {
  PerFrame: tagOf('PerFrameFunctionalGroupsSequence'),
  Shared: tagOf('SharedFunctionalGroupsSequence'),
  SegmentSequence: tagOf('SegmentSequence'),
  SegmentNumber: tagOf('SegmentNumber'),
  SegmentId: tagOf('SegmentIdentificationSequence'),
  ReferencedSegmentNumber: tagOf('ReferencedSegmentNumber'),
  Derivation: tagOf('DerivationImageSequence'),
  SourceImage: tagOf('SourceImageSequence'),
  ReferencedSop: tagOf('ReferencedSOPInstanceUID'),
  PlanePosition: tagOf('PlanePositionSequence'),
  PlaneOrientation: tagOf('PlaneOrientationSequence'),
  PixelMeasures: tagOf('PixelMeasuresSequence'),
  PropertyType: tagOf('SegmentedPropertyTypeCodeSequence'),
  CodeValue: tagOf('CodeValue'),
};

const first = (ds: Dataset | undefined, t: number): Dataset | undefined => (ds ? getSequence(ds, t)[0] : undefined);

/** Parses a binary SEG's frames; AI_BAD_INPUT when it is not one. */
export function readSegFrames(bytes: Uint8Array): SegFrames {
  const { dataset: ds } = parseDicom(bytes);
  const rows = getNumbers(ds, Tags.Rows)[0] ?? 0;
  const columns = getNumbers(ds, Tags.Columns)[0] ?? 0;
  const pixels = ds.get(Tags.PixelData)?.bytes;
  if (getString(ds, Tags.Modality) !== 'SEG' || !pixels || rows === 0 || columns === 0)
    throw new LingshuError('AI_BAD_INPUT', 'The stored segmentation is not a binary DICOM SEG');
  const shared = first(ds, T.Shared);
  const orientation = getNumbers(first(shared, T.PlaneOrientation) ?? ds, Tags.ImageOrientationPatient);
  const spacing = getNumbers(first(shared, T.PixelMeasures) ?? ds, Tags.PixelSpacing);
  const frames = getSequence(ds, T.PerFrame).map((f, index): SegFrame => {
    const source = first(first(f, T.Derivation), T.SourceImage);
    return {
      index,
      segment: getNumbers(first(f, T.SegmentId) ?? f, T.ReferencedSegmentNumber)[0] ?? 0,
      sourceSopInstanceUID: source ? getString(source, T.ReferencedSop) : undefined,
      position: getNumbers(first(f, T.PlanePosition) ?? f, Tags.ImagePositionPatient),
    };
  });
  const segmentTypes = new Map<number, string>();
  for (const s of getSequence(ds, T.SegmentSequence)) {
    const n = getNumbers(s, T.SegmentNumber)[0];
    const code = first(s, T.PropertyType);
    if (n !== undefined && code) segmentTypes.set(n, getString(code, T.CodeValue) ?? '');
  }
  const plane = rows * columns;
  return {
    rows,
    columns,
    orientation,
    spacing,
    frames,
    segmentTypes,
    mask: (frame) => unpackBitFrame(pixels, frame.index, plane),
  };
}

/** Patient position (mm) of pixel (column, row) of a frame. */
export function pixelToWorld(seg: SegFrames, frame: SegFrame, column: number, row: number): [number, number, number] {
  const [rx = 1, ry = 0, rz = 0, cx = 0, cy = 1, cz = 0] = seg.orientation;
  const [dr = 1, dc = 1] = seg.spacing;
  const [px = 0, py = 0, pz = 0] = frame.position;
  return [
    px + column * dc * rx + row * dr * cx,
    py + column * dc * ry + row * dr * cy,
    pz + column * dc * rz + row * dr * cz,
  ];
}

/** Centroid (mm) of the given segments over all their frames; undefined when they are empty. */
export function segmentsCentroid(seg: SegFrames, segments: ReadonlySet<number>): [number, number, number] | undefined {
  const sum = [0, 0, 0];
  let n = 0;
  for (const f of seg.frames) {
    if (!segments.has(f.segment)) continue;
    const m = seg.mask(f);
    let sc = 0;
    let sr = 0;
    let k = 0;
    for (let r = 0; r < seg.rows; r++) {
      for (let c = 0; c < seg.columns; c++) {
        if (m[r * seg.columns + c]) {
          sc += c;
          sr += r;
          k++;
        }
      }
    }
    if (k === 0) continue;
    const p = pixelToWorld(seg, f, sc / k, sr / k);
    for (let i = 0; i < 3; i++) sum[i] = (sum[i] as number) + (p[i] as number) * k;
    n += k;
  }
  if (n === 0) return undefined;
  return [(sum[0] as number) / n, (sum[1] as number) / n, (sum[2] as number) / n];
}
