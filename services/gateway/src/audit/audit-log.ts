import { createHash } from 'node:crypto';
import { runMigrations, type Migration, type SqlExecutor, type Storage } from '@antq/subgraph-kit';

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

export type AuditVerification =
  | { readonly ok: true; readonly entries: number }
  | { readonly ok: false; readonly entries: number; readonly firstBadSeq: number; readonly reason: string };

export interface AuditLog extends AsyncDisposable {
  /** Resolves once the entry is committed (it is written with others in one transaction). */
  append(entry: AuditEntryInput): Promise<AuditEntry>;
  /** Resolves once everything appended so far is committed. */
  flush(): Promise<void>;
  verify(options?: VerifyOptions): Promise<AuditVerification>;
  list(options: { after?: number; limit: number }): Promise<AuditEntry[]>;
  /** Writes what is buffered and refuses further appends; the storage stays open (its owner closes it). */
  close(): Promise<void>;
}

export interface VerifyOptions {
  /** Called after every `progressEvery` entries checked (default 10,000). */
  onProgress?(checked: number): void;
  progressEvery?: number;
}

export const GENESIS_HASH = '0'.repeat(64);

// Every process appending to one database takes this lock, so the chain has one writer at a time.
const APPEND_LOCK = 7_261_101;
const MAX_BATCH = 500;
const PAGE_SIZE = 1000;
// Parameter casts of one inserted row, in column order: jsonb columns arrive as JSON text.
const ROW_CASTS = ['', '', '', '', '', '', '', '::jsonb', '::jsonb', '::jsonb', '', '::jsonb', '', ''];

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

