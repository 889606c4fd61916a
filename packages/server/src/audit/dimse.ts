import type { DicomJsonDataset } from '@lingshu/dicom';
import type { ServerContext } from '../context.js';
import { qidoAudit } from './dicomweb.js';
import type { AuditAction, AuditEventInput } from './types.js';

interface StudyTally {
  stored: number;
  failed: number;
}

/**
 * The audit events of one DIMSE association: one per C-FIND, C-MOVE and C-GET, and for C-STORE
 * one per study received (counts in `detail`), written when the association ends — never one
 * per instance, so ingest speed does not depend on the audit trail.
 */
export class AssociationAudit {
  private callingAe = '';
  private institutionPk: string | null = null;
  private readonly received = new Map<string, StudyTally>();

  constructor(
    private readonly ctx: Pick<ServerContext, 'platform'>,
    private readonly address: string | undefined,
  ) {}

  /** Who the peer is, once the association is accepted. */
  identify(callingAe: string, institutionPk: string | null): void {
    this.callingAe = callingAe;
    this.institutionPk = institutionPk;
  }

  private record(
    action: AuditAction,
    ok: boolean,
    via: string,
    resource: AuditEventInput['resource'],
    detail: NonNullable<AuditEventInput['detail']>,
  ): Promise<void> {
    return this.ctx.platform.audit.record({
      action,
      outcome: ok ? 'success' : 'failure',
      actorKind: 'dimse',
      actorName: this.callingAe || 'unknown',
      institutionPk: this.institutionPk,
      ...(this.address ? { address: this.address } : {}),
      ...(resource ? { resource } : {}),
      via,
      detail,
    });
  }

  /** One C-STORE outcome (study unknown when the dataset could not be read). */
  stored(studyUid: string | undefined, ok: boolean): void {
    const key = studyUid ?? '';
    const t = this.received.get(key) ?? { stored: 0, failed: 0 };
    if (ok) t.stored++;
    else t.failed++;
    this.received.set(key, t);
  }

  /** Writes the C-STORE events of the association so far (called when it ends). */
  async flush(): Promise<void> {
    const tallies = [...this.received];
    this.received.clear();
    await Promise.all(
      tallies.map(([study, t]) =>
        this.record(
          'write',
          t.stored > 0,
          'C-STORE',
          study ? { type: 'study', id: study, studyUids: [study] } : undefined,
          { stored: t.stored, failed: t.failed },
        ),
      ),
    );
  }

  /** A C-FIND: the studies disclosed (and the patient when it is one). */
  query(level: string, results: readonly DicomJsonDataset[], ok: boolean): Promise<void> {
    const { resource, detail } = qidoAudit(level, results);
    return this.record('query', ok, 'C-FIND', resource, detail ?? {});
  }

  /** A C-MOVE (export to another AE) or C-GET (read back on this association). */
  retrieve(
    service: 'C-MOVE' | 'C-GET',
    studyUids: readonly string[],
    ok: boolean,
    detail: NonNullable<AuditEventInput['detail']>,
  ): Promise<void> {
    const studies = [...new Set(studyUids)];
    return this.record(
      service === 'C-MOVE' ? 'export' : 'read',
      ok,
      service,
      studies.length > 0 ? { type: 'study', studyUids: studies } : undefined,
      { instances: 0, ...detail },
    );
  }
}
