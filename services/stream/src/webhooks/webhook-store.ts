import { randomUUID } from 'node:crypto';
import type { Agency } from '@antq/sdk';
import { requestNonceMigrations, runMigrations, type Caller, type Migration, type SqlExecutor, type Storage } from '@antq/subgraph-kit';

/**
 * The webhooks' own database (not an agency's): `runMigrations` refuses a database that holds
 * migrations it does not know, so give the stream a store of its own.
 */
export const webhookMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'webhooks',
    sql: `
      CREATE TABLE webhooks (
        id text PRIMARY KEY,
        agency text NOT NULL,
        created_by text NOT NULL,
        url text NOT NULL,
        secret text NOT NULL,
        filter jsonb NOT NULL,
        reader jsonb NOT NULL,
        delivered_through text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        removed_at timestamptz
      );
      CREATE INDEX webhooks_agency ON webhooks (agency, created_at);
    `,
  },
  {
    version: 2,
    name: 'webhook_deliveries',
    sql: `
      CREATE TABLE webhook_deliveries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        webhook_id text NOT NULL REFERENCES webhooks (id),
        cursor text NOT NULL,
        attempt integer NOT NULL,
        status integer,
        error text,
        delivered_at timestamptz NOT NULL DEFAULT now(),
        duration_ms integer NOT NULL
      );
      CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id DESC);
    `,
  },
  {
    version: 3,
    name: 'webhook_leases',
    // With several stream instances on one store, a webhook is delivered by the holder of its lease.
    sql: `
      ALTER TABLE webhooks ADD COLUMN lease_owner text;
      ALTER TABLE webhooks ADD COLUMN lease_until timestamptz;
    `,
  },
  {
    version: 4,
    name: 'webhook_delivery_age',
    // The delivery log is kept for a number of days (pruneDeliveries), oldest first.
    sql: `CREATE INDEX webhook_deliveries_delivered_at ON webhook_deliveries (delivered_at);`,
  },
];

/** The instance holding a webhook's lease no longer does (it expired and another took it, or the webhook was removed). */
export class WebhookLeaseLostError extends Error {
  constructor(webhookId: string) {
    super(`This instance no longer holds the lease of webhook ${webhookId}.`);
    this.name = 'WebhookLeaseLostError';
  }
}

/** A webhook's filter as stored: lower-case codes, as `readChangeFilter` reads them. */
export interface StoredWebhookFilter {
  readonly area?: string;
  readonly agencies?: readonly Agency[];
  readonly recordKinds?: readonly string[];
  readonly changes?: readonly string[];
}

/** The registering caller, as deliveries are authorised: the claims the access rules read. */
export interface WebhookReader {
  readonly agency: Agency;
  readonly organisation: Caller['organisation'];
  readonly jurisdiction: string | null;
  readonly roles: readonly string[];
  readonly clearance: Caller['clearance'];
}

export interface WebhookRecord {
  readonly id: string;
  readonly agency: Agency;
  readonly createdBy: string;
  readonly url: string;
  readonly secret: string;
  readonly filter: StoredWebhookFilter;
  readonly reader: WebhookReader;
  readonly deliveredThrough: string;
  readonly createdAt: string;
  readonly removedAt: string | null;
}

export interface DeliveryRecord {
  readonly id: string;
  readonly webhookId: string;
  readonly cursor: string;
  readonly attempt: number;
  readonly status: number | null;
  readonly error: string | null;
  readonly deliveredAt: string;
  readonly durationMs: number;
}

