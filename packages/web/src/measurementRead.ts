/**
 * Reads what the reader drew with Cornerstone's Length and Ellipse tools on the stack image shown
 * and turns it into an added finding's sizes and geometry (measurement.ts does the geometry).
 */
import { eventTarget, metaData, type Types } from '@cornerstonejs/core';
import { annotation, EllipticalROITool, LengthTool, Enums as ToolEnums } from '@cornerstonejs/tools';
import {
  type AddedGeometry,
  addedGeometry,
  axesFromAnnotations,
  axesMm,
  type DrawnAnnotation,
  type Vec3,
} from './measurement.js';

/** The measurement on the image shown, ready for the add form. */
export interface MeasuredFinding {
  longAxisMm: number;
  shortAxisMm?: number;
  geometry: AddedGeometry;
  /** 1-based position of the image in the stack, as the viewer shows it. */
  imageNumber: number;
}

const MEASURING_TOOLS = new Map<string, DrawnAnnotation['tool']>([
  [LengthTool.toolName, 'length'],
  [EllipticalROITool.toolName, 'ellipse'],
]);

/**
 * Keeps the order in which the reader finished annotations (Cornerstone lists them by tool, so
 * "the newest" needs this). `stop` removes the listener.
 */
export function trackAnnotationOrder(): { order: () => readonly string[]; stop: () => void } {
  const uids: string[] = [];
  const onCompleted = (e: Event) => {
    const uid = (e as CustomEvent<{ annotation?: { annotationUID?: string } }>).detail?.annotation?.annotationUID;
    if (uid) uids.push(uid);
  };
  eventTarget.addEventListener(ToolEnums.Events.ANNOTATION_COMPLETED, onCompleted);
  return {
    order: () => uids,
    stop: () => eventTarget.removeEventListener(ToolEnums.Events.ANNOTATION_COMPLETED, onCompleted),
  };
}

const sopOf = (imageId: string): string | undefined => /\/instances\/([^/]+)\/frames\//.exec(imageId)?.[1];

interface PlaneModule {
  imagePositionPatient?: number[];
  rowCosines?: number[];
  columnCosines?: number[];
  rowPixelSpacing?: number;
  columnPixelSpacing?: number;
  rows?: number;
  columns?: number;
}

const vec3 = (v: number[] | undefined): Vec3 | undefined =>
  v && v.length === 3 && v.every(Number.isFinite) ? [v[0] as number, v[1] as number, v[2] as number] : undefined;

/**
 * The reader's Length / Ellipse measurement on the image shown (the newest, see
 * axesFromAnnotations), or null when nothing was drawn on it or the image has no plane geometry.
 */
export function measurementOnImage(vp: Types.IStackViewport, order: readonly string[]): MeasuredFinding | null {
  const imageId = vp.getCurrentImageId();
  const sop = imageId ? sopOf(imageId) : undefined;
  if (!imageId || !sop) return null;
  const drawn: DrawnAnnotation[] = [];
  for (const uid of order) {
    const a = annotation.state.getAnnotation(uid);
    const tool = a?.metadata ? MEASURING_TOOLS.get(a.metadata.toolName) : undefined;
    if (!a || !tool || a.metadata?.referencedImageId !== imageId) continue;
    const points = (a.data.handles?.points ?? []).map((p) => vec3([...p]));
    if (points.every((p): p is Vec3 => p !== undefined)) drawn.push({ tool, points });
  }
  const axes = axesFromAnnotations(drawn);
  const plane = metaData.get('imagePlaneModule', imageId) as PlaneModule | undefined;
  const origin = vec3(plane?.imagePositionPatient);
  const rowCosines = vec3(plane?.rowCosines);
  const columnCosines = vec3(plane?.columnCosines);
  if (!axes || !plane || !origin || !rowCosines || !columnCosines) return null;
  const frameIndex = vp.getCurrentImageIdIndex();
  const geometry = addedGeometry(axes, {
    sopInstanceUID: sop,
    frameIndex,
    rows: plane.rows ?? 0,
    columns: plane.columns ?? 0,
    plane: {
      origin,
      rowCosines,
      columnCosines,
      rowSpacingMm: plane.rowPixelSpacing ?? 1,
      columnSpacingMm: plane.columnPixelSpacing ?? 1,
    },
  });
  return { ...axesMm(axes), geometry, imageNumber: frameIndex + 1 };
}
