import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifyWebhook } from '@antq/client';

/** The JSON body of one delivery: the change, as the stream carries it. */
export interface WebhookChange {
  /** Opaque; the position of this change, e.g. to start a subscription after it. */
  readonly cursor: string;
  readonly agency: string;
  /** The owning agency's sequence number of this change. */
  readonly seq: number;
  readonly recordKind: string;
  readonly recordId: string;
  /** created, updated, retired, reported, corrected */
  readonly change: string;
  /** null for a change of no area */
  readonly areaCode: string | null;
  readonly occurredAt: string;
}

/** Which delivery a change came in. */
export interface WebhookDeliveryInfo {
  /** `webhook-id`: the same on every retry of one change — dedupe by it. */
  readonly messageId: string;
  /** `X-Antq-Webhook-Id`: the registration the delivery is for. */
  readonly webhookId: string | undefined;
}

export interface WebhookHandlerOptions {
  /** The secret `registerWebhook` returned (`whsec_…`). */
  readonly secret: string;
  /** Called once per genuine change; the endpoint answers 204 once it resolves, 500 (so it comes again) if it throws. */
  readonly onChange: (change: WebhookChange, delivery: WebhookDeliveryInfo) => void | Promise<void>;
  /** Told why a request was refused (bad signature, too old, too large …), for logs. */
  readonly onRefused?: (reason: string) => void;
  /** How many recent `webhook-id`s are remembered, to answer a repeat without handling it again (default 10,000). */
  readonly remember?: number;
  /** The largest body accepted (default 64 KiB; a delivery is a few hundred bytes). */
  readonly maxBodyBytes?: number;
}

/** Reads the raw body (the signature covers exactly these bytes); null when it is over `limit` (read to its end, so the answer still goes out). */
async function readBody(request: IncomingMessage, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  return size > limit ? null : Buffer.concat(chunks).toString('utf8');
}

const text = (response: ServerResponse, status: number, body: string) => response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${body}\n`);

/**
 * Điểm nhận webhook — a `node:http` handler for ANTQ Graph webhook deliveries: verifies each with
 * `verifyWebhook` of `@antq/client` (Standard Webhooks: the signature over the raw body, at most 5
 * minutes old), hands the change to `onChange` once, and answers 2xx only when it was handled.
 * A repeated `webhook-id` (a retry whose first answer was lost) is answered 200 without handling
 * it again; the ids are remembered in memory only, so key your own storage by `webhook-id` too.
 */
export function createWebhookHandler(options: WebhookHandlerOptions): (request: IncomingMessage, response: ServerResponse) => void {
  const { secret, remember = 10_000, maxBodyBytes = 64 * 1024 } = options;
  const handled = new Set<string>();
  const refuse = (response: ServerResponse, status: number, reason: string) => {
    options.onRefused?.(reason);
    text(response, status, reason);
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST') return refuse(response, 405, 'Webhook deliveries are POST requests.');
    const body = await readBody(request, maxBodyBytes);
    if (body === null) return refuse(response, 413, `The body is over ${maxBodyBytes} bytes; a delivery is far smaller.`);
    let change: WebhookChange;
    try {
      change = verifyWebhook<WebhookChange>({ secret, headers: request.headers, body });
    } catch (error) {
      return refuse(response, 401, `Not a genuine delivery: ${(error as Error).message}.`);
    }
    const messageId = request.headers['webhook-id'] as string;
    if (handled.has(messageId)) return void text(response, 200, 'Handled already.');
    await options.onChange(change, { messageId, webhookId: request.headers['x-antq-webhook-id'] as string | undefined });
    handled.add(messageId);
    if (handled.size > remember) handled.delete(handled.values().next().value!);
    response.writeHead(204).end();
  }

  return (request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) response.end();
      else text(response, 500, `Not handled: ${(error as Error).message ?? String(error)}`);
    });
  };
}
