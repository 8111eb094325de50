import { createHash, createHmac } from 'node:crypto';
import type { Migration, SqlExecutor } from '@antq/subgraph-kit';
import type { AuditKey } from './audit-key.js';

/** What happened: one operation, as the audit plugin saw it. */
export interface AuditEntryInput {
  /** JWT `sub`, or 'anonymous'. */
  readonly actor: string;
  readonly agency: string | null;
  readonly organisation: string | null;
  readonly operationType: 'query' | 'mutation' | 'subscription';
  readonly operationName: string | null;
  /** Schema coordinates the operation selected, "Type.field". */
  readonly fields: readonly string[];
  readonly records: readonly AuditRecordRef[];
  /** Agencies whose data the operation touched. */
  readonly owners: readonly string[];
  readonly result: 'ok' | 'error' | 'refused';
  readonly errorCodes: readonly string[];
}

export interface AuditRecordRef {
  readonly typename: string;
  readonly id: string;
}

/** An entry as stored: its place in the chain and the hashes that seal it. */
export interface AuditEntry extends AuditEntryInput {
  readonly seq: number;
  /** ISO 8601, millisecond precision (what the hash covers). */
  readonly recordedAt: string;
  readonly prevHash: string;
  readonly hash: string;
}

/** How the log was found broken. */
export type AuditBreakKind =
  /** An entry no longer matches its seal (changed, or re-sealed without the audit key), or its link to the one before. */
  | 'rewritten'
  /** Entries are missing inside the chain or at its start. */
  | 'deleted'
  /** The log ends before the newest checkpoint's head: entries were cut off its end. */
  | 'truncated'
  /** The entry at a checkpoint's place is not the one checkpointed: re-sealed with the key, or cut back and written over. */
  | 'diverged'
  /** The point where keyed entries begin is not where the checkpoints put it: sealed entries were passed off as unkeyed. */
  | 'downgraded'
  /** The log or a checkpoint was sealed with another audit key than the one given. */
  | 'wrong-key'
  /** A checkpoint line is unreadable or its seal is wrong. */
  | 'forged-checkpoint'
  /** The log has entries but no checkpoint was found to check its end against. */
  | 'unanchored';

export type AuditVerification =
  | {
      readonly ok: true;
      readonly entries: number;
      /** Entries written before the audit key (v1: plain SHA-256), sealed in turn by the first keyed entry. */
      readonly unkeyedEntries: number;
      /** Valid checkpoints checked; the newest (highest seq) one, if any. */
      readonly checkpoints: number;
      readonly latestCheckpoint: { readonly seq: number; readonly at: string } | null;
    }
  | {
      readonly ok: false;
      readonly kind: AuditBreakKind;
      /** Entries checked intact before the first bad one. */
      readonly entries: number;
      readonly firstBadSeq: number;
      readonly reason: string;
    };

export interface AuditLog extends AsyncDisposable {
  /** Resolves once the entry is committed (it is written with others in one transaction). */
  append(entry: AuditEntryInput): Promise<AuditEntry>;
  /** Resolves once everything appended so far is committed. */
  flush(): Promise<void>;
  /** Commits what is buffered and writes a checkpoint of the head now (e.g. before a backup); no-op without anchors. */
  checkpoint(): Promise<void>;
  /** Re-checks the chain with this log's key, and against its checkpoints when it writes any. */
  verify(options?: VerifyOptions): Promise<AuditVerification>;
  list(options: { after?: number; limit: number }): Promise<AuditEntry[]>;
  /** Writes what is buffered and a last checkpoint, and refuses further appends; the storage stays open (its owner closes it). */
  close(): Promise<void>;
}

export interface VerifyOptions {
  /** Called after every `progressEvery` entries checked (default 10,000). */
  onProgress?(checked: number): void;
  progressEvery?: number;
}

export const GENESIS_HASH = '0'.repeat(64);

export const PAGE_SIZE = 1000;

// One database per audit log: runMigrations refuses a database holding another service's migrations.
export const auditMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'audit_log',
    sql: `CREATE TABLE audit_log (
      seq bigint PRIMARY KEY,
      recorded_at timestamptz NOT NULL,
      actor text NOT NULL,
      agency text,
      organisation text,
      operation_type text NOT NULL,
      operation_name text,
      fields jsonb NOT NULL,
      records jsonb NOT NULL,
      owners jsonb NOT NULL,
      result text NOT NULL CHECK (result IN ('ok', 'error', 'refused')),
      error_codes jsonb NOT NULL,
      prev_hash text NOT NULL,
      hash text NOT NULL
    );`,
  },
  {
    // Where keyed entries begin: entries before keyed_from were written unkeyed (v1) by an older gateway.
    version: 2,
    name: 'audit_chain_key',
    sql: `CREATE TABLE audit_chain (
      id smallint PRIMARY KEY CHECK (id = 1),
      keyed_from bigint NOT NULL,
      key_id text NOT NULL,
      keyed_at timestamptz NOT NULL DEFAULT now()
    );`,
  },
];

// PostgreSQL text and jsonb cannot hold NUL; replacing it up front keeps the hash equal to what is stored.
const clean = (value: string): string => value.replaceAll('\u0000', '\uFFFD');

const hasNul = (value: string) => value.includes('\u0000');
// The same lists come back unchanged, so the cached answers' entries share them (and their JSON below).
const cleanList = (values: readonly string[]): readonly string[] => (values.some(hasNul) ? values.map(clean) : values);
const cleanRecords = (records: readonly AuditRecordRef[]): readonly AuditRecordRef[] =>
  records.every((record) => typeof record.id === 'string' && !hasNul(record.typename) && !hasNul(record.id))
    ? records
    : records.map((record) => ({ typename: clean(record.typename), id: clean(String(record.id)) }));

