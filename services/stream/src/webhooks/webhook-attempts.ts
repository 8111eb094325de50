import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { finished } from 'node:stream/promises';
import { retryUntilDone, type StreamChange } from '@antq/subgraph-kit';
import { signWebhook, WEBHOOK_ID_HEADER, webhookMessageId } from './signature.js';
import { WebhookDestinationRefused } from './webhook-destinations.js';
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
  const signal = AbortSignal.any([input.interrupt, AbortSignal.timeout(context.timeoutMs)]);
  try {
    const headers = {
      'content-type': 'application/json',
      [WEBHOOK_ID_HEADER]: webhook.id,
      // Signed afresh per attempt: webhook-timestamp is when this attempt left.
      ...signWebhook({ secret: webhook.secret, messageId, body }),
    };
    const status = await post(context, new URL(webhook.url), headers, body, signal);
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
    const error = signal.aborted ? `The endpoint did not answer within ${context.timeoutMs} ms.` : `The endpoint could not be reached: ${describeRequestError(cause)}`;
    return { status: null, error };
  }
}

/**
 * POSTs one delivery and answers its status once the answer was read (and dropped, so the
 * connection is free again; reading it counts against the timeout). The connection goes only
 * where the destination policy allows: an address in the URL is checked here, a name as it
 * resolves for this very connection. Redirects are not followed.
 */
async function post(context: WebhookWorkerContext, url: URL, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<number> {
  const { connections } = context;
  const refused = connections.destinations.addressRefusal(url);
  if (refused !== undefined) throw new WebhookDestinationRefused(refused);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const request = send(url, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, signal, agent: connections.agentFor(url) }, resolve);
    request.on('error', reject);
    request.end(body);
  });
  response.resume();
  await finished(response);
  return response.statusCode ?? 0;
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

function describeRequestError(error: unknown): string {
  if (error instanceof WebhookDestinationRefused) return error.message;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : ((error as Error).message ?? String(error));
}
