import type { TruthNodule } from '../eval/match.js';

/** A round truth nodule on the x axis for evaluation tests (volume of the sphere unless given). */
export function truthNodule(
  id: string,
  x: number,
  diameter: number,
  type: string,
  extra: Partial<TruthNodule> = {},
): TruthNodule {
  return {
    id,
    type,
    site: 'parenchymal',
    centerMm: [x, 0, 0],
    meanDiameterMm: diameter,
    longAxisMm: diameter,
    shortAxisMm: diameter,
    volumeMm3: (Math.PI / 6) * diameter ** 3,
    ...extra,
  };
}