export function normalize(entry: AuditEntryInput): AuditEntryInput {
  return {
    actor: clean(entry.actor),
    agency: entry.agency === null ? null : clean(entry.agency),
    organisation: entry.organisation === null ? null : clean(entry.organisation),
    operationType: entry.operationType,
    operationName: entry.operationName === null ? null : clean(entry.operationName),
    fields: cleanList(entry.fields),
    records: cleanRecords(entry.records),
    owners: cleanList(entry.owners),
    result: entry.result,
    errorCodes: cleanList(entry.errorCodes),
  };
}

// Entries' lists are never changed once made (the types say readonly), so an array's JSON can be kept.
const canonicalArrays = new WeakMap<readonly unknown[], string>();

/** The canonical JSON of `{ typename, id }` with string values (what `canonicalJson` would write), else undefined. */
function recordJson(object: Record<string, unknown>): string | undefined {
  const { id, typename } = object;
  if (typeof id !== 'string' || typeof typename !== 'string') return undefined;
  let keys = 0;
  for (const key in object) if (Object.hasOwn(object, key)) keys += 1;
  return keys === 2 ? `{"id":${JSON.stringify(id)},"typename":${JSON.stringify(typename)}}` : undefined;
}

/** JSON with object keys sorted at every depth: jsonb does not keep key order, the hash must not depend on it. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    let text = canonicalArrays.get(value);
    if (text === undefined) canonicalArrays.set(value, (text = `[${value.map(canonicalJson).join(',')}]`));
    return text;
  }
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    // A record reference, hundreds to an overview's entry: its two keys in their sorted order at once.
    const record = recordJson(object);
    if (record !== undefined) return record;
    return `{${Object.keys(object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function sealedText(prevHash: string, entry: Omit<AuditEntry, 'prevHash' | 'hash'>): string {
  const sealed = {
    seq: entry.seq,
    recorded_at: entry.recordedAt,
    actor: entry.actor,
    agency: entry.agency,
    organisation: entry.organisation,
    operation_type: entry.operationType,
    operation_name: entry.operationName,
    fields: entry.fields,
    records: entry.records,
    owners: entry.owners,
    result: entry.result,
    error_codes: entry.errorCodes,
  };
  return `${prevHash}\n${canonicalJson(sealed)}`;
}

/**
 * The v1 (unkeyed) hash of entries written before the audit key: SHA-256 over the row's columns
 * by their SQL names. Anyone who can write the database can recompute it, so it only seals
 * entries that a keyed entry after them seals in turn.
 */
export function entryHash(prevHash: string, entry: Omit<AuditEntry, 'prevHash' | 'hash'>): string {
  return createHash('sha256').update(sealedText(prevHash, entry)).digest('hex');
}

/** The keyed seal of an entry: HMAC-SHA256 with the audit key over the same text as `entryHash`. */
export function entrySeal(key: AuditKey, prevHash: string, entry: Omit<AuditEntry, 'prevHash' | 'hash'>): string {
  return createHmac('sha256', key.secret).update(sealedText(prevHash, entry)).digest('hex');
}

interface AuditRow {
  seq: string | number | bigint;
  recorded_at: Date | string;
  actor: string;
  agency: string | null;
  organisation: string | null;
  operation_type: AuditEntry['operationType'];
  operation_name: string | null;
  fields: string[];
  records: AuditRecordRef[];
  owners: string[];
  result: AuditEntry['result'];
  error_codes: string[];
  prev_hash: string;
  hash: string;
}

// pg returns jsonb parsed; a driver configured otherwise might hand back text.
const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

function fromRow(row: AuditRow): AuditEntry {
  return {
    seq: Number(row.seq),
    recordedAt: new Date(row.recorded_at).toISOString(),
    actor: row.actor,
    agency: row.agency,
    organisation: row.organisation,
    operationType: row.operation_type,
    operationName: row.operation_name,
    fields: json(row.fields),
    records: json(row.records),
    owners: json(row.owners),
    result: row.result,
    errorCodes: json(row.error_codes),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

const SELECT_ROWS = `SELECT seq, recorded_at, actor, agency, organisation, operation_type, operation_name,
  fields, records, owners, result, error_codes, prev_hash, hash FROM audit_log`;

export async function readPage(db: SqlExecutor, after: number, limit: number): Promise<AuditEntry[]> {
  const rows = await db.query<AuditRow>(`${SELECT_ROWS} WHERE seq > $1 ORDER BY seq LIMIT $2`, [after, limit]);
  return rows.map(fromRow);
}

/** Where keyed entries begin and with which key; undefined for a log no keyed gateway has opened. */
export interface ChainMarker {
  readonly keyedFrom: number;
  readonly keyId: string;
}

export async function readChainMarker(db: SqlExecutor): Promise<ChainMarker | undefined> {
  // to_regclass: a log written before version 2 has no audit_chain table, and the verifier never migrates.
  const [exists] = await db.query<{ table: string | null }>(`SELECT to_regclass('audit_chain')::text AS "table"`);
  if (!exists?.table) return undefined;
  const [row] = await db.query<{ keyed_from: string | number; key_id: string }>('SELECT keyed_from, key_id FROM audit_chain WHERE id = 1');
  return row ? { keyedFrom: Number(row.keyed_from), keyId: row.key_id } : undefined;
}
