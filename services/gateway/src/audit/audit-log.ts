import { runMigrations, type Storage } from '@antq/subgraph-kit';
import { openCheckpointSink, signCheckpoint, type AuditAnchorOptions, type CheckpointSink } from './audit-anchors.js';
import {
  auditMigrations,
  canonicalJson,
  entrySeal,
  GENESIS_HASH,
  normalize,
  PAGE_SIZE,
  readChainMarker,
  readPage,
  type AuditEntry,
  type AuditEntryInput,
  type AuditLog,
  type ChainMarker,
} from './audit-entry.js';
import { ephemeralAuditKey, type AuditKey } from './audit-key.js';
import { verifyAuditChain } from './verify-audit-chain.js';

export * from './audit-entry.js';
export { verifyAuditChain, type ChainVerifyOptions } from './verify-audit-chain.js';

// Every process appending to one database takes this lock, so the chain has one writer at a time.
const APPEND_LOCK = 7_261_101;
const MAX_BATCH = 500;
// Parameter casts of one inserted row, in column order: jsonb columns arrive as JSON text.
const ROW_CASTS = ['', '', '', '', '', '', '', '::jsonb', '::jsonb', '::jsonb', '', '::jsonb', '', ''];

export interface AuditLogOptions {
  /**
   * Seals every entry (HMAC-SHA256); keep it outside the audit database (`ANTQ_AUDIT_KEY[_FILE]`).
   * Without it a random key for this process only: for tests and benchmarks, since nobody else
   * can verify what it sealed and a store sealed with it cannot be reopened.
   */
  readonly key?: AuditKey;
  /** Where signed checkpoints of the chain's head go; without them, entries cut off the end go unnoticed. */
  readonly anchors?: AuditAnchorOptions;
  /** At most one checkpoint per interval (default 1000 ms), one after each committed batch, and one at close. */
  readonly checkpointIntervalMs?: number;
  /** Where failures of checkpoint writes go (default: console.error); they never fail an append. */
  readonly onError?: (error: unknown) => void;
  /**
   * How long a query's entry may wait for others to share its transaction when no batch is being
   * written (default 200 ms): nobody waits for a read's entry, and each transaction costs a commit
   * (on PGlite about as much CPU as two overview-sized entries). At 10 overview reads a second a
   * 50 ms window left most entries alone in their transaction; 200 ms puts two or three in each.
   * A mutation's entry never waits: it starts a batch at once, taking the waiting reads with it.
   */
  readonly readBatchMs?: number;
}

interface Pending {
  readonly entry: AuditEntryInput;
  resolve(stored: AuditEntry): void;
  reject(error: unknown): void;
}

/**
 * Nhật ký kiểm toán — an append-only log of operations, each entry sealed with HMAC under the
 * audit key over the one before it. Appends are buffered and written in batches, one transaction
 * each, under an advisory lock: gateways sharing a database still build one chain, and a write
 * costs one round trip per batch, not per entry. An append resolves once its entry is committed;
 * a signed checkpoint of the head follows within `checkpointIntervalMs`.
 */
