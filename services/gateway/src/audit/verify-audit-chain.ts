import type { SqlExecutor } from '@antq/subgraph-kit';
import { checkpointSealIsValid, readCheckpoints, type AuditAnchorOptions, type ReadCheckpoint, type SignedCheckpoint } from './audit-anchors.js';
import {
  entryHash,
  entrySeal,
  GENESIS_HASH,
  PAGE_SIZE,
  readChainMarker,
  readPage,
  type AuditBreakKind,
  type AuditVerification,
  type ChainMarker,
  type VerifyOptions,
} from './audit-entry.js';
import type { AuditKey } from './audit-key.js';

export interface ChainVerifyOptions extends VerifyOptions {
  /** The audit key the log was sealed with. */
  readonly key: AuditKey;
  /** Where the checkpoints are; without it only the chain itself is checked (its tail is then unprotected). */
  readonly anchors?: AuditAnchorOptions;
}

type Broken = Extract<AuditVerification, { ok: false }>;
const broken = (kind: AuditBreakKind, entries: number, firstBadSeq: number, reason: string): Broken => ({ ok: false, kind, entries, firstBadSeq, reason });

/**
 * Re-checks the whole chain, a page at a time so memory stays flat on large logs, then every
 * checkpoint against it. Read-only: the CLI runs it against a database without migrating it.
 */
export async function verifyAuditChain(db: SqlExecutor, options: ChainVerifyOptions): Promise<AuditVerification> {
  const marker = await readChainMarker(db);
  if (marker && marker.keyId !== options.key.id) {
    return broken(
      'wrong-key',
      0,
      marker.keyedFrom,
      `the log is sealed with audit key ${marker.keyId}, not with the key given (${options.key.id}): give the key the gateway was started with`,
    );
  }
  // No marker: no keyed gateway ever opened this log, so every entry is v1 (the checkpoints say otherwise if that is a lie).
  const keyedFrom = marker?.keyedFrom ?? Number.POSITIVE_INFINITY;
  const chain = await walkChain(db, options, keyedFrom);
  if (!chain.ok) return chain;
  const unkeyedEntries = Math.min(chain.entries, keyedFrom - 1);
  if (!options.anchors) return { ok: true, entries: chain.entries, unkeyedEntries, checkpoints: 0, latestCheckpoint: null };
  const anchors = await checkAnchors(db, options.key, options.anchors, { head: chain.entries, marker });
  if ('kind' in anchors) return anchors;
  if (!anchors.latest && chain.entries > 0) {
    return broken(
      'unanchored',
      chain.entries,
      chain.entries,
      `the log has ${chain.entries} entries but no checkpoint was found: point the verifier at the folder (or NATS stream) the gateway writes checkpoints to; without one, entries cut off the end cannot be detected`,
    );
  }
  const latestCheckpoint = anchors.latest ? { seq: anchors.latest.seq, at: anchors.latest.at } : null;
  return { ok: true, entries: chain.entries, unkeyedEntries, checkpoints: anchors.count, latestCheckpoint };
}

async function walkChain(db: SqlExecutor, options: ChainVerifyOptions, keyedFrom: number): Promise<Broken | { ok: true; entries: number }> {
  const every = options.progressEvery ?? 10_000;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const page = await readPage(db, expectedSeq - 1, PAGE_SIZE);
    for (const entry of page) {
      if (entry.seq !== expectedSeq) {
        const missing = entry.seq === expectedSeq + 1 ? `entry #${expectedSeq} is missing` : `entries #${expectedSeq}–#${entry.seq - 1} are missing`;
        return broken('deleted', checked, expectedSeq, `${missing} (the next entry is #${entry.seq}): entries were deleted`);
      }
      if (entry.prevHash !== prevHash) {
        // The later entry's own seal still covers its prev_hash, so it is the earlier one that changed.
        return expectedSeq === 1
          ? broken('deleted', 0, 1, 'the first entry does not start from the genesis hash: the log was cut at its start, or rewritten')
          : broken(
              'rewritten',
              checked - 1,
              expectedSeq - 1,
              `entry #${expectedSeq - 1} no longer has the hash entry #${expectedSeq} recorded for it: it was replaced, with a recomputed hash`,
            );
      }
      const keyed = entry.seq >= keyedFrom;
      if ((keyed ? entrySeal(options.key, entry.prevHash, entry) : entryHash(entry.prevHash, entry)) !== entry.hash) {
        return broken(
          'rewritten',
          checked,
          entry.seq,
          keyed
            ? `entry #${entry.seq} does not match its keyed seal: its contents were changed, or its hash recomputed without the audit key`
            : `entry #${entry.seq} (unkeyed, v1) does not match its hash: its contents were changed`,
        );
      }
      prevHash = entry.hash;
      expectedSeq += 1;
      checked += 1;
      if (checked % every === 0) options.onProgress?.(checked);
    }
    if (page.length < PAGE_SIZE) return { ok: true, entries: checked };
  }
}

