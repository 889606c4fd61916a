import type { Bilingual, Lang } from '../../types.js';
import type { SeriesFacts } from '../model.js';

/** 1.25 → "1.25", 5 → "5", 0.625 → "0.63" (two decimals at most). */
function thickness(mm: number): string {
  return String(Number(mm.toFixed(2)));
}

export interface MethodOptions {
  /** Region used when the series facts name none (none: the method names only the modality). */
  region?: Bilingual;
  /** Add the chest window statement (肺窗及纵隔窗观察). */
  chestWindows: boolean;
}

/**
 * 检查方法 from the series facts, e.g. 胸部CT平扫，层厚1.25 mm，B70f算法重建，肺窗及纵隔窗观察 /
 * Non-contrast CT of the chest, 1.25 mm slices, B70f kernel, reviewed in lung and mediastinal windows.
 */
export function methodText(series: SeriesFacts, lang: Lang, options: MethodOptions): string {
  const region = series.region ?? options.region ?? { 'zh-CN': '', en: '' };
  const modality = series.modality ?? 'CT';
  if (lang === 'zh-CN') {
    const scan = series.contrast === true ? '增强扫描' : series.contrast === false ? '平扫' : '扫描';
    const parts = [`${region['zh-CN']}${series.lowDose ? '低剂量' : ''}${modality}${scan}`];
    if (series.sliceThicknessMm !== undefined) parts.push(`层厚${thickness(series.sliceThicknessMm)} mm`);
    if (series.kernel) parts.push(`${series.kernel}算法重建`);
    if (options.chestWindows) parts.push('肺窗及纵隔窗观察');
    return `${parts.join('，')}。`;
  }
  const kind = series.contrast === true ? 'Contrast-enhanced ' : series.contrast === false ? 'Non-contrast ' : '';
  const dose = series.lowDose ? 'low-dose ' : '';
  const first = `${kind}${dose}${modality}${region.en ? ` of the ${region.en}` : ''}`;
  const parts = [first.charAt(0).toUpperCase() + first.slice(1)];
  if (series.sliceThicknessMm !== undefined) parts.push(`${thickness(series.sliceThicknessMm)} mm slices`);
  if (series.kernel) parts.push(`${series.kernel} kernel`);
  if (options.chestWindows) parts.push('reviewed in lung and mediastinal windows');
  return `${parts.join(', ')}.`;
}
