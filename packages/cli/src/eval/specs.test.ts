import { buildPhantom } from '@lingshu/phantom';
import { describe, expect, it } from 'vitest';
import { EVAL_THICKNESSES, evalStudySpec } from './specs.js';

describe('evalStudySpec', () => {
  const specs = Array.from({ length: 20 }, (_, i) => evalStudySpec(1000 + i, { matrix: 64 }));

  it('is deterministic per seed and differs between seeds', () => {
    expect(evalStudySpec(1003, { matrix: 64 })).toEqual(specs[3]);
    expect(JSON.stringify(specs[0]?.phantom)).not.toEqual(JSON.stringify(specs[1]?.phantom));
  });

  it('cycles the slice thicknesses and varies dose, kernel, nodule types, shapes and sites', () => {
    expect(new Set(specs.map((s) => s.series.sliceThicknessMm))).toEqual(new Set(EVAL_THICKNESSES));
    expect(new Set(specs.map((s) => s.series.dose))).toEqual(new Set(['low', 'standard']));
    expect(new Set(specs.map((s) => s.series.kernel)).size).toBeGreaterThan(1);
    const nodules = specs.flatMap((s) => (s.phantom.kind === 'chest' ? (s.phantom.nodules ?? []) : []));
    expect(new Set(nodules.map((n) => n.type))).toEqual(new Set(['solid', 'part-solid', 'ground-glass', 'calcified']));
    expect(new Set(nodules.map((n) => n.shape))).toEqual(new Set(['ellipsoid', 'lobulated', 'spiculated']));
    expect(new Set(nodules.map((n) => n.site))).toEqual(
      new Set(['parenchymal', 'juxtapleural', 'vessel-attached', 'perifissural']),
    );
    for (const n of nodules) {
      expect(n.diameterMm).toBeGreaterThanOrEqual(3);
      expect(n.diameterMm).toBeLessThanOrEqual(30);
    }
    expect(specs.some((s) => s.phantom.kind === 'chest' && (s.phantom.emphysemaSeverity ?? 0) > 0)).toBe(true);
    expect(specs.some((s) => s.phantom.kind === 'chest' && (s.phantom.infection ?? []).length > 0)).toBe(true);
  });

  it('places every nodule (no layout the phantom refuses) apart from the others', () => {
    for (const spec of specs.slice(0, 8)) {
      const model = buildPhantom(spec);
      expect(model.lesions.length).toBe(spec.phantom.kind === 'chest' ? spec.phantom.nodules?.length : 0);
    }
  });
});