interface AnchorFindings {
  readonly count: number;
  /** The checkpoint with the highest seq. */
  readonly latest?: SignedCheckpoint;
}

/**
 * Every checkpoint must be sealed with the key and name an entry the log still holds, with the
 * hash it had. Read in batches, so a long history of checkpoints costs no memory.
 */
async function checkAnchors(db: SqlExecutor, key: AuditKey, anchors: AuditAnchorOptions, log: { head: number; marker: ChainMarker | undefined }): Promise<AnchorFindings | Broken> {
  let count = 0;
  let latest: SignedCheckpoint | undefined;
  let divergedAt: SignedCheckpoint | undefined;
  let batch: SignedCheckpoint[] = [];
  const compare = async () => {
    const stored = await hashesAt(
      db,
      batch.map((checkpoint) => checkpoint.seq),
    );
    for (const checkpoint of batch) {
      const hash = stored.get(checkpoint.seq);
      if (hash !== undefined && hash !== checkpoint.hash && (!divergedAt || checkpoint.seq < divergedAt.seq)) divergedAt = checkpoint;
    }
    batch = [];
  };
  for await (const read of readCheckpoints(anchors)) {
    const problem = checkpointProblem(key, read, log.marker);
    if (problem) return problem;
    const checkpoint = read.checkpoint!;
    count += 1;
    if (!latest || checkpoint.seq > latest.seq) latest = checkpoint;
    if (checkpoint.seq > 0 && checkpoint.seq <= log.head) batch.push(checkpoint);
    if (batch.length >= PAGE_SIZE) await compare();
  }
  await compare();
  if (divergedAt) {
    const lastGood = await lastMatchingBelow(db, anchors, divergedAt.seq);
    return broken(
      'diverged',
      lastGood,
      lastGood + 1,
      `entry #${divergedAt.seq} is not the entry the checkpoint of ${divergedAt.at} sealed (the last checkpoint that still matches is at #${lastGood}): ` +
        'entries after it were replaced by someone holding the audit key, or the log was cut back and new entries written in their place',
    );
  }
  if (latest && latest.seq > log.head) {
    return broken(
      'truncated',
      log.head,
      log.head + 1,
      `the log ends at #${log.head}, but the checkpoint of ${latest.at} saw ${latest.count} entries: entries #${log.head + 1}–#${latest.seq} were cut off its end`,
    );
  }
  return { count, ...(latest ? { latest } : {}) };
}

function checkpointProblem(key: AuditKey, read: ReadCheckpoint, marker: ChainMarker | undefined): Broken | undefined {
  const checkpoint = read.checkpoint;
  if (!checkpoint) return broken('forged-checkpoint', 0, 0, `the checkpoint at ${read.source} ${read.problem}: the anchors were written to by something other than the gateway`);
  if (checkpoint.keyId !== key.id) {
    return broken('wrong-key', 0, checkpoint.seq, `the checkpoint at ${read.source} is sealed with audit key ${checkpoint.keyId}, not with the key given (${key.id})`);
  }
  if (!checkpointSealIsValid(key, checkpoint)) {
    return broken('forged-checkpoint', 0, checkpoint.seq, `the checkpoint at ${read.source} does not match its seal: it was written or changed without the audit key`);
  }
  if (checkpoint.keyedFrom !== (marker?.keyedFrom ?? Number.POSITIVE_INFINITY)) {
    const stored = marker ? `from #${marker.keyedFrom}` : 'nowhere';
    return broken(
      'downgraded',
      0,
      Math.min(checkpoint.keyedFrom, marker?.keyedFrom ?? checkpoint.keyedFrom),
      `the checkpoint at ${read.source} says keyed entries begin at #${checkpoint.keyedFrom}, the log says ${stored}: keyed entries were passed off as unkeyed ones`,
    );
  }
  return undefined;
}

async function hashesAt(db: SqlExecutor, seqs: readonly number[]): Promise<Map<number, string>> {
  if (seqs.length === 0) return new Map();
  const rows = await db.query<{ seq: string | number; hash: string }>('SELECT seq, hash FROM audit_log WHERE seq = ANY($1::bigint[])', [seqs]);
  return new Map(rows.map((row) => [Number(row.seq), row.hash]));
}

// Only on a failure: a second pass finds the newest checkpoint below `seq` that still matches the log.
async function lastMatchingBelow(db: SqlExecutor, anchors: AuditAnchorOptions, seq: number): Promise<number> {
  let best = 0;
  let batch: SignedCheckpoint[] = [];
  const compare = async () => {
    const stored = await hashesAt(
      db,
      batch.map((checkpoint) => checkpoint.seq),
    );
    for (const checkpoint of batch) if (stored.get(checkpoint.seq) === checkpoint.hash) best = Math.max(best, checkpoint.seq);
    batch = [];
  };
  for await (const read of readCheckpoints(anchors)) {
    if (read.checkpoint && read.checkpoint.seq > best && read.checkpoint.seq < seq) batch.push(read.checkpoint);
    if (batch.length >= PAGE_SIZE) await compare();
  }
  await compare();
  return best;
}
