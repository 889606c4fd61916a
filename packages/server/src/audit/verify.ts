import { type AuditRow, GENESIS_HASH, hashRecord } from './chain.js';
import { type AuditDb, rowOf } from './table.js';

/** Why the chain is broken at a row. */
export type ChainBreak = 'hash-mismatch' | 'prev-hash-mismatch' | 'gap';

export type VerifyResult =
  | { ok: true; events: number; headSeq: number; headHash: string }
  | {
      ok: false;
      /** Events checked and found good before the break. */
      events: number;
      /** The first broken row (for a gap: the first missing seq). */
      seq: number;
      reason: ChainBreak;
    };

const PAGE = 1000;

/** Checks one row against its predecessor (or the start of the chain). */
function checkRow(row: AuditRow, previous: AuditRow | undefined): { seq: number; reason: ChainBreak } | undefined {
  const expectedSeq = (previous?.seq ?? 0) + 1;
  if (row.seq !== expectedSeq) return { seq: expectedSeq, reason: 'gap' };
  if (row.prevHash !== (previous?.hash ?? GENESIS_HASH)) return { seq: row.seq, reason: 'prev-hash-mismatch' };
  if (hashRecord(row) !== row.hash) return { seq: row.seq, reason: 'hash-mismatch' };
  return undefined;
}

/**
 * Walks audit_log in seq order a page at a time (bounded memory), recomputes every hash and
 * reports the first broken row: a changed row (hash mismatch), a row whose link to its
 * predecessor was rewritten (prev_hash mismatch) or a deleted row (gap in seq).
 */
export async function verifyChain(db: AuditDb, onProgress?: (checked: number) => void): Promise<VerifyResult> {
  let previous: AuditRow | undefined;
  let events = 0;
  for (;;) {
    const page = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', previous?.seq ?? 0)
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    for (const raw of page) {
      const row = rowOf(raw);
      const broken = checkRow(row, previous);
      if (broken) return { ok: false, events, ...broken };
      previous = row;
      events++;
    }
    onProgress?.(events);
    if (page.length < PAGE) break;
  }
  return { ok: true, events, headSeq: previous?.seq ?? 0, headHash: previous?.hash ?? GENESIS_HASH };
}
