import type { ServerConfig } from '../config.js';
import { type DimseAssociation, PresentationContextResult, RejectReason, RejectResult, RejectSource } from './lib.js';
import {
  COMMAND_TRANSFER_SYNTAXES,
  isQueryRetrieveSopClass,
  isStorageSopClass,
  STORAGE_TRANSFER_SYNTAXES,
  VERIFICATION,
} from './syntaxes.js';

/** Why an association request is refused: the A-ASSOCIATE-RJ fields (PS3.8 9.3.4). */
export interface AssociationRejection {
  result: number;
  source: number;
  reason: number;
  /** PHI-free log label. */
  why: 'called-ae' | 'calling-ae' | 'congestion';
}

/** AE titles compare without padding spaces (PS3.5 6.2: AE leading/trailing spaces are insignificant). */
function sameAe(a: string, b: string): boolean {
  return a.trim() === b.trim();
}

/**
 * Checks the called and calling AE titles and the association limit. Congestion is a transient
 * rejection by the presentation-layer provider, so a well-behaved SCU retries later (PS3.8 9.3.4).
 */
export function checkAssociation(
  association: DimseAssociation,
  config: ServerConfig,
  active: number,
  maxAssociations: number,
): AssociationRejection | undefined {
  if (!sameAe(association.getCalledAeTitle(), config.aeTitle)) {
    return {
      result: RejectResult.Permanent,
      source: RejectSource.ServiceUser,
      reason: RejectReason.CalledAeNotRecognized,
      why: 'called-ae',
    };
  }
  const calling = association.getCallingAeTitle();
  if (config.allowedCallingAes.length > 0 && !config.allowedCallingAes.some((ae) => sameAe(ae, calling))) {
    return {
      result: RejectResult.Permanent,
      source: RejectSource.ServiceUser,
      reason: RejectReason.CallingAeNotRecognized,
      why: 'calling-ae',
    };
  }
  if (active > maxAssociations) {
    return {
      result: RejectResult.Transient,
      source: RejectSource.ServiceProviderPresentation,
      reason: RejectReason.TemporaryCongestion,
      why: 'congestion',
    };
  }
  return undefined;
}

/**
 * Accepts or rejects each proposed presentation context. Storage contexts take the first proposed
 * syntax Lingshu stores as-is (the SCU lists its preference first, PS3.8 9.3.2.2), so the stored
 * dataset is the one the SCU encoded. Echo and Q/R contexts take explicit, then implicit VR LE.
 * SCU/SCP role selection (C-GET storage sub-operations, PS3.7 D.3.3.4) is echoed back as proposed.
 * Returns how many contexts were accepted.
 */
export function negotiateContexts(association: DimseAssociation): number {
  let accepted = 0;
  for (const { id } of association.getPresentationContexts()) {
    const context = association.getPresentationContext(id);
    const abstract = context.getAbstractSyntaxUid();
    const proposed = context.getTransferSyntaxUids();
    let choice: string | undefined;
    if (isStorageSopClass(abstract)) {
      choice = proposed.find((ts) => STORAGE_TRANSFER_SYNTAXES.has(ts));
    } else if (abstract === VERIFICATION || isQueryRetrieveSopClass(abstract)) {
      choice = COMMAND_TRANSFER_SYNTAXES.find((ts) => proposed.includes(ts));
    } else {
      context.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
      continue;
    }
    if (choice === undefined) {
      context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
      continue;
    }
    context.setResult(PresentationContextResult.Accept, choice);
    accepted++;
  }
  return accepted;
}
