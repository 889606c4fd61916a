/**
 * Cornerstone3D set-up: core (GPU rendering, CPU when the browser has no WebGL), the DICOM image
 * loader (WADO-RS, decoding in a module web worker) and the measurement tools.
 */
import {
  Enums as CoreEnums,
  init as coreInit,
  cornerstoneStreamingImageVolumeLoader,
  getRenderingEngine,
  RenderingEngine,
  setUseCPURendering,
  setVolumesForViewports,
  type Types,
  volumeLoader,
} from '@cornerstonejs/core';
import { init as loaderInit, wadors } from '@cornerstonejs/dicom-image-loader';
import {
  AngleTool,
  addTool,
  EllipticalROITool,
  LengthTool,
  PanTool,
  StackScrollTool,
  Enums as ToolEnums,
  ToolGroupManager,
  init as toolsInit,
  WindowLevelTool,
  ZoomTool,
} from '@cornerstonejs/tools';
import type { DicomJson } from './api.js';

export const ENGINE_ID = 'lingshu-engine';
export const VIEWPORT_ID = 'lingshu-main';
export const TOOL_GROUP_ID = 'lingshu-tools';

export const TOOLS = {
  wl: WindowLevelTool.toolName,
  pan: PanTool.toolName,
  zoom: ZoomTool.toolName,
  length: LengthTool.toolName,
  angle: AngleTool.toolName,
  ellipse: EllipticalROITool.toolName,
} as const;
export type ToolKey = keyof typeof TOOLS;

/** Window presets (width, centre) on keys 1–4. */
export const PRESETS = {
  lung: { w: 1500, l: -600 },
  mediastinum: { w: 350, l: 40 },
  bone: { w: 2000, l: 500 },
  brain: { w: 80, l: 40 },
} as const;
export type PresetKey = keyof typeof PRESETS;

let ready: Promise<void> | null = null;

/** How WebGL 2 runs here: on a GPU, in software (SwiftShader, llvmpipe: VMs, headless), or not at all. */
type WebGLKind = 'gpu' | 'software' | 'none';
let webgl: WebGLKind = 'none';

function webglKind(): WebGLKind {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return 'none';
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
    return /swiftshader|llvmpipe|softpipe|software/i.test(renderer) ? 'software' : 'gpu';
  } catch {
    return 'none';
  }
}

/**
 * Stack views draw on the CPU unless a GPU runs WebGL: a 512² slice is a quick lookup-table pass
 * in a 2D canvas, while software WebGL spends seconds creating the context and compiling shaders
 * before the first image. MPR needs WebGL (software or not). Read when an engine is created.
 */
function renderOnCpu(forStack: boolean): void {
  setUseCPURendering(webgl === 'none' || (forStack && webgl === 'software'));
}

export function initCornerstone(): Promise<void> {
  ready ??= (async () => {
    await coreInit();
    webgl = webglKind();
    renderOnCpu(true);
    loaderInit({ maxWebWorkers: Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1)) });
    volumeLoader.registerVolumeLoader(
      'cornerstoneStreamingImageVolume',
      cornerstoneStreamingImageVolumeLoader as unknown as Parameters<typeof volumeLoader.registerVolumeLoader>[1],
    );
    toolsInit();
    for (const tool of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool, LengthTool, AngleTool, EllipticalROITool])
      addTool(tool);
  })();
  return ready;
}

function createToolGroup(viewportIds: string[]): void {
  const group = ToolGroupManager.createToolGroup(TOOL_GROUP_ID);
  if (!group) throw new Error('tool group');
  for (const name of [...Object.values(TOOLS), StackScrollTool.toolName]) group.addTool(name);
  for (const id of viewportIds) group.addViewport(id, ENGINE_ID);
  setPrimaryTool('wl');
  group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Auxiliary }] });
  group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Secondary }] });
  group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Wheel }] });
}

export const PRIOR_VIEWPORT_ID = 'lingshu-prior';

/** The stack viewport, and a second one for a prior study when `priorElement` is given. */
export function createEngine(
  element: HTMLDivElement,
  priorElement?: HTMLDivElement | null,
): { main: Types.IStackViewport; prior: Types.IStackViewport | null } {
  destroyEngine();
  renderOnCpu(true);
  const engine = new RenderingEngine(ENGINE_ID);
  engine.enableElement({ viewportId: VIEWPORT_ID, type: CoreEnums.ViewportType.STACK, element });
  if (priorElement)
    engine.enableElement({ viewportId: PRIOR_VIEWPORT_ID, type: CoreEnums.ViewportType.STACK, element: priorElement });
  createToolGroup(priorElement ? [VIEWPORT_ID, PRIOR_VIEWPORT_ID] : [VIEWPORT_ID]);
  return {
    main: engine.getViewport(VIEWPORT_ID) as Types.IStackViewport,
    prior: priorElement ? (engine.getViewport(PRIOR_VIEWPORT_ID) as Types.IStackViewport) : null,
  };
}

export const MPR_VIEWPORT_IDS = ['lingshu-mpr-axial', 'lingshu-mpr-sagittal', 'lingshu-mpr-coronal'] as const;

