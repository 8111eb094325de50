import { createHash } from 'node:crypto';
import { AntqError, ErrorCode } from '@antq/sdk';
import canonicalize from 'canonicalize';
import type { Caller } from '../identity/index.js';
import type { Migration, SqlExecutor, Storage } from '../storage/index.js';

/**
 * Ghi một lần — idempotent writes. A client that lost the answer to a write ("try again") cannot
 * know whether it was stored; retried with the same `Idempotency-Key` (IETF httpapi draft "The
 * Idempotency-Key HTTP Header Field"), the write is not stored again: the caller gets the record
 * the first one produced. The gateway forwards the key in the subgraph request's
 * `extensions.idempotencyKey`; the claim is made in the write's own transaction, so a key is
 * remembered exactly when its write (and its outbox change) committed.
 */

/** How long a key is remembered; older claims are deleted lazily by later keyed writes. */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;

/** The extension of a subgraph request that carries the key. */
export const IDEMPOTENCY_KEY_EXTENSION = 'idempotencyKey';

// 1–255 printable ASCII characters (space to tilde): a UUID, a ULID or any opaque token.
const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

export const idempotentWriteMigrations: readonly Migration[] = [
  {
    version: 30,
    name: 'idempotent writes',
    sql: `
      CREATE TABLE idempotent_writes (
        subject text NOT NULL,
        idempotency_key text NOT NULL,
        field text NOT NULL,
        request_hash text NOT NULL,
        record_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (subject, idempotency_key)
      );
      CREATE INDEX idempotent_writes_created ON idempotent_writes (created_at);
    `,
  },
];

/**
 * The key as the client sent it, checked. The draft sends it as a Structured Field string
 * (`"…"`); a bare token is accepted too. Throws BAD_USER_INPUT for anything else.
 */
export function parseIdempotencyKey(value: unknown): string {
  let key = typeof value === 'string' ? value.trim() : '';
  if (/^"(?:[^"\\]|\\["\\])*"$/.test(key)) key = key.slice(1, -1).replace(/\\(["\\])/g, '$1');
  if (!KEY_PATTERN.test(key)) {
    throw new AntqError(
      ErrorCode.BAD_USER_INPUT,
      'The Idempotency-Key must be 1 to 255 printable ASCII characters. Send a new random value (e.g. a UUID) with each write, and the same value when you retry it.',
      { issues: [{ path: 'Idempotency-Key', message: 'expected 1–255 printable ASCII characters' }] },
    );
  }
  return key;
}

/** What a keyed write needs from the resolver context. */
export interface IdempotentWriteContext {
  readonly caller: Caller | undefined;
  readonly storage: Storage;
  /** The request's `extensions.idempotencyKey`, as the gateway forwarded it. */
  readonly idempotencyKey?: string | undefined;
}

/** One write that a retry with the same key must not repeat. */
export interface IdempotentWrite<T extends { readonly id: string }> {
  /** The mutation field (`info.fieldName`): part of what the key stands for. */
  readonly field: string;
  /** The field's arguments: a retry must send the same. */
  readonly args: unknown;
  /** Stores the record and its change, in the transaction given. */
  readonly write: (tx: SqlExecutor) => Promise<T>;
  /** Loads a record by id, to answer a retry with what the first write produced. */
  readonly reload: (db: SqlExecutor, id: string) => Promise<T | undefined>;
}

function requestHash(field: string, args: unknown): string {
  return createHash('sha256')
    .update(canonicalize({ field, args }) ?? '')
    .digest('hex');
}

function keyConflict(key: string, message: string, details: Record<string, unknown> = {}): AntqError {
  return new AntqError(ErrorCode.CONFLICT, message, { details: { idempotencyKey: key, ...details } });
}

/**
 * Runs a write in one transaction, once per (caller, key) when the request carries a key: the
 * first claim stores the write and remembers its record; a retry with the same field and
 * arguments gets that record again; the same key with another request is a CONFLICT. Two
 * retries at once: the primary key decides — PostgreSQL makes the second claim wait for the
 * first transaction, PGlite runs one transaction at a time — so only one of them writes.
 * Without a key (or a caller, which every write needs and `write` checks) it is a plain transaction.
 */
export async function writeOnce<T extends { readonly id: string }>(ctx: IdempotentWriteContext, request: IdempotentWrite<T>): Promise<T> {
  if (ctx.idempotencyKey === undefined || !ctx.caller) return ctx.storage.transaction(request.write);
  const key = parseIdempotencyKey(ctx.idempotencyKey);
  const subject = ctx.caller.subject;
  const hash = requestHash(request.field, request.args);
  return ctx.storage.transaction(async (tx) => {
    await forgetExpired(tx, { subject, key });
    const claimed = await tx.query(
      `INSERT INTO idempotent_writes (subject, idempotency_key, field, request_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (subject, idempotency_key) DO NOTHING RETURNING subject`,
      [subject, key, request.field, hash],
    );
    if (claimed.length === 0) return replay(tx, { subject, key, hash, request });
    const stored = await request.write(tx);
    await tx.query('UPDATE idempotent_writes SET record_id = $3 WHERE subject = $1 AND idempotency_key = $2', [subject, key, stored.id]);
    return stored;
  });
}

/** The answer to a retry: the first write's record, or why there is none. */
async function replay<T extends { readonly id: string }>(tx: SqlExecutor, claim: { subject: string; key: string; hash: string; request: IdempotentWrite<T> }): Promise<T> {
  const { key } = claim;
  const [earlier] = await tx.query<{ field: string; request_hash: string; record_id: string | null }>(
    'SELECT field, request_hash, record_id FROM idempotent_writes WHERE subject = $1 AND idempotency_key = $2',
    [claim.subject, key],
  );
  // Gone between the claim and this read, or claimed and not finished: the client may retry.
  if (!earlier || earlier.record_id === null) {
    throw keyConflict(key, `A write with Idempotency-Key "${key}" is in progress. Wait a moment and retry with the same key.`, { inProgress: true });
  }
  if (earlier.request_hash !== claim.hash) {
    throw keyConflict(
      key,
      `Idempotency-Key "${key}" was used for a different request (${earlier.field}). Use a new key per write; reuse a key only to retry the very same write.`,
      {
        earlierField: earlier.field,
      },
    );
  }
  const record = await claim.request.reload(tx, earlier.record_id);
  if (!record) {
    throw new AntqError(
      ErrorCode.NOT_FOUND,
      `The write with Idempotency-Key "${key}" stored record "${earlier.record_id}", which no longer exists. Use a new key to write again.`,
      {
        details: { idempotencyKey: key, id: earlier.record_id },
      },
    );
  }
  return record;
}

/**
 * Deletes this key's claim when it has expired (so the key can be used again), and a few other
 * expired claims, skipping those another transaction holds so that sweeps never wait on each other.
 */
async function forgetExpired(tx: SqlExecutor, claim: { subject: string; key: string }): Promise<void> {
  const ttl = `interval '${IDEMPOTENCY_KEY_TTL_HOURS} hours'`;
  await tx.query(`DELETE FROM idempotent_writes WHERE subject = $1 AND idempotency_key = $2 AND created_at < now() - ${ttl}`, [claim.subject, claim.key]);
  await tx.query(
    `DELETE FROM idempotent_writes WHERE ctid IN (
       SELECT ctid FROM idempotent_writes WHERE created_at < now() - ${ttl} ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)`,
    [100],
  );
}
