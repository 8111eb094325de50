import type { Agency } from '@antq/sdk';
import type { AreaScopes } from '@antq/subgraph-kit';
import type { StreamChange } from '../agency-feed.js';
import type { ChangeHub } from '../change-hub.js';
import type { ActiveGrant } from '../event-access.js';
import { decodeCursor } from '../stream-cursor.js';
import { followChanges, type ChangeFilter } from '../stream-subgraph.js';
import { signWebhookBody, WEBHOOK_ID_HEADER, WEBHOOK_SIGNATURE_HEADER } from './signature.js';
import { readerCaller, type StoredWebhookFilter, type WebhookRecord, type WebhookStore } from './webhook-store.js';

export interface WebhookDispatcherOptions {
  readonly store: WebhookStore;
  readonly hub: ChangeHub;
  readonly scopes: AreaScopes;
  /** Grants in force towards an agency, as the subscription reads them. */
  readonly grantsFor: (agency: Agency) => Promise<readonly ActiveGrant[]>;
  /** First retry delay; doubles per attempt (default 1 s). */
  readonly backoffBaseMs?: number;
  /** Longest retry delay (default 5 min). */
  readonly backoffMaxMs?: number;
  /** Per-request timeout (default 10 s). */
  readonly timeoutMs?: number;
  readonly onError?: (webhookId: string, error: unknown) => void;
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
  /** Stops a webhook's worker and waits for it to end. */
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
  const workers = new Map<string, { stop: AbortController; done: Promise<void> }>();
  let closed = false;

  const backoff = (attempt: number) => Math.min(backoffBaseMs * 2 ** Math.min(attempt - 1, 40), backoffMaxMs);
  const report = (id: string, error: unknown) => {
    try {
      options.onError?.(id, error);
    } catch {
      // a reporter's failure must not stop a worker
    }
  };

  /** Delivers one event until it is delivered (true) or the worker stops (false). */
  async function deliver(webhook: WebhookRecord, change: StreamChange, cursor: string, signal: AbortSignal): Promise<boolean> {
    const body = JSON.stringify(toWebhookPayload(change, cursor));
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
            [WEBHOOK_SIGNATURE_HEADER]: signWebhookBody(webhook.secret, body),
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        });
        status = response.status;
        // Read (and drop) the answer so the connection is free again; it still counts against the timeout.
        await response.arrayBuffer().catch(() => undefined);
        if (status < 200 || status >= 300) error = `The endpoint answered HTTP ${status}; only a 2xx status counts as delivered.`;
      } catch (cause) {
        if (signal.aborted) return false; // removed or closing: not an attempt of the endpoint
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
        await store.recordDelivered(record);
        return true;
      }
      await store.recordFailure(record);
      await sleep(backoff(attempt), signal);
    }
    return false;
  }

  async function run(webhook: WebhookRecord, signal: AbortSignal): Promise<void> {
    const reader = readerCaller(webhook);
    const filter = toChangeFilter(webhook.filter);
    let after = decodeCursor(webhook.deliveredThrough);
    let failures = 0;
    while (!signal.aborted) {
      try {
        const events = followChanges({ hub, after, filter, reader, scopes, grantsFor: options.grantsFor, signal });
        for await (const { change, cursor } of events) {
          if (!(await deliver(webhook, change, cursor, signal))) return;
          after = decodeCursor(cursor);
          failures = 0;
        }
      } catch (error) {
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
    const done = run(webhook, stop.signal)
      .catch((error: unknown) => report(webhook.id, error))
      .finally(() => {
        if (workers.get(webhook.id)?.stop === stop) workers.delete(webhook.id);
      });
    workers.set(webhook.id, { stop, done });
  }

  return {
    async start() {
      for (const webhook of await store.listActive()) add(webhook);
    },
    add,
    async remove(id) {
      const worker = workers.get(id);
      if (!worker) return;
      worker.stop.abort();
      await worker.done;
    },
    running: () => [...workers.keys()],
    async close() {
      closed = true;
      const all = [...workers.values()];
      for (const worker of all) worker.stop.abort();
      await Promise.allSettled(all.map((worker) => worker.done));
    },
  };
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
