import { readStreamCursor, type Agency, type StreamCursor } from '@antq/sdk';
import { retryUntilDone } from '@antq/subgraph-kit';
import { isCursorPastTheEnd } from '../change-hub.js';
import { describeUnfollowable, followChanges } from '../follow-changes.js';
import { deliverChange } from './webhook-attempts.js';
import { toChangeFilter } from './webhook-payload.js';
import { readerCaller, WebhookLeaseLostError, type WebhookRecord, type WebhookStore } from './webhook-store.js';
import { sleep, type WebhookWorkerContext } from './webhook-worker-context.js';

/**
 * Delivers while this instance holds the webhook's lease; ends when the worker stops or the
 * webhook is removed. `signal` stops between requests; `interrupt` also cuts a request short.
 */
export async function runWebhookWorker(context: WebhookWorkerContext, webhookId: string, signals: { interrupt: AbortSignal; signal: AbortSignal }): Promise<void> {
  const { store, leaseOwner } = context;
  const { interrupt, signal } = signals;
  const report = (error: unknown) => {
    if (!signal.aborted) context.report(webhookId, error);
  };
  // The attempt at the lease in flight: stopping abandons it, but its statement may still commit.
  let taking: Promise<unknown> = Promise.resolve();
  // The lease, or 'removed' for a webhook removed (perhaps through another instance).
  const takeLease = async (): Promise<WebhookRecord | 'removed' | undefined> => {
    const attempt = store.takeLease(webhookId, leaseOwner, context.leaseTtlMs);
    taking = attempt.catch(() => undefined);
    const taken = await attempt;
    if (taken) return taken;
    const stored = await store.get(webhookId);
    return !stored || stored.removedAt !== null ? 'removed' : undefined;
  };
  const retryMaxMs = Math.min(context.backoffMaxMs, context.leaseRetryMs);
  while (!signal.aborted) {
    const webhook = await retryUntilDone(takeLease, { minDelayMs: Math.min(context.backoff(1), retryMaxMs), maxDelayMs: retryMaxMs, signal, onFailure: report }).catch(
      () => 'removed' as const,
    );
    if (webhook === 'removed') {
      // Or stopped, perhaps with the lease taken all the same: given up, another instance need not wait for it to run out.
      if (signal.aborted) await taking.then(() => store.releaseLease(webhookId, leaseOwner)).catch((error: unknown) => context.report(webhookId, error));
      return;
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
  let after = readStreamCursor(webhook.deliveredThrough);
  let events: ReturnType<typeof followChanges> | undefined;
  // One event delivered (true) or the worker stopped (false). A failure of the hub or the store
  // drops the reader; the next attempt resumes from the last delivered event.
  const step = async (): Promise<boolean> => {
    if (!events) {
      // Where it stopped may be gone since: a store restored from a backup while this instance was away.
      const unfollowable = await context.hub.unfollowable(takenPart(after, filter.agencies));
      if (unfollowable.length > 0) {
        const why = `its cursor cannot be followed (${describeUnfollowable(unfollowable)}), and following it would skip changes`;
        await removeWebhook(context.store, webhook, why);
        return false;
      }
    }
    events ??= followChanges({ hub: context.hub, after, filter, reader, scopes: context.scopes, grantsFor: context.grantsFor, signal });
    try {
      const next = await events.next();
      if (next.done || !(await deliverChange(context, { webhook, change: next.value.change, cursor: next.value.cursor, signal, interrupt }))) return false;
      after = readStreamCursor(next.value.cursor);
      return true;
    } catch (error) {
      events = undefined;
      throw error;
    }
  };
  const onFailure = (error: unknown) => {
    if (!signal.aborted && !(error instanceof WebhookLeaseLostError)) context.report(webhook.id, error);
  };
  try {
    // A fresh retry per event, so the backoff starts over once an event is delivered.
    while (!signal.aborted) {
      const delivered = await retryUntilDone(step, {
        minDelayMs: context.backoff(1),
        maxDelayMs: context.backoffMaxMs,
        signal,
        onFailure,
        // A webhook past an outbox's cut is removed (`removePastRewind`): nothing to retry.
        retryIf: (error) => !(error instanceof WebhookLeaseLostError) && !isCursorPastTheEnd(error),
      }).catch(() => false); // stopped, or the lease lost
      if (!delivered) return;
    }
  } finally {
    await events?.return(undefined);
  }
}

/** The positions of the agencies a webhook takes: another agency's restore changed nothing it delivered. */
function takenPart(cursor: StreamCursor, takes: ReadonlySet<Agency> | undefined): StreamCursor {
  if (!takes) return cursor;
  const taken = <T>(record: Readonly<Partial<Record<Agency, T>>>) => Object.fromEntries(Object.entries(record).filter(([agency]) => takes.has(agency as Agency)));
  return { position: taken(cursor.position), marks: taken(cursor.marks) };
}

/**
 * Removes a webhook that can no longer deliver what it promised, with a last entry in its delivery
 * log saying why and what to do (`WebhookStore.retire`); its worker stops at its next step.
 * Resolves with whether this call removed it (another stream instance may have first).
 */
export function removeWebhook(store: WebhookStore, webhook: WebhookRecord, why: string): Promise<boolean> {
  return store.retire({
    webhookId: webhook.id,
    cursor: webhook.deliveredThrough,
    attempt: 0,
    status: null,
    error: `Removed: ${why}. Read the records again, read changesCursor, and register the webhook again with it as after.`,
    durationMs: 0,
  });
}