function normalize(entry: AuditEntryInput): AuditEntryInput {
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

/** JSON with object keys sorted at every depth: jsonb does not keep key order, the hash must not depend on it. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    let text = canonicalArrays.get(value);
    if (text === undefined) canonicalArrays.set(value, (text = `[${value.map(canonicalJson).join(',')}]`));
    return text;
  }
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return `{${Object.keys(object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The hash covers the row's columns by their SQL names, so anyone can re-check it from a plain SELECT. */
export function entryHash(prevHash: string, entry: Omit<AuditEntry, 'prevHash' | 'hash'>): string {
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
  return createHash('sha256').update(`${prevHash}\n${canonicalJson(sealed)}`).digest('hex');
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

async function readPage(db: SqlExecutor, after: number, limit: number): Promise<AuditEntry[]> {
  const rows = await db.query<AuditRow>(`${SELECT_ROWS} WHERE seq > $1 ORDER BY seq LIMIT $2`, [after, limit]);
  return rows.map(fromRow);
}

/**
 * Re-checks the whole chain, a page at a time so memory stays flat on large logs. Read-only:
 * the CLI runs it against a database without migrating it.
 */
export async function verifyAuditChain(db: SqlExecutor, options: VerifyOptions = {}): Promise<AuditVerification> {
  const every = options.progressEvery ?? 10_000;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const page = await readPage(db, expectedSeq - 1, PAGE_SIZE);
    for (const entry of page) {
      const broken = (firstBadSeq: number, reason: string) => ({ ok: false as const, entries: checked, firstBadSeq, reason });
      if (entry.seq !== expectedSeq) {
        return broken(expectedSeq, `entry #${expectedSeq} is missing (the next entry is #${entry.seq}): entries were deleted`);
      }
      if (entry.prevHash !== prevHash) {
        // The later entry's own hash still seals its prev_hash, so it is the earlier one that changed.
        return expectedSeq === 1
          ? broken(1, 'the first entry does not start from the genesis hash: the log was truncated at its start or rewritten')
          : broken(expectedSeq - 1, `entry #${expectedSeq - 1} no longer has the hash entry #${expectedSeq} recorded for it: it was rewritten with a recomputed hash`);
      }
      if (entryHash(entry.prevHash, entry) !== entry.hash) {
        return broken(entry.seq, `entry #${entry.seq} does not match its hash: its contents were changed`);
      }
      prevHash = entry.hash;
      expectedSeq += 1;
      checked += 1;
      if (checked % every === 0) options.onProgress?.(checked);
    }
    if (page.length < PAGE_SIZE) return { ok: true, entries: checked };
  }
}

interface Pending {
  readonly entry: AuditEntryInput;
  resolve(stored: AuditEntry): void;
  reject(error: unknown): void;
}

/**
 * Nhật ký kiểm toán — an append-only, hash-chained log of operations. Appends are buffered
 * and written in batches, one transaction each, under an advisory lock: gateways sharing a
 * database still build one chain, and a write costs one round trip per batch, not per entry.
 */
export async function createAuditLog(storage: Storage): Promise<AuditLog> {
  await runMigrations(storage, auditMigrations);
  let pending: Pending[] = [];
  let flushing: Promise<void> | undefined;
  let closed = false;

  async function writeBatch(batch: Pending[]): Promise<AuditEntry[]> {
    return storage.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
      // Read under the lock: another process may have appended since our last batch.
      const [head] = await tx.query<{ seq: string | number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
      let seq = head ? Number(head.seq) : 0;
      let prevHash = head?.hash ?? GENESIS_HASH;
      const recordedAt = new Date().toISOString();
      const stored: AuditEntry[] = [];
      const params: unknown[] = [];
      const tuples: string[] = [];
      for (const { entry } of batch) {
        seq += 1;
        const hash = entryHash(prevHash, { ...entry, seq, recordedAt });
        stored.push({ ...entry, seq, recordedAt, prevHash, hash });
        const p = params.length;
        tuples.push(`(${ROW_CASTS.map((cast, i) => `$${p + i + 1}${cast}`).join(', ')})`);
        params.push(seq, recordedAt, entry.actor, entry.agency, entry.organisation, entry.operationType, entry.operationName);
        params.push(JSON.stringify(entry.fields), JSON.stringify(entry.records), JSON.stringify(entry.owners), entry.result);
        params.push(JSON.stringify(entry.errorCodes), prevHash, hash);
        prevHash = hash;
      }
      await tx.query(
        `INSERT INTO audit_log (seq, recorded_at, actor, agency, organisation, operation_type, operation_name,
          fields, records, owners, result, error_codes, prev_hash, hash) VALUES ${tuples.join(', ')}`,
        params,
      );
      return stored;
    });
  }

  // One flush at a time; whatever arrives meanwhile goes into the next batch, started right after.
  async function runFlush(): Promise<void> {
    await null; // lets the caller store this promise in `flushing` before the loop can clear it
    try {
      while (pending.length > 0) {
        const batch = pending.slice(0, MAX_BATCH);
        pending = pending.slice(batch.length);
        try {
          const stored = await writeBatch(batch);
          batch.forEach((item, index) => item.resolve(stored[index]!));
        } catch (error) {
          // The transaction rolled back: none of the batch is in the chain, so the chain stays whole.
          for (const item of batch) item.reject(error);
        }
      }
    } finally {
      // Cleared in the same tick as the last emptiness check, so no append can be left waiting.
      flushing = undefined;
    }
  }

  function scheduleFlush(): Promise<void> {
    if (!flushing && pending.length > 0) flushing = runFlush();
    return flushing ?? Promise.resolve();
  }

  const append = (entry: AuditEntryInput): Promise<AuditEntry> => {
    if (closed) return Promise.reject(new Error('The audit log is closed; nothing more can be appended.'));
    const normalized = normalize(entry);
    return new Promise<AuditEntry>((resolve, reject) => {
      pending.push({ entry: normalized, resolve, reject });
      // A microtask lets appends made in the same tick share the first batch.
      queueMicrotask(() => void scheduleFlush());
    });
  };

  const flush = async (): Promise<void> => {
    while (flushing || pending.length > 0) await scheduleFlush();
  };

  const close = async (): Promise<void> => {
    closed = true;
    await flush();
  };

  return {
    append,
    flush,
    verify: (options) => verifyAuditChain(storage, options),
    list: ({ after = 0, limit }) => readPage(storage, after, Math.max(1, Math.min(limit, PAGE_SIZE))),
    close,
    [Symbol.asyncDispose]: close,
  };
}