export interface DeliveryAttempt {
  readonly webhookId: string;
  readonly cursor: string;
  readonly attempt: number;
  readonly status: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

interface WebhookRow {
  id: string;
  agency: string;
  created_by: string;
  url: string;
  secret: string;
  filter: unknown;
  reader: unknown;
  delivered_through: string;
  created_at: Date | string;
  removed_at: Date | string | null;
}

interface DeliveryRow {
  id: string;
  webhook_id: string;
  cursor: string;
  attempt: number;
  status: number | null;
  error: string | null;
  delivered_at: Date | string;
  duration_ms: number;
}

const iso = (value: Date | string) => (value instanceof Date ? value : new Date(value)).toISOString();
// pg returns jsonb parsed; be lenient with a driver that hands back text.
const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

function toWebhook(row: WebhookRow): WebhookRecord {
  return {
    id: row.id,
    agency: row.agency as Agency,
    createdBy: row.created_by,
    url: row.url,
    secret: row.secret,
    filter: json<StoredWebhookFilter>(row.filter),
    reader: json<WebhookReader>(row.reader),
    deliveredThrough: row.delivered_through,
    createdAt: iso(row.created_at),
    removedAt: row.removed_at === null ? null : iso(row.removed_at),
  };
}

function toDelivery(row: DeliveryRow): DeliveryRecord {
  return {
    id: String(row.id),
    webhookId: row.webhook_id,
    cursor: row.cursor,
    attempt: Number(row.attempt),
    status: row.status === null ? null : Number(row.status),
    error: row.error,
    deliveredAt: iso(row.delivered_at),
    durationMs: Number(row.duration_ms),
  };
}

/** The caller deliveries act as: the stored claims, with the registering subject. */
export function readerCaller(webhook: Pick<WebhookRecord, 'createdBy' | 'reader'>): Caller {
  const { reader } = webhook;
  return Object.freeze({
    subject: webhook.createdBy,
    agency: reader.agency,
    organisation: reader.organisation,
    jurisdiction: reader.jurisdiction ?? undefined,
    roles: Object.freeze([...reader.roles]),
    clearance: reader.clearance,
    claims: Object.freeze({ sub: webhook.createdBy, ...reader }),
  });
}

const WEBHOOK_COLUMNS = 'id, agency, created_by, url, secret, filter, reader, delivered_through, created_at, removed_at';
const DELIVERY_COLUMNS = 'id::text AS id, webhook_id, cursor, attempt, status, error, delivered_at, duration_ms';

/** Kho webhook — webhooks and their delivery log. */
export function createWebhookStore(storage: Storage) {
  return {
    storage,

    async migrate(): Promise<void> {
      // The replay window's nonces live here too, so stream replicas on one database share them.
      await runMigrations(storage, [...webhookMigrations, ...requestNonceMigrations]);
    },

    async insert(input: {
      agency: Agency;
      createdBy: string;
      url: string;
      secret: string;
      filter: StoredWebhookFilter;
      reader: WebhookReader;
      deliveredThrough: string;
    }): Promise<WebhookRecord> {
      const [row] = await storage.query<WebhookRow>(
        `INSERT INTO webhooks (id, agency, created_by, url, secret, filter, reader, delivered_through)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8) RETURNING ${WEBHOOK_COLUMNS}`,
        [randomUUID(), input.agency, input.createdBy, input.url, input.secret, JSON.stringify(input.filter), JSON.stringify(input.reader), input.deliveredThrough],
      );
      return toWebhook(row!);
    },

    async get(id: string): Promise<WebhookRecord | undefined> {
      const [row] = await storage.query<WebhookRow>(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1`, [id]);
      return row ? toWebhook(row) : undefined;
    },

    /** Newest first, removed ones included (they keep their delivery log). */
    async listByAgency(agency: Agency): Promise<WebhookRecord[]> {
      const rows = await storage.query<WebhookRow>(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE agency = $1 ORDER BY created_at DESC, id`, [agency]);
      return rows.map(toWebhook);
    },

    /** How many webhooks of an agency are active (not removed). */
    /** Active webhooks of an agency, and how many of them one caller registered. */
    async countActive(agency: Agency, createdBy: string): Promise<{ agency: number; caller: number }> {
      const [row] = await storage.query<{ agency: number | string; caller: number | string }>(
        'SELECT count(*) AS agency, count(*) FILTER (WHERE created_by = $2) AS caller FROM webhooks WHERE agency = $1 AND removed_at IS NULL',
        [agency, createdBy],
      );
      return { agency: Number(row?.agency ?? 0), caller: Number(row?.caller ?? 0) };
    },

    async listActive(): Promise<WebhookRecord[]> {
      const rows = await storage.query<WebhookRow>(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE removed_at IS NULL ORDER BY created_at, id`);
      return rows.map(toWebhook);
    },

    /** Marks a webhook removed (once); returns it as stored afterwards. */
    async remove(id: string): Promise<WebhookRecord | undefined> {
      await storage.query('UPDATE webhooks SET removed_at = now() WHERE id = $1 AND removed_at IS NULL', [id]);
      return this.get(id);
    },

    /**
     * Removes a webhook that can no longer deliver what it promised, with `attempt` (why) in its
     * log, in one transaction; only the caller that removed it logs, so two stream instances that
     * both find the same reason leave one entry. Resolves with whether this call removed it.
     */
    async retire(attempt: DeliveryAttempt): Promise<boolean> {
      return storage.transaction(async (tx) => {
        const removed = await tx.query<{ id: string }>('UPDATE webhooks SET removed_at = now() WHERE id = $1 AND removed_at IS NULL RETURNING id', [attempt.webhookId]);
        if (removed.length > 0) await insertDelivery(tx, attempt);
        return removed.length > 0;
      });
    },

    /** Logs an attempt that did not deliver. */
    async recordFailure(attempt: DeliveryAttempt): Promise<void> {
      await insertDelivery(storage, attempt);
    },

    /**
     * Logs the attempt that delivered and moves the webhook past its event, in one transaction.
     * With `leaseOwner`, the webhook moves only while that instance holds its lease; otherwise the
     * attempt is still logged and {@link WebhookLeaseLostError} is thrown.
     */
    async recordDelivered(attempt: DeliveryAttempt, leaseOwner?: string): Promise<void> {
      const moved = await storage.transaction(async (tx) => {
        await insertDelivery(tx, attempt);
        const rows = await tx.query<{ id: string }>(
          `UPDATE webhooks SET delivered_through = $2 WHERE id = $1${leaseOwner === undefined ? '' : ' AND lease_owner = $3'} RETURNING id`,
          leaseOwner === undefined ? [attempt.webhookId, attempt.cursor] : [attempt.webhookId, attempt.cursor, leaseOwner],
        );
        return rows.length > 0;
      });
      if (!moved && leaseOwner !== undefined) throw new WebhookLeaseLostError(attempt.webhookId);
    },

    ...leaseQueries(storage),

    ...deliveryLogQueries(storage),
  };
}

/** The delivery log's queries: what a worker counts on after a restart, what callers read, what is pruned. */
function deliveryLogQueries(storage: Storage) {
  return {
    /** The number of the last attempt logged for one event (0: none), so a restart counts on. */
    async lastAttempt(webhookId: string, cursor: string): Promise<number> {
      const [row] = await storage.query<{ attempt: number | null }>('SELECT max(attempt) AS attempt FROM webhook_deliveries WHERE webhook_id = $1 AND cursor = $2', [
        webhookId,
        cursor,
      ]);
      return Number(row?.attempt ?? 0);
    },

    /** Deletes up to `limit` logged attempts older than `keepDays`, oldest first; answers how many. */
    async pruneDeliveries(keepDays: number, limit = 10_000): Promise<number> {
      const rows = await storage.query<{ id: string }>(
        `DELETE FROM webhook_deliveries WHERE id IN (
           SELECT id FROM webhook_deliveries WHERE delivered_at < now() - $1::double precision * interval '1 day' ORDER BY delivered_at LIMIT $2)
         RETURNING id`,
        [keepDays, limit],
      );
      return rows.length;
    },

    /** Newest first. */
    async deliveries(webhookId: string, first: number): Promise<DeliveryRecord[]> {
      const rows = await storage.query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2`, [webhookId, first]);
      return rows.map(toDelivery);
    },
  };
}

/** The lease queries of the store: which stream instance delivers a webhook. */
function leaseQueries(storage: Storage) {
  return {
    /**
     * Takes or renews the lease of an active webhook for `owner` until `ttlMs` from now (database
     * time): it succeeds when nobody holds it, the holder's lease ran out, or `owner` holds it.
     * Returns the webhook as stored (with its current `delivered_through`), or undefined.
     */
    async takeLease(id: string, owner: string, ttlMs: number): Promise<WebhookRecord | undefined> {
      const [row] = await storage.query<WebhookRow>(
        `UPDATE webhooks SET lease_owner = $2, lease_until = now() + $3::integer * interval '1 millisecond'
       WHERE id = $1 AND removed_at IS NULL AND (lease_owner IS NULL OR lease_until IS NULL OR lease_until < now() OR lease_owner = $2)
       RETURNING ${WEBHOOK_COLUMNS}`,
        [id, owner, Math.max(1, Math.round(ttlMs))],
      );
      return row ? toWebhook(row) : undefined;
    },

    /** Gives a held lease up, so another instance can take the webhook at once. */
    async releaseLease(id: string, owner: string): Promise<void> {
      await storage.query('UPDATE webhooks SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2', [id, owner]);
    },

    /** Who holds a webhook's lease, and until when (null: nobody). */
    async lease(id: string): Promise<{ owner: string | null; until: string | null } | undefined> {
      const [row] = await storage.query<{ lease_owner: string | null; lease_until: Date | string | null }>('SELECT lease_owner, lease_until FROM webhooks WHERE id = $1', [id]);
      return row ? { owner: row.lease_owner, until: row.lease_until === null ? null : iso(row.lease_until) } : undefined;
    },
  };
}

async function insertDelivery(executor: SqlExecutor, attempt: DeliveryAttempt): Promise<void> {
  await executor.query('INSERT INTO webhook_deliveries (webhook_id, cursor, attempt, status, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6)', [
    attempt.webhookId,
    attempt.cursor,
    attempt.attempt,
    attempt.status,
    attempt.error,
    Math.max(0, Math.round(attempt.durationMs)),
  ]);
}

export type WebhookStore = ReturnType<typeof createWebhookStore>;
