import { type Archive, dollarQuoted } from '@lingshu/archive';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { migratePlatform } from '../platform/migrate.js';
import { atnaEventOf } from './atna.js';
import { type AuditRecord, type AuditRow, GENESIS_HASH, hashRecord } from './chain.js';
import { AUDIT_MIGRATIONS } from './migrations.js';
import { AUDIT_COLUMN_TYPES, AUDIT_COLUMNS, type AuditDb, auditDb, valuesOf } from './table.js';
import type { AuditEventInput, AuditSink } from './types.js';

/** Most events in one INSERT (a busy server's queue drains in a few transactions). */
const MAX_BATCH = 500;
/** Study UIDs kept on one event (a QIDO page may list many; the count goes to `detail`). */
const MAX_STUDY_UIDS = 100;
const MAX_TEXT = 1024;
/**
 * How long an event recorded with `linger` may wait for others to share its INSERT. A one-event
 * INSERT costs about 3 ms of CPU on embedded PGlite, five in one about 0.8 ms each; a STOW-RS
 * client sending one instance per request records 20–100 events a second.
 */
const LINGER_MS = 100;
/** Advisory lock class for the chain head (with hashtext(current_schema()) as the second key). */
const CHAIN_LOCK = 4242003;

/** An event with its time and coded fields, waiting for its place in the chain. */
type Prepared = Omit<AuditRecord, 'seq' | 'prevHash'>;

interface Pending {
  event: Prepared;
  done: () => void;
}

export interface RecordOptions {
  /**
   * The caller does not wait for the event (an after-response hook): it may wait up to
   * LINGER_MS for other events to share its INSERT. Any event recorded without `linger`, and
   * `flush()`, write the waiting ones at once.
   */
  linger?: boolean;
}

function text(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  // PostgreSQL text cannot hold NUL; overlong values are cut (the trail is not a blob store).
  return value.replaceAll('\u0000', '').slice(0, MAX_TEXT);
}

/** Time, actor, ATNA codes and normalised fields of one event (no database work). */
export function prepareEvent(event: AuditEventInput, at: Date): Prepared {
  const p = event.principal;
  const atna = atnaEventOf(event);
  const uids = event.resource?.studyUids?.map((u) => text(u) ?? '').filter((u) => u.length > 0);
  let detail: Record<string, string | number | boolean> | null = event.detail
    ? (JSON.parse(JSON.stringify(event.detail)) as Record<string, string | number | boolean>)
    : null;
  if (uids && uids.length > MAX_STUDY_UIDS) detail = { ...(detail ?? {}), studies: uids.length };
  return {
    at: at.toISOString(),
    action: event.action,
    outcome: event.outcome,
    actorKind: p?.kind ?? event.actorKind ?? 'user',
    actorId: text(p?.id),
    actorName: text(p?.name ?? event.actorName),
    role: p?.role ?? null,
    institutionPk: p ? p.institutionPk : (event.institutionPk ?? null),
    address: text(event.address),
    resourceType: event.resource?.type ?? null,
    resourceId: text(event.resource?.id),
    studyUids: uids && uids.length > 0 ? uids.slice(0, MAX_STUDY_UIDS) : null,
    patientId: text(event.resource?.patientId),
    via: text(event.via),
    detail,
    eventCode: atna.eventId.code,
    eventName: atna.eventId.meaning,
    eventTypeCode: atna.eventType?.code ?? null,
    eventAction: atna.actionCode,
  };
}

/** PHI-free label of a failure for the application log (SQLSTATE or error class). */
function failureKind(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return e instanceof Error ? e.constructor.name : typeof e;
}

/**
 * The hash-chained audit trail. `record()` queues an event and resolves once it is committed;
 * events arriving while a write is in flight go into the next INSERT (group commit). Each write
 * takes a transaction-scoped advisory lock, reads the chain head and appends after it, so several
 * processes sharing one PostgreSQL still build one unbroken chain.
 */
export class AuditTrail implements AuditSink {
  private queue: Pending[] = [];
  private writing: Promise<void> | null = null;
  /** Timer of lingering events (set while only such events wait and no write is in flight). */
  private lingerTimer: NodeJS.Timeout | undefined;
  /** An event that must not linger is queued. */
  private urgent = false;
  private closed = false;
  /** Committed INSERT transactions so far (group commit keeps this far below the event count). */
  writes = 0;

  /** The chain head this trail last wrote or read (undefined: unknown, read it under the lock). */
  private head: { seq: number; hash: string } | undefined;

  private constructor(
    private readonly db: AuditDb,
    private readonly executeSql: Archive['index']['executeSql'],
    private readonly log: Logger,
  ) {}

  /** Applies the audit migrations and returns the trail. */
  static async open(archive: Archive, log: Logger): Promise<AuditTrail> {
    await migratePlatform(archive.index.db, 'audit', AUDIT_MIGRATIONS);
    return new AuditTrail(auditDb(archive), archive.index.executeSql, log);
  }

