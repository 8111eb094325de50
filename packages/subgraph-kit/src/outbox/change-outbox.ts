import type { Agency } from '@antq/sdk';
import type { Migration, SqlExecutor } from '../storage/index.js';

/** What can happen to a record. */
export const CHANGE_KINDS = ['created', 'updated', 'retired', 'reported', 'corrected'] as const;
/** What happened to a record. */
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** One change of one record, as written to the outbox with the data. */
export interface Change {
  readonly agency: Agency;
  readonly recordKind: string;
  readonly recordId: string;
  readonly change: ChangeKind;
  /** The area the record belongs to, for filtering the stream by area. */
  readonly areaCode: string;
  readonly payload: unknown;
}

export interface StoredChange extends Change {
  /** Per-agency sequence number: gap-free and in commit order. */
  readonly seq: number;
  readonly occurredAt: string;
}

/**
 * Hộp thư đi — the change outbox. The sequence comes from a one-row counter updated inside
 * the writing transaction: its row lock holds every other writer until this one commits, so
 * sequence numbers become visible in order, and a reader resuming after `seq` can never miss
 * a lower number that commits later.
 */
export const outboxMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'change outbox',
    sql: `
      CREATE TABLE change_outbox (
        seq bigint PRIMARY KEY,
        agency text NOT NULL,
        record_kind text NOT NULL,
        record_id text NOT NULL,
        change text NOT NULL,
        area_code text NOT NULL,
        payload jsonb NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE outbox_sequence (only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row), last_seq bigint NOT NULL);
      INSERT INTO outbox_sequence (last_seq) VALUES (0);
    `,
  },
];

/** Appends a change in the caller's transaction: it commits or rolls back with the data. */
export async function appendChange(tx: SqlExecutor, change: Change): Promise<number> {
  const [next] = await tx.query<{ last_seq: string | number }>('UPDATE outbox_sequence SET last_seq = last_seq + 1 RETURNING last_seq');
  const seq = Number(next!.last_seq);
  await tx.query(`INSERT INTO change_outbox (seq, agency, record_kind, record_id, change, area_code, payload) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`, [
    seq,
    change.agency,
    change.recordKind,
    change.recordId,
    change.change,
    change.areaCode,
    JSON.stringify(change.payload ?? null),
  ]);
  await tx.query(`SELECT pg_notify('antq_outbox', $1)`, [String(seq)]);
  return seq;
}

/** Changes after a sequence number, oldest first. */
export async function readChanges(db: SqlExecutor, options: { afterSeq: number; limit: number }): Promise<StoredChange[]> {
  const rows = await db.query<Record<string, unknown>>('SELECT * FROM change_outbox WHERE seq > $1 ORDER BY seq LIMIT $2', [options.afterSeq, options.limit]);
  return rows.map((row) => ({
    seq: Number(row.seq),
    agency: row.agency as Agency,
    recordKind: String(row.record_kind),
    recordId: String(row.record_id),
    change: row.change as ChangeKind,
    areaCode: String(row.area_code),
    payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
    occurredAt: row.occurred_at instanceof Date ? row.occurred_at.toISOString() : String(row.occurred_at),
  }));
}

export async function latestSeq(db: SqlExecutor): Promise<number> {
  const [row] = await db.query<{ last_seq: string | number }>('SELECT last_seq FROM outbox_sequence');
  return Number(row?.last_seq ?? 0);
}
