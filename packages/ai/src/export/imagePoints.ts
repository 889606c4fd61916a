import { type Dataset, getNumbers, getString, Tags } from '@lingshu/dicom';
import type { Vec3 } from '@lingshu/imaging';

/**
 * World (LPS mm) points → SR image coordinates on one slice: (column, row) pairs with (0,0) at
 * the top-left corner of the top-left pixel, so a pixel centre is at +0.5 (PS3.3 C.18.6.1.1).
 * Undefined when the header lacks geometry.
 */
export function worldToImagePoints(header: Dataset, points: readonly Vec3[]): number[] | undefined {
  const ipp = getNumbers(header, Tags.ImagePositionPatient);
  const iop = getNumbers(header, Tags.ImageOrientationPatient);
  const ps = getNumbers(header, Tags.PixelSpacing);
  if (ipp.length !== 3 || iop.length !== 6 || ps.length !== 2) return undefined;
  const [rowSpacing, colSpacing] = ps as [number, number];
  const [x0, y0, z0] = ipp as [number, number, number];
  const [rx, ry, rz, cx, cy, cz] = iop as [number, number, number, number, number, number];
  const out: number[] = [];
  for (const p of points) {
    const d = [p[0] - x0, p[1] - y0, p[2] - z0] as const;
    // Along the row direction the column index grows; along the column direction the row index.
    out.push(
      (d[0] * rx + d[1] * ry + d[2] * rz) / colSpacing + 0.5,
      (d[0] * cx + d[1] * cy + d[2] * cz) / rowSpacing + 0.5,
    );
  }
  return out;
}

/** The header with this SOP Instance UID, with its SOP Class. */
export function findHeader(
  headers: readonly Dataset[],
  sopInstanceUID: string,
): { header: Dataset; sopClassUID: string } | undefined {
  for (const h of headers) {
    if (getString(h, Tags.SOPInstanceUID) !== sopInstanceUID) continue;
    const sopClassUID = getString(h, Tags.SOPClassUID);
    return sopClassUID ? { header: h, sopClassUID } : undefined;
  }
  return undefined;
}
