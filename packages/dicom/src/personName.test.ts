import { describe, expect, it } from 'vitest';
import { Dataset } from './dataset.js';
import {
  formatPersonName,
  formatPersonNameGroup,
  getPersonName,
  getPersonNames,
  parsePersonName,
  personNameComponents,
} from './personName.js';
import { Tags } from './tag.js';
import { padEven, setString, setStrings } from './values.js';

describe('parsePersonName / formatPersonName', () => {
  it('splits the three component groups', () => {
    expect(parsePersonName('Zhang^San=张^三=zhang^san')).toEqual({
      alphabetic: 'Zhang^San',
      ideographic: '张^三',
      phonetic: 'zhang^san',
    });
  });

  it('leaves out empty groups and keeps the position of later ones', () => {
    const pn = parsePersonName('=张^三');
    expect(pn).toEqual({ ideographic: '张^三' });
    expect(formatPersonName(pn)).toBe('=张^三');
    expect(formatPersonName({ alphabetic: 'Zhang', phonetic: 'zhang' })).toBe('Zhang==zhang');
  });

  it('omits trailing empty groups and components (PS3.5 6.2.1)', () => {
    expect(formatPersonName(parsePersonName('Wang^XiaoDong=王^小东= '))).toBe('Wang^XiaoDong=王^小东');
    expect(formatPersonName({ alphabetic: 'Smith^John^^^' })).toBe('Smith^John');
    expect(formatPersonName({})).toBe('');
  });
});

describe('personNameComponents', () => {
  it('names the five components', () => {
    expect(personNameComponents('Adams^John Robert Quincy^^Rev.^B.A. M.Div.')).toEqual({
      familyName: 'Adams',
      givenName: 'John Robert Quincy',
      middleName: '',
      prefix: 'Rev.',
      suffix: 'B.A. M.Div.',
    });
    expect(personNameComponents('张')).toEqual({
      familyName: '张',
      givenName: '',
      middleName: '',
      prefix: '',
      suffix: '',
    });
  });

  it('formats a group back without trailing empty components', () => {
    const g = personNameComponents('Morrison-Jones^Susan^^^Ph.D., Chief Executive Officer');
    expect(formatPersonNameGroup(g)).toBe('Morrison-Jones^Susan^^^Ph.D., Chief Executive Officer');
    expect(formatPersonNameGroup({ ...g, suffix: '' })).toBe('Morrison-Jones^Susan');
  });
});

describe('getPersonName', () => {
  it('reads a name written with ISO 2022 IR 58 through the dataset', () => {
    const ds = new Dataset();
    setStrings(ds, Tags.SpecificCharacterSet, 'CS', ['', 'ISO 2022 IR 58']);
    setString(ds, Tags.PatientName, 'PN', 'Zhang^San=张^三=zhang^san');
    expect(ds.get(Tags.PatientName)?.bytes?.includes(0x1b)).toBe(true);
    expect(getPersonName(ds, Tags.PatientName)).toEqual({
      alphabetic: 'Zhang^San',
      ideographic: '张^三',
      phonetic: 'zhang^san',
    });
  });

  it('reads every value of a multi-valued GB18030 element', () => {
    const ds = new Dataset();
    setString(ds, Tags.SpecificCharacterSet, 'CS', 'GB18030');
    const bytes = Uint8Array.from([0x57, 0x61, 0x6e, 0x67, 0x3d, 0xcd, 0xf5, 0x5c, 0x4c, 0x69, 0x3d, 0xc0, 0xee]);
    ds.set({ tag: Tags.PatientName, vr: 'PN', bytes: padEven(bytes, 'PN') });
    expect(getPersonNames(ds, Tags.PatientName)).toEqual([
      { alphabetic: 'Wang', ideographic: '王' },
      { alphabetic: 'Li', ideographic: '李' },
    ]);
  });

  it('is undefined when absent or empty', () => {
    const ds = new Dataset();
    expect(getPersonName(ds, Tags.PatientName)).toBeUndefined();
    ds.set({ tag: Tags.PatientName, vr: 'PN', bytes: new Uint8Array(0) });
    expect(getPersonName(ds, Tags.PatientName)).toBeUndefined();
  });
});
