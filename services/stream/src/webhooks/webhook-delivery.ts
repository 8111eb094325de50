import { randomUUID } from 'node:crypto';
import type { Agency } from '@antq/sdk';
import type { AreaScopes } from '@antq/subgraph-kit';
import type { StreamChange } from '@antq/subgraph-kit';
import type { ChangeHub } from '../change-hub.js';
import type { GrantInForce } from '@antq/subgraph-kit';
import { decodeStreamCursor as decodeCursor } from '@antq/sdk';
import { followChanges, type ChangeFilter } from '../stream-subgraph.js';
import { signWebhook, WEBHOOK_ID_HEADER, webhookMessageId } from './signature.js';
import { readerCaller, WebhookLeaseLostError, type StoredWebhookFilter, type WebhookRecord, type WebhookStore } from './webhook-store.js';

/**
 * Several stream instances on one store: each webhook is delivered by the instance holding its
 * lease. A worker takes the lease, renews it while it delivers, and gives it up when it stops;
 * a worker without the lease delivers nothing and tries again later.
 */
export interface WebhookLeaseOptions {
  /** This instance's name in `lease_owner` (default a random id per dispatcher). */
  readonly owner?: string;
  /** How long a lease lasts without renewal (default 30 s). */
  readonly ttlMs?: number;
  /** How often the holder renews it (default 10 s). */
  readonly renewMs?: number;
  /** How often a worker without the lease tries to take it (default 10 s). */
  readonly retryMs?: number;
  /** How often the store is read for webhooks registered through another instance (default 10 s). */
  readonly rescanMs?: number;
}

export interface WebhookDispatcherOptions {
  readonly store: WebhookStore;
  readonly hub: ChangeHub;
  readonly scopes: AreaScopes;
  /** Grants in force towards an agency, as the subscription reads them. */
  readonly grantsFor: (agency: Agency) => Promise<readonly GrantInForce[]>;
  /** First retry delay; doubles per attempt (default 1 s). */
  readonly backoffBaseMs?: number;
  /** Longest retry delay (default 5 min). */
  readonly backoffMaxMs?: number;
  /** Per-request timeout (default 10 s). */
  readonly timeoutMs?: number;
  readonly onError?: (webhookId: string, error: unknown) => void;
  readonly lease?: WebhookLeaseOptions;
}

/** The body of one delivery. `areaCode` is null for changes of no area. */
export interface WebhookPayload {
  readonly cursor: string;
  readonly agency: string;
  readonly seq: number;
  readonly recordKind: string;
  readonly recordId: string;
  readonly change: string;
  readonly areaCode: string | null;
  readonly occurredAt: string;
}

export function toWebhookPayload(change: StreamChange, cursor: string): WebhookPayload {
  return {
    cursor,
    agency: change.agency.toUpperCase(),
    seq: change.seq,
    recordKind: change.recordKind,
    recordId: change.recordId,
    change: change.change,
    areaCode: change.areaCode === '' ? null : change.areaCode,
    occurredAt: change.occurredAt,
  };
}

