import { TransferSyntax } from '@lingshu/dicom';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_CONFIG, type ServerConfig } from '../config.js';
import { checkAssociation, negotiateContexts } from './association.js';
import { association, PresentationContextResult, RejectReason, RejectResult } from './lib.js';
import { QR, VERIFICATION } from './syntaxes.js';

const config: ServerConfig = { ...DEFAULT_SERVER_CONFIG, dataDir: '/tmp/x', allowedCallingAes: ['MODALITY'] };

function proposal(calling: string, called: string) {
  return new association.Association(calling, called);
}

describe('association policy', () => {
  it('accepts a known calling AE addressed to our AE title (padding ignored)', () => {
    expect(checkAssociation(proposal('MODALITY ', 'LINGSHU'), config, 1, 4)).toBeUndefined();
  });

  it('rejects a wrong called AE title permanently', () => {
    const r = checkAssociation(proposal('MODALITY', 'PACS'), config, 1, 4);
    expect(r).toMatchObject({ result: RejectResult.Permanent, reason: RejectReason.CalledAeNotRecognized });
  });

  it('rejects a calling AE title outside the allow-list; an empty list allows all', () => {
    expect(checkAssociation(proposal('OTHER', 'LINGSHU'), config, 1, 4)).toMatchObject({
      reason: RejectReason.CallingAeNotRecognized,
    });
    expect(checkAssociation(proposal('OTHER', 'LINGSHU'), { ...config, allowedCallingAes: [] }, 1, 4)).toBeUndefined();
  });

  it('rejects beyond the association limit as transient congestion', () => {
    const r = checkAssociation(proposal('MODALITY', 'LINGSHU'), config, 5, 4);
    expect(r).toMatchObject({ result: RejectResult.Transient, reason: RejectReason.TemporaryCongestion });
  });

  it('keeps the proposed storage syntax, takes LE for Q/R, refuses unknown abstract syntaxes', () => {
    const a = proposal('MODALITY', 'LINGSHU');
    const ct = a.addPresentationContext('1.2.840.10008.5.1.4.1.1.2');
    a.addTransferSyntaxToPresentationContext(ct, TransferSyntax.HTJ2KLossless);
    a.addTransferSyntaxToPresentationContext(ct, TransferSyntax.ExplicitVRLittleEndian);
    const find = a.addPresentationContext(QR.StudyRootFind);
    a.addTransferSyntaxToPresentationContext(find, TransferSyntax.ImplicitVRLittleEndian);
    const echo = a.addPresentationContext(VERIFICATION);
    a.addTransferSyntaxToPresentationContext(echo, '1.2.3.4');
    const print = a.addPresentationContext('1.2.840.10008.5.1.1.1');
    a.addTransferSyntaxToPresentationContext(print, TransferSyntax.ImplicitVRLittleEndian);
    expect(negotiateContexts(a)).toBe(2);
    expect(a.getPresentationContext(ct).getAcceptedTransferSyntaxUid()).toBe(TransferSyntax.HTJ2KLossless);
    expect(a.getPresentationContext(find).getAcceptedTransferSyntaxUid()).toBe(TransferSyntax.ImplicitVRLittleEndian);
    expect(a.getPresentationContext(echo).getResult()).toBe(
      PresentationContextResult.RejectTransferSyntaxesNotSupported,
    );
    expect(a.getPresentationContext(print).getResult()).toBe(
      PresentationContextResult.RejectAbstractSyntaxNotSupported,
    );
  });
});
