import { retryUntilDone, type StreamChange } from '@antq/subgraph-kit';
import { signWebhook, WEBHOOK_ID_HEADER, webhookMessageId } from './signature.js';
import { toWebhookPayload } from './webhook-payload.js';
import type { WebhookRecord } from './webhook-store.js';
import type { WebhookWorkerContext } from './webhook-worker-context.js';

export interface DeliveryInput {
  readonly webhook: WebhookRecord;
  readonly change: StreamChange;
  readonly cursor: string;
  /** Stops between attempts (a removed webhook lets the request on its way finish and be logged). */
  readonly signal: AbortSignal;
  /** Also cuts a request short (closing, or the lease lost). */
  readonly interrupt: AbortSignal;
}

/** One attempt's outcome: `error` null when the endpoint answered 2xx; undefined when interrupted. */
type AttemptOutcome = { status: number | null; error: string | null } | undefined;

/** Sends one attempt. An interrupted attempt is logged here, and answers undefined. */
async function attempt(context: WebhookWorkerContext, input: DeliveryInput, body: string, number: number): Promise<AttemptOutcome> {
  const { webhook, cursor, change } = input;
  // The same on every attempt at this change, so the partner can tell a retry from a new change.
  const messageId = webhookMessageId(webhook.id, change.agency, change.seq);
  const started = performance.now();
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
      signal: AbortSignal.any([input.interrupt, AbortSignal.timeout(context.timeoutMs)]),
    });
    const status = response.status;
    // Read (and drop) the answer so the connection is free again; it still counts against the timeout.
    await response.arrayBuffer().catch(() => undefined);
    return { status, error: status < 200 || status >= 300 ? `The endpoint answered HTTP ${status}; only a 2xx status counts as delivered.` : null };
  } catch (cause) {
    if (input.interrupt.aborted) {
      // Closing or the lease lost with the request on its way: the endpoint may have
      // received it, so the log keeps the attempt (and a later worker counts on from it).
      await context.store
        .recordFailure({
          webhookId: webhook.id,
          cursor,
          attempt: number,
          status: null,
          error: 'The delivery was interrupted before the endpoint answered: this stream instance stopped or lost the lease.',
          durationMs: performance.now() - started,
        })
        .catch((failure: unknown) => context.report(webhook.id, failure));
      return undefined;
    }
    const name = (cause as Error).name;
    const error =
      name === 'TimeoutError' || name === 'AbortError'
        ? `The endpoint did not answer within ${context.timeoutMs} ms.`
        : `The endpoint could not be reached: ${describeFetchError(cause)}`;
    return { status: null, error };
  }
}

/** An attempt the endpoint did not accept: logged, and tried again after the backoff. */
class NotDelivered extends Error {}

/**
 * Delivers one event until it is delivered (true) or the worker stops (false), retrying the
 * same event with the context's backoff and logging every attempt. A store failure (the lease
 * lost among them) is not retried here: it ends the delivery with that error.
 */
export async function deliverChange(context: WebhookWorkerContext, input: DeliveryInput): Promise<boolean> {
  const { webhook, cursor, signal } = input;
  const body = JSON.stringify(toWebhookPayload(input.change, cursor));
  const logged = await context.store.lastAttempt(webhook.id, cursor);
  let number = logged;
  const once = async (): Promise<boolean> => {
    number += 1;
    const started = performance.now();
    const outcome = await attempt(context, input, body, number);
    if (!outcome) return false;
    const record = { webhookId: webhook.id, cursor, attempt: number, status: outcome.status, error: outcome.error, durationMs: performance.now() - started };
    if (outcome.error === null) {
      await context.store.recordDelivered(record, context.leaseOwner);
      return true;
    }
    await context.store.recordFailure(record);
    throw new NotDelivered(outcome.error);
  };
  try {
    // The waits go on from the attempts already logged (a restart does not start them over).
    return await retryUntilDone(once, { minDelayMs: context.backoff(logged + 1), maxDelayMs: context.backoffMaxMs, signal, retryIf: (error) => error instanceof NotDelivered });
  } catch (error) {
    if (signal.aborted) return false;
    throw error;
  }
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
