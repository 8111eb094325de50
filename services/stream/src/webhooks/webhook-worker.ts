import { decodeStreamCursor as decodeCursor } from '@antq/sdk';
import { followChanges } from '../follow-changes.js';
import { deliverChange } from './webhook-attempts.js';
import { toChangeFilter } from './webhook-payload.js';
import { readerCaller, WebhookLeaseLostError, type WebhookRecord } from './webhook-store.js';
import { sleep, type WebhookWorkerContext } from './webhook-worker-context.js';

/**
 * Delivers while this instance holds the webhook's lease; ends when the worker stops or the
 * webhook is removed. `signal` stops between requests; `interrupt` also cuts a request short.
 */
export async function runWebhookWorker(context: WebhookWorkerContext, webhookId: string, signals: { interrupt: AbortSignal; signal: AbortSignal }): Promise<void> {
  const { store, leaseOwner } = context;
  const { interrupt, signal } = signals;
  let failures = 0;
  while (!signal.aborted) {
    let webhook: WebhookRecord | undefined;
    try {
      webhook = await store.takeLease(webhookId, leaseOwner, context.leaseTtlMs);
      if (!webhook) {
        const stored = await store.get(webhookId);
        if (!stored || stored.removedAt !== null) return; // removed (perhaps through another instance)
      }
      failures = 0;
    } catch (error) {
      if (signal.aborted) return;
      context.report(webhookId, error);
      failures += 1;
      await sleep(Math.min(context.backoff(failures), context.leaseRetryMs), signal);
      continue;
    }
    if (!webhook) {
      // Another instance delivers it; take over if its lease runs out.
      await sleep(context.leaseRetryMs, signal);
      continue;
    }
    const held = new AbortController();
    const renewal = renewLease(context, webhookId, held);
    try {
      await followWebhook(context, webhook, { signal: AbortSignal.any([signal, held.signal]), interrupt: AbortSignal.any([interrupt, held.signal]) });
    } finally {
      clearInterval(renewal);
    }
    if (signal.aborted) {
      await store.releaseLease(webhookId, leaseOwner).catch((error: unknown) => context.report(webhookId, error));
      return;
    }
  }
}

/** Renews the lease well before it runs out; if renewal fails until the lease has run out, aborts `held`. */
function renewLease(context: WebhookWorkerContext, webhookId: string, held: AbortController): NodeJS.Timeout {
  const { store, leaseOwner, leaseTtlMs, leaseRenewMs } = context;
  let validUntil = Date.now() + leaseTtlMs;
  return setInterval(() => {
    store.takeLease(webhookId, leaseOwner, leaseTtlMs).then(
      (renewed) => {
        if (renewed) validUntil = Date.now() + leaseTtlMs;
        else held.abort();
      },
      (error: unknown) => {
        context.report(webhookId, error);
        if (Date.now() >= validUntil - leaseRenewMs) held.abort();
      },
    );
  }, leaseRenewMs);
}

/** Follows the hub from the webhook's `delivered_through` as its registering caller, delivering each event in turn. */
async function followWebhook(context: WebhookWorkerContext, webhook: WebhookRecord, signals: { signal: AbortSignal; interrupt: AbortSignal }): Promise<void> {
  const { signal, interrupt } = signals;
  const reader = readerCaller(webhook);
  const filter = toChangeFilter(webhook.filter);
  let after = decodeCursor(webhook.deliveredThrough);
  let failures = 0;
  while (!signal.aborted) {
    try {
      const events = followChanges({ hub: context.hub, after, filter, reader, scopes: context.scopes, grantsFor: context.grantsFor, signal });
      for await (const { change, cursor } of events) {
        if (!(await deliverChange(context, { webhook, change, cursor, signal, interrupt }))) return;
        after = decodeCursor(cursor);
        failures = 0;
      }
    } catch (error) {
      if (error instanceof WebhookLeaseLostError) return;
      // The hub could not read an agency's outbox, or the store failed: resume from the last delivered event.
      if (signal.aborted) return;
      context.report(webhook.id, error);
      failures += 1;
      await sleep(context.backoff(failures), signal);
    }
  }
}