/** Axial, sagittal and coronal planes of one series (a streamed volume), with the same tools. */
export async function createMpr(elements: HTMLDivElement[], seriesUid: string, imageIds: string[]): Promise<void> {
  destroyEngine();
  renderOnCpu(false);
  const engine = new RenderingEngine(ENGINE_ID);
  const orientations = [
    CoreEnums.OrientationAxis.AXIAL,
    CoreEnums.OrientationAxis.SAGITTAL,
    CoreEnums.OrientationAxis.CORONAL,
  ];
  engine.setViewports(
    elements.map((element, i) => ({
      viewportId: MPR_VIEWPORT_IDS[i] as string,
      type: CoreEnums.ViewportType.ORTHOGRAPHIC,
      element,
      defaultOptions: { orientation: orientations[i] as CoreEnums.OrientationAxis },
    })),
  );
  createToolGroup([...MPR_VIEWPORT_IDS]);
  const volumeId = `cornerstoneStreamingImageVolume:${seriesUid}`;
  const volume = await volumeLoader.createAndCacheVolume(volumeId, { imageIds });
  (volume as unknown as { load: () => void }).load();
  await setVolumesForViewports(engine, [{ volumeId }], [...MPR_VIEWPORT_IDS]);
  engine.render();
}

/** Every viewport shown now (the stack, or the three MPR planes). */
export function allViewports(): Types.IViewport[] {
  return getRenderingEngine(ENGINE_ID)?.getViewports() ?? [];
}

/** The left-button tool; the other annotation tools stay visible (passive). */
export function setPrimaryTool(key: ToolKey): void {
  const group = ToolGroupManager.getToolGroup(TOOL_GROUP_ID);
  if (!group) return;
  for (const [k, name] of Object.entries(TOOLS)) {
    if (k === key) continue;
    if (k === 'pan' || k === 'zoom') {
      // keep their middle/right bindings
      group.setToolActive(name, {
        bindings: [
          { mouseButton: k === 'pan' ? ToolEnums.MouseBindings.Auxiliary : ToolEnums.MouseBindings.Secondary },
        ],
      });
    } else group.setToolPassive(name);
  }
  const bindings = [{ mouseButton: ToolEnums.MouseBindings.Primary }];
  if (key === 'pan') bindings.push({ mouseButton: ToolEnums.MouseBindings.Auxiliary });
  if (key === 'zoom') bindings.push({ mouseButton: ToolEnums.MouseBindings.Secondary });
  group.setToolActive(TOOLS[key], { bindings });
}

/** Fits the canvas (and the image) to a resized viewport element. */
export function resizeEngine(): void {
  getRenderingEngine(ENGINE_ID)?.resize(true, true);
}

export function destroyEngine(): void {
  ToolGroupManager.destroyToolGroup(TOOL_GROUP_ID);
  getRenderingEngine(ENGINE_ID)?.destroy();
}

function num(ds: DicomJson, tag: string): number | undefined {
  const v = ds[tag]?.Value?.[0];
  return v === undefined ? undefined : Number(v);
}

/**
 * WADO-RS image ids for one series from its metadata (sorted along the slice normal, else by
 * Instance Number), each frame's metadata registered with the loader.
 */
/** The WADO-RS URL of a series, as the image ids of `imageIdsFor` contain it. */
export function seriesRoot(studyUid: string, seriesUid: string): string {
  return `${location.origin}/dicomweb/studies/${studyUid}/series/${seriesUid}`;
}

export function imageIdsFor(studyUid: string, seriesUid: string, metadata: DicomJson[]): string[] {
  const sortKey = (ds: DicomJson): number => {
    const ipp = ds['00200032']?.Value as number[] | undefined;
    const iop = ds['00200037']?.Value as number[] | undefined;
    if (ipp && iop && ipp.length === 3 && iop.length === 6) {
      const [a, b, c, d, e, f] = iop.map(Number) as [number, number, number, number, number, number];
      const n = [b * f - c * e, c * d - a * f, a * e - b * d];
      return -(n[0]! * Number(ipp[0]) + n[1]! * Number(ipp[1]) + n[2]! * Number(ipp[2]));
    }
    return num(ds, '00200013') ?? 0;
  };
  const withPixels = metadata.filter((ds) => ds['7FE00010'] || num(ds, '00280010'));
  withPixels.sort((x, y) => sortKey(x) - sortKey(y));
  const base = `${seriesRoot(studyUid, seriesUid)}/instances`;
  const ids: string[] = [];
  for (const ds of withPixels) {
    const sop = ds['00080018']?.Value?.[0];
    if (typeof sop !== 'string') continue;
    const frames = num(ds, '00280008') ?? 1;
    for (let f = 1; f <= frames; f++) {
      const id = `wadors:${base}/${sop}/frames/${f}`;
      wadors.metaDataManager.add(id, ds as unknown as Parameters<typeof wadors.metaDataManager.add>[1]);
      ids.push(id);
    }
  }
  return ids;
}

export { CoreEnums };