export async function createAuditLog(storage: Storage, options: AuditLogOptions = {}): Promise<AuditLog> {
  const key = options.key ?? ephemeralAuditKey();
  await runMigrations(storage, auditMigrations);
  const { marker, head } = await startKeyedSegment(storage, key);
  const checkpoints = options.anchors
    ? await createCheckpointer({ key, marker, anchors: options.anchors, intervalMs: options.checkpointIntervalMs ?? 1000, onError: options.onError })
    : undefined;
  // Anchors what was there before this process: a cut made while no gateway ran still shows.
  if (head && checkpoints) {
    await checkpoints.record(head, { now: true }).catch(async (error: unknown) => {
      await checkpoints.close();
      throw new Error(`The audit log's first checkpoint cannot be written: ${(error as Error).message}`, { cause: error });
    });
  }
  let pending: Pending[] = [];
  let flushing: Promise<void> | undefined;
  let readTimer: NodeJS.Timeout | undefined;
  let closed = false;
  const readBatchMs = options.readBatchMs ?? 200;

  // One flush at a time; whatever arrives meanwhile goes into the next batch, started right after.
  async function runFlush(): Promise<void> {
    await null; // lets the caller store this promise in `flushing` before the loop can clear it
    try {
      while (pending.length > 0) {
        const batch = pending.slice(0, MAX_BATCH);
        pending = pending.slice(batch.length);
        try {
          const stored = await writeBatch(storage, key, batch);
          batch.forEach((item, index) => item.resolve(stored[index]!));
          void checkpoints?.record(stored.at(-1)!);
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
    clearTimeout(readTimer);
    readTimer = undefined;
    if (!flushing && pending.length > 0) flushing = runFlush();
    return flushing ?? Promise.resolve();
  }

  const append = (entry: AuditEntryInput): Promise<AuditEntry> => {
    if (closed) return Promise.reject(new Error('The audit log is closed; nothing more can be appended.'));
    const normalized = normalize(entry);
    return new Promise<AuditEntry>((resolve, reject) => {
      pending.push({ entry: normalized, resolve, reject });
      if (normalized.operationType !== 'query' || readBatchMs <= 0) {
        // A microtask lets appends made in the same tick share the first batch.
        queueMicrotask(() => void scheduleFlush());
      } else if (!flushing && !readTimer) {
        // While a batch is being written, the next starts right after it anyway.
        readTimer = setTimeout(() => void scheduleFlush(), readBatchMs);
      }
    });
  };

  const flush = async (): Promise<void> => {
    while (flushing || pending.length > 0) await scheduleFlush();
  };

  const close = async (): Promise<void> => {
    if (closed) return flush();
    closed = true;
    await flush();
    await checkpoints?.close();
  };

  return {
    append,
    flush,
    checkpoint: async () => {
      await flush();
      await checkpoints?.writeNow();
    },
    verify: (verifyOptions) => verifyAuditChain(storage, { ...verifyOptions, key, ...(options.anchors ? { anchors: options.anchors } : {}) }),
    // What was appended before the call is listed, reads still waiting for their batch included.
    list: async ({ after = 0, limit }) => {
      await flush();
      return readPage(storage, after, Math.max(1, Math.min(limit, PAGE_SIZE)));
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Appends a batch in one transaction, under the lock, after whatever head the database has now. */
async function writeBatch(storage: Storage, key: AuditKey, batch: readonly Pending[]): Promise<AuditEntry[]> {
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
      const hash = entrySeal(key, prevHash, { ...entry, seq, recordedAt });
      stored.push({ ...entry, seq, recordedAt, prevHash, hash });
      const p = params.length;
      tuples.push(`(${ROW_CASTS.map((cast, i) => `$${p + i + 1}${cast}`).join(', ')})`);
      params.push(seq, recordedAt, entry.actor, entry.agency, entry.organisation, entry.operationType, entry.operationName);
      // The lists' canonical JSON, made for the seal just above, is their jsonb text as well.
      params.push(canonicalJson(entry.fields), canonicalJson(entry.records), canonicalJson(entry.owners), entry.result);
      params.push(canonicalJson(entry.errorCodes), prevHash, hash);
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

/**
 * Marks where keyed entries begin (once per database, under the append lock), or checks that
 * the log is keyed with this key: a second key would make the chain unverifiable with either.
 */
async function startKeyedSegment(storage: Storage, key: AuditKey): Promise<{ marker: ChainMarker; head: { seq: number; hash: string } | undefined }> {
  return storage.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
    const [row] = await tx.query<{ seq: string | number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    const head = row ? { seq: Number(row.seq), hash: row.hash } : undefined;
    let marker = await readChainMarker(tx);
    if (!marker) {
      marker = { keyedFrom: (head?.seq ?? 0) + 1, keyId: key.id };
      await tx.query('INSERT INTO audit_chain (id, keyed_from, key_id) VALUES (1, $1, $2)', [marker.keyedFrom, marker.keyId]);
    }
    if (marker.keyId !== key.id) {
      throw new Error(
        `The audit log is sealed with audit key ${marker.keyId}, and this gateway has key ${key.id}. Start it with the key the log was written with (ANTQ_AUDIT_KEY or ANTQ_AUDIT_KEY_FILE), or give it a new audit database.`,
      );
    }
    return { marker, head };
  });
}

interface Checkpointer {
  /** Notes a committed head; a checkpoint of it follows within the interval (`now`: at once). */
  record(head: { seq: number; hash: string }, options?: { now?: boolean }): Promise<void>;
  /** Writes a checkpoint of the newest head noted, if it has none yet. */
  writeNow(): Promise<void>;
  /** Writes the last head and closes the anchors. */
  close(): Promise<void>;
}

async function createCheckpointer(options: {
  key: AuditKey;
  marker: ChainMarker;
  anchors: AuditAnchorOptions;
  intervalMs: number;
  onError: ((error: unknown) => void) | undefined;
}): Promise<Checkpointer> {
  const sink: CheckpointSink = await openCheckpointSink(options.anchors);
  const onError = options.onError ?? ((error: unknown) => console.error('audit: a checkpoint could not be written', error));
  let head: { seq: number; hash: string } | undefined;
  let anchoredSeq = 0;
  let lastAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  // One write at a time, in order; each writes the newest head noted by then. A failure is reported
  // through onError and to the caller that asked for this write; the next write starts afresh.
  const writeNow = (): Promise<void> => {
    const done = writing.then(async () => {
      if (!head || head.seq === anchoredSeq) return;
      const { seq, hash } = head;
      lastAt = Date.now();
      await sink.write(signCheckpoint(options.key, { count: seq, seq, hash, at: new Date(lastAt).toISOString(), keyId: options.key.id, keyedFrom: options.marker.keyedFrom }));
      anchoredSeq = seq;
    });
    writing = done.catch(onError);
    return done;
  };

  return {
    writeNow,
    record(committed, { now = false } = {}) {
      // Several gateways on one database: a later batch of another one may have been noted first.
      if (!head || committed.seq > head.seq) head = committed;
      if (now) return writeNow();
      if (!timer) {
        timer = setTimeout(
          () => {
            timer = undefined;
            writeNow().catch(() => undefined); // reported through onError
          },
          Math.max(0, lastAt + options.intervalMs - Date.now()),
        );
      }
      return Promise.resolve();
    },
    async close() {
      clearTimeout(timer);
      timer = undefined;
      await writeNow().catch(() => undefined); // reported through onError
      await sink.close().catch(onError);
    },
  };
}