  record(event: AuditEventInput, options: RecordOptions = {}): Promise<void> {
    let prepared: Prepared;
    try {
      if (this.closed) throw new Error('audit trail closed');
      prepared = prepareEvent(event, new Date());
    } catch (e) {
      this.log.error({ kind: failureKind(e), action: event.action }, 'audit event not recorded');
      return Promise.resolve();
    }
    return new Promise<void>((done) => {
      this.queue.push({ event: prepared, done });
      if (!options.linger) this.urgent = true;
      this.kick();
    });
  }

  /** Resolves once every event recorded so far is committed (or its failure logged). */
  async flush(): Promise<void> {
    this.urgent = this.queue.length > 0;
    this.kick();
    while (this.writing) {
      await this.writing;
      this.urgent = this.queue.length > 0;
      this.kick();
    }
  }

  /** Flushes; later events are refused (logged). */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private kick(): void {
    if (this.writing || this.queue.length === 0) return;
    if (!this.urgent && this.queue.length < MAX_BATCH) {
      this.lingerTimer ??= setTimeout(() => {
        this.lingerTimer = undefined;
        this.urgent = true;
        this.kick();
      }, LINGER_MS).unref();
      return;
    }
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    const batch = this.queue.splice(0, MAX_BATCH);
    // What is left over a full batch goes right after it.
    this.urgent &&= this.queue.length > 0;
    this.writing = this.writeWithRetry(batch).finally(() => {
      for (const p of batch) p.done();
      this.writing = null;
      this.kick();
    });
  }

  private async writeWithRetry(batch: Pending[]): Promise<void> {
    try {
      await this.append(batch.map((p) => p.event));
    } catch (first) {
      // One retry covers a dropped pooled connection or a serialization hiccup.
      try {
        await this.append(batch.map((p) => p.event));
      } catch (e) {
        this.log.error(
          { kind: failureKind(e), firstKind: failureKind(first), events: batch.length },
          'audit events could not be recorded',
        );
      }
    }
  }

  private async append(events: Prepared[]): Promise<void> {
    try {
      if (!(this.head && (await this.appendAfterKnownHead(events, this.head)))) await this.appendReadingHead(events);
      this.writes++;
    } catch (e) {
      this.head = undefined;
      throw e;
    }
  }

  /**
   * The common case in one round trip: chain the events after the head this trail knows and insert
   * them only if, under the lock, that is still the head (another process sharing the PostgreSQL
   * index may have appended since). False when it was not: nothing was written.
   */
  private async appendAfterKnownHead(events: Prepared[], head: { seq: number; hash: string }): Promise<boolean> {
    const rows = chain(events, head.seq, head.hash);
    // detail stays an object here (valuesOf gives it as text for a bound jsonb parameter).
    const batch = dollarQuoted(JSON.stringify(rows.map((r) => ({ ...valuesOf(r), detail: r.detail }))));
    const result = await this.executeSql(
      `SELECT pg_advisory_xact_lock(${CHAIN_LOCK}, hashtext(current_schema()));
      INSERT INTO audit_log (${AUDIT_COLUMNS.join(', ')})
      SELECT ${AUDIT_COLUMNS.map((c) => `x.${c}`).join(', ')}
      FROM jsonb_to_recordset(${batch}::jsonb) AS x(${AUDIT_COLUMNS.map((c) => `${c} ${AUDIT_COLUMN_TYPES[c]}`).join(', ')})
      WHERE (SELECT a.hash FROM audit_log a ORDER BY a.seq DESC LIMIT 1) = ${dollarQuoted(head.hash)}
      ORDER BY x.seq
      RETURNING seq`,
    );
    if (result.rows.length !== rows.length) return false;
    const last = rows[rows.length - 1];
    if (last) this.head = { seq: last.seq, hash: last.hash };
    return true;
  }

  /** One transaction: lock the chain head, read it, chain the events after it, insert them. */
  private async appendReadingHead(events: Prepared[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${CHAIN_LOCK}, hashtext(current_schema()))`.execute(trx);
      const head = await trx
        .selectFrom('audit_log')
        .select(['seq', 'hash'])
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      const rows = chain(events, head ? Number(head.seq) : 0, head?.hash ?? GENESIS_HASH);
      await trx.insertInto('audit_log').values(rows.map(valuesOf)).execute();
      const last = rows[rows.length - 1];
      this.head = last ? { seq: last.seq, hash: last.hash } : this.head;
    });
  }
}

/** The events as rows chained after (seq, prevHash). */
function chain(events: readonly Prepared[], seq: number, prevHash: string): AuditRow[] {
  const rows: AuditRow[] = [];
  for (const event of events) {
    seq += 1;
    const record: AuditRecord = { ...event, seq, prevHash };
    const hash = hashRecord(record);
    rows.push({ ...record, hash });
    prevHash = hash;
  }
  return rows;
}
