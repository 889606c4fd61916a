import { describe, expect, it } from 'vitest';
import {
  isNegative,
  laterality,
  lungRadsMentions,
  mentionsFollowUp,
  oppositeSexTerm,
  singleSide,
  sizesMm,
  statements,
} from './textParse.js';

describe('free-text parsing for QC', () => {
  it('splits numbered items and sentences, keeping decimals', () => {
    expect(statements('1. 右肺上叶结节，大小 8.2×6.1 mm。左肺未见结节；\n2、肺气肿.\nNodule 8.2 mm. Stable')).toEqual([
      '右肺上叶结节，大小 8.2×6.1 mm',
      '左肺未见结节',
      '肺气肿',
      'Nodule 8.2 mm',
      'Stable',
    ]);
  });

  it('reads sides in Chinese, English and lobe codes', () => {
    expect(singleSide(laterality('右肺上叶实性结节'))).toBe('right');
    expect(singleSide(laterality('左上叶结节'))).toBe('left');
    expect(singleSide(laterality('Nodule in the LLL'))).toBe('left');
    expect(singleSide(laterality('right lower lobe nodule'))).toBe('right');
    expect(laterality('双肺多发结节').both).toBe(true);
    expect(singleSide(laterality('右肺上叶及左肺下叶结节'))).toBeUndefined();
    expect(singleSide(laterality('Bilateral nodules'))).toBeUndefined();
    // Words that merely contain the letters are not sides.
    expect(laterality('brightness, leftover')).toEqual({ right: false, left: false, both: false });
  });

  it('reads sizes, categories, follow-ups, negations and sex-specific organs', () => {
    expect(sizesMm('大小 8.2×6.1 mm，平均径 7.2 mm')).toEqual([8.2, 6.1, 7.2]);
    expect(sizesMm('9 x 7mm; 12毫米')).toEqual([9, 7, 12]);
    expect(lungRadsMentions('Lung-RADS 4A；总体 Lung-RADS分类：4b；LungRADS category 3; Lung-RADS 0')).toEqual([
      '4A',
      '4B',
      '3',
    ]);
    expect(mentionsFollowUp('建议3个月后低剂量CT复查')).toBe(true);
    expect(mentionsFollowUp('Consider CT at 3 months')).toBe(true);
    expect(mentionsFollowUp('CT severity score 9/25')).toBe(false);
    expect(mentionsFollowUp('感染病灶占全肺 18%，CT严重度评分 9/25')).toBe(false);
    expect(isNegative('左肺未见明确结节')).toBe(true);
    expect(isNegative('No nodule in the left lung')).toBe(true);
    expect(isNegative('左肺下叶结节')).toBe(false);
    expect(oppositeSexTerm('前列腺增生', 'F')).toBe('前列腺');
    expect(oppositeSexTerm('Ovarian cyst', 'M')).toBe('Ovarian');
    expect(oppositeSexTerm('cervical lymph nodes', 'M')).toBeUndefined();
  });
});