export function toChangeFilter(stored: StoredWebhookFilter): ChangeFilter {
  return {
    ...(stored.area ? { area: stored.area } : {}),
    ...(stored.agencies ? { agencies: new Set(stored.agencies) } : {}),
    ...(stored.recordKinds ? { recordKinds: new Set(stored.recordKinds) } : {}),
    ...(stored.changes ? { changes: new Set(stored.changes) } : {}),
  };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

export interface WebhookDispatcher {
  /** Starts a worker for every active webhook in the store. */
  start(): Promise<void>;
  /** Starts the worker of a new webhook (no-op if it runs already). */
  add(webhook: WebhookRecord): void;
  /** Stops a webhook's worker once the request on its way (if any) has ended and been logged, and waits for it. */
  remove(id: string): Promise<void>;
  /** The ids of the webhooks whose worker runs. */
  running(): string[];
  close(): Promise<void>;
}

/**
 * Người đưa tin — one worker per active webhook, each on its own: it follows the hub from the
 * webhook's `delivered_through` as the registering caller, and delivers each event until the
 * endpoint answers 2xx — retrying the same event with exponential backoff, never skipping it —
 * before it moves on. A slow or failing endpoint holds up only its own webhook.
 */
export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const { store, hub, scopes } = options;
  const backoffBaseMs = options.backoffBaseMs ?? 1_000;
  const backoffMaxMs = options.backoffMaxMs ?? 300_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  /** `finish` stops a worker after the request on its way (a removed webhook); `stop` cuts it short (closing). */
  const workers = new Map<string, { stop: AbortController; finish: AbortController; done: Promise<void> }>();
  const leaseOwner = options.lease?.owner ?? `stream-${randomUUID()}`;
  const leaseTtlMs = options.lease?.ttlMs ?? 30_000;
  const leaseRenewMs = options.lease?.renewMs ?? 10_000;
  const leaseRetryMs = options.lease?.retryMs ?? 10_000;
  const rescanMs = options.lease?.rescanMs ?? 10_000;
  let rescanTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const backoff = (attempt: number) => Math.min(backoffBaseMs * 2 ** Math.min(attempt - 1, 40), backoffMaxMs);
  const report = (id: string, error: unknown) => {
    try {
      options.onError?.(id, error);
    } catch {
      // a reporter's failure must not stop a worker
    }
  };

  /**
   * Delivers one event until it is delivered (true) or the worker stops (false). `signal` stops
   * between attempts (a removed webhook lets the request on its way finish and be logged);
   * `interrupt` also cuts a request short (closing, or the lease lost).
   */
  async function deliver(webhook: WebhookRecord, change: StreamChange, cursor: string, signal: AbortSignal, interrupt: AbortSignal): Promise<boolean> {
    const body = JSON.stringify(toWebhookPayload(change, cursor));
    // The same on every attempt at this change, so the partner can tell a retry from a new change.
    const messageId = webhookMessageId(webhook.id, change.agency, change.seq);
    let attempt = await store.lastAttempt(webhook.id, cursor);
    while (!signal.aborted) {
      attempt += 1;
      const started = performance.now();
      let status: number | null = null;
      let error: string | null = null;
      try {
        const response = await fetch(webhook.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [WEBHOOK_ID_HEADER]: webhook.id,
            // Signed afresh per attempt: webhook-timestamp is when this attempt left.
            ...signWebhook({ secret: webhook.secret, messageId, body }),
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.any([interrupt, AbortSignal.timeout(timeoutMs)]),
        });
        status = response.status;
        // Read (and drop) the answer so the connection is free again; it still counts against the timeout.
        await response.arrayBuffer().catch(() => undefined);
        if (status < 200 || status >= 300) error = `The endpoint answered HTTP ${status}; only a 2xx status counts as delivered.`;
      } catch (cause) {
        if (interrupt.aborted) {
          // Closing or the lease lost with the request on its way: the endpoint may have
          // received it, so the log keeps the attempt (and a later worker counts on from it).
          await store
            .recordFailure({
              webhookId: webhook.id,
              cursor,
              attempt,
              status: null,
              error: 'The delivery was interrupted before the endpoint answered: this stream instance stopped or lost the lease.',
              durationMs: performance.now() - started,
            })
            .catch((failure: unknown) => report(webhook.id, failure));
          return false;
        }
        const name = (cause as Error).name;
        error =
          name === 'TimeoutError' || name === 'AbortError'
            ? `The endpoint did not answer within ${timeoutMs} ms.`
            : `The endpoint could not be reached: ${describeFetchError(cause)}`;
        status = null;
      }
      const durationMs = performance.now() - started;
      const record = { webhookId: webhook.id, cursor, attempt, status, error, durationMs };
      if (error === null) {
        await store.recordDelivered(record, leaseOwner);
        return true;
      }
      await store.recordFailure(record);
      await sleep(backoff(attempt), signal);
    }
    return false;
  }

  /** Delivers while this instance holds the webhook's lease; ends when the worker stops or the webhook is removed. */
  async function run(webhookId: string, interrupt: AbortSignal, signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      let webhook: WebhookRecord | undefined;
      try {
        webhook = await store.takeLease(webhookId, leaseOwner, leaseTtlMs);
        if (!webhook) {
          const stored = await store.get(webhookId);
          if (!stored || stored.removedAt !== null) return; // removed (perhaps through another instance)
        }
        failures = 0;
      } catch (error) {
        if (signal.aborted) return;
        report(webhookId, error);
        failures += 1;
        await sleep(Math.min(backoff(failures), leaseRetryMs), signal);
        continue;
      }
      if (!webhook) {
        // Another instance delivers it; take over if its lease runs out.
        await sleep(leaseRetryMs, signal);
        continue;
      }
      const held = new AbortController();
      // Renewed well before it runs out; if renewal fails until the lease has run out, stop delivering.
      let validUntil = Date.now() + leaseTtlMs;
      const renewal = setInterval(() => {
        store.takeLease(webhookId, leaseOwner, leaseTtlMs).then(
          (renewed) => {
            if (renewed) validUntil = Date.now() + leaseTtlMs;
            else held.abort();
          },
          (error: unknown) => {
            report(webhookId, error);
            if (Date.now() >= validUntil - leaseRenewMs) held.abort();
          },
        );
      }, leaseRenewMs);
      try {
        await follow(webhook, AbortSignal.any([signal, held.signal]), AbortSignal.any([interrupt, held.signal]));
      } finally {
        clearInterval(renewal);
      }
      if (signal.aborted) {
        await store.releaseLease(webhookId, leaseOwner).catch((error: unknown) => report(webhookId, error));
        return;
      }
    }
  }

  async function follow(webhook: WebhookRecord, signal: AbortSignal, interrupt: AbortSignal): Promise<void> {
    const reader = readerCaller(webhook);
    const filter = toChangeFilter(webhook.filter);
    let after = decodeCursor(webhook.deliveredThrough);
    let failures = 0;
    while (!signal.aborted) {
      try {
        const events = followChanges({ hub, after, filter, reader, scopes, grantsFor: options.grantsFor, signal });
        for await (const { change, cursor } of events) {
          if (!(await deliver(webhook, change, cursor, signal, interrupt))) return;
          after = decodeCursor(cursor);
          failures = 0;
        }
      } catch (error) {
        if (error instanceof WebhookLeaseLostError) return;
        // The hub could not read an agency's outbox, or the store failed: resume from the last delivered event.
        if (signal.aborted) return;
        report(webhook.id, error);
        failures += 1;
        await sleep(backoff(failures), signal);
      }
    }
  }

  function add(webhook: WebhookRecord): void {
    if (closed || webhook.removedAt !== null || workers.has(webhook.id)) return;
    const stop = new AbortController();
    const finish = new AbortController();
    const done = run(webhook.id, stop.signal, AbortSignal.any([stop.signal, finish.signal]))
      .catch((error: unknown) => report(webhook.id, error))
      .finally(() => {
        if (workers.get(webhook.id)?.stop === stop) workers.delete(webhook.id);
      });
    workers.set(webhook.id, { stop, finish, done });
  }

  return {
    async start() {
      for (const webhook of await store.listActive()) add(webhook);
      // Webhooks registered through another instance get a worker here too (which waits for the lease).
      const rescan = () => {
        rescanTimer = setTimeout(() => {
          store.listActive().then(
            (active) => {
              for (const webhook of active) add(webhook);
            },
            (error: unknown) => report('', error),
          ).finally(() => {
            if (!closed) rescan();
          });
        }, rescanMs);
        rescanTimer.unref();
      };
      if (!closed && rescanTimer === undefined) rescan();
    },
    add,
    async remove(id) {
      const worker = workers.get(id);
      if (!worker) return;
      // The request on its way (at most `timeoutMs`) ends and is logged, so the log holds every request sent.
      worker.finish.abort();
      await worker.done;
    },
    running: () => [...workers.keys()],
    async close() {
      closed = true;
      clearTimeout(rescanTimer);
      const all = [...workers.values()];
      // Requests on their way get a short grace to end and be logged (a planned stop, e.g. a rolling
      // restart, then hands over without a second copy); what still hangs after it is cut short.
      for (const worker of all) worker.finish.abort();
      const ended = Promise.allSettled(all.map((worker) => worker.done));
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([ended, new Promise<void>((resolve) => (grace = setTimeout(resolve, Math.min(timeoutMs, 2_000))))]);
      clearTimeout(grace);
      for (const worker of all) worker.stop.abort();
      await ended;
    },
  };
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
