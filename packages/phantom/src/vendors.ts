import type { Kernel, Vendor } from './spec.js';

export interface VendorStyle {
  manufacturer: string;
  modelName: string;
  softwareVersions: string;
  stationName: string;
  kernels: Record<Kernel, string>;
}

/** Header styles of common CT vendors (public model and kernel names; no private tags). */
export const VENDOR_STYLES: Record<Vendor, VendorStyle> = {
  siemens: {
    manufacturer: 'SIEMENS',
    modelName: 'SOMATOM Definition AS+',
    softwareVersions: 'syngo CT VA48A',
    stationName: 'CTAWP00001',
    kernels: { soft: 'B30f', standard: 'B40f', sharp: 'B60f', lung: 'B70f' },
  },
  ge: {
    manufacturer: 'GE MEDICAL SYSTEMS',
    modelName: 'Revolution CT',
    softwareVersions: 'revo_ct_22bc.50',
    stationName: 'CTREVO01',
    kernels: { soft: 'SOFT', standard: 'STANDARD', sharp: 'BONE', lung: 'LUNG' },
  },
  philips: {
    manufacturer: 'Philips',
    modelName: 'Ingenuity CT',
    softwareVersions: '4.1.6',
    stationName: 'PHCT01',
    kernels: { soft: 'B', standard: 'C', sharp: 'D', lung: 'YC' },
  },
  'united-imaging': {
    manufacturer: 'UIH',
    modelName: 'uCT 760',
    softwareVersions: 'R001.2.3.89563',
    stationName: 'UIHCT01',
    kernels: { soft: 'B_SOFT_B', standard: 'B_SOFT_C', sharp: 'B_SHARP_C', lung: 'L_SHARP_C' },
  },
  neusoft: {
    manufacturer: 'Neusoft Medical Systems',
    modelName: 'NeuViz 128',
    softwareVersions: 'NeuViz V1.2',
    stationName: 'NVCT01',
    kernels: { soft: 'F10', standard: 'F20', sharp: 'F50', lung: 'L40' },
  },
};
