import { randomUUID } from 'node:crypto';
import type { Agency } from '@antq/sdk';
import type { AreaScopes, GrantInForce } from '@antq/subgraph-kit';
import type { ChangeHub } from '../change-hub.js';
import { createDeliveryConnections, createWebhookDestinations, type WebhookDestinations } from './webhook-destinations.js';
import type { WebhookRecord, WebhookStore } from './webhook-store.js';
import { runWebhookWorker } from './webhook-worker.js';
import type { WebhookWorkerContext } from './webhook-worker-context.js';

export { toChangeFilter, toWebhookPayload, type WebhookPayload } from './webhook-payload.js';

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
  /** Where deliveries may connect (default: public addresses only). */
  readonly destinations?: WebhookDestinations;
  /** How many days the delivery log keeps an attempt (default 90); older ones are deleted at start and every hour. */
  readonly deliveryLogDays?: number;
}

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
 * Deletes the delivery log beyond its days, a batch at a time, from start and every hour (another
 * instance on the store may too). In the background: a first start after a long time without it
 * has months of attempts to delete, and deliveries need not wait for that.
 */
function deliveryLogPruner(store: WebhookStore, days: number, report: (webhookId: string, error: unknown) => void) {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let pruning: Promise<void> = Promise.resolve();
  async function prune(): Promise<void> {
    try {
      for (let batch = 0; batch < 100 && !stopped && (await store.pruneDeliveries(days)) > 0; batch++);
    } catch (error) {
      report('', error);
    }
  }
  const run = () => {
    pruning = pruning.then(prune);
  };
  return {
    start() {
      run();
      timer ??= setInterval(run, 3_600_000).unref();
    },
    /** Stops the timer and waits for a batch under way, so that the store is not closed under it. */
    async stop() {
      stopped = true;
      clearInterval(timer);
      await pruning;
    },
  };
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
  const rescanMs = options.lease?.rescanMs ?? 10_000;
  /** `finish` stops a worker after the request on its way (a removed webhook); `stop` cuts it short (closing). */
  const workers = new Map<string, { stop: AbortController; finish: AbortController; done: Promise<void> }>();
  let rescanTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const context: WebhookWorkerContext = {
    store,
    hub,
    scopes,
    grantsFor: options.grantsFor,
    leaseOwner: options.lease?.owner ?? `stream-${randomUUID()}`,
    leaseTtlMs: options.lease?.ttlMs ?? 30_000,
    leaseRenewMs: options.lease?.renewMs ?? 10_000,
    leaseRetryMs: options.lease?.retryMs ?? 10_000,
    timeoutMs,
    connections: createDeliveryConnections(options.destinations ?? createWebhookDestinations()),
    backoffMaxMs,
    backoff: (attempt) => Math.min(backoffBaseMs * 2 ** Math.min(attempt - 1, 40), backoffMaxMs),
    report: (id, error) => {
      try {
        options.onError?.(id, error);
      } catch {
        // a reporter's failure must not stop a worker
      }
    },
  };
  const report = context.report;

  function add(webhook: WebhookRecord): void {
    if (closed || webhook.removedAt !== null || workers.has(webhook.id)) return;
    const stop = new AbortController();
    const finish = new AbortController();
    const done = runWebhookWorker(context, webhook.id, { interrupt: stop.signal, signal: AbortSignal.any([stop.signal, finish.signal]) })
      .catch((error: unknown) => report(webhook.id, error))
      .finally(() => {
        if (workers.get(webhook.id)?.stop === stop) workers.delete(webhook.id);
      });
    workers.set(webhook.id, { stop, finish, done });
  }

  const pruner = deliveryLogPruner(store, options.deliveryLogDays ?? 90, report);

  return {
    async start() {
      pruner.start();
      for (const webhook of await store.listActive()) add(webhook);
      // Webhooks registered through another instance get a worker here too (which waits for the lease).
      const rescan = () => {
        rescanTimer = setTimeout(() => {
          store
            .listActive()
            .then(
              (active) => {
                for (const webhook of active) add(webhook);
              },
              (error: unknown) => report('', error),
            )
            .finally(() => {
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
      await pruner.stop();
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
      context.connections.close();
    },
  };
}
