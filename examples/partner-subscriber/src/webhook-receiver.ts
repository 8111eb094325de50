import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

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
  /**
   * Called once per change, after its signature checked out. The endpoint answers 204 once it
   * returns (or its promise resolves); if it throws, 500, and the stream delivers the change again.
   */
  readonly onChange: (change: WebhookChange, delivery: WebhookDeliveryInfo) => void | Promise<void>;
  /** Told why a request was refused (bad signature, too old, too large …), for logs. */
  readonly onRefused?: (reason: string) => void;
  /** How many recent `webhook-id`s are remembered, to answer a repeat without handling it again (default 10,000). */
  readonly remember?: number;
  /** The largest body accepted (default 64 KiB; a delivery is a few hundred bytes). */
  readonly maxBodyBytes?: number;
}

/** Reads the raw body: the signature covers exactly these bytes, so nothing is parsed before it is checked. */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        resolve(null);
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function headerRecord(headers: IncomingHttpHeaders): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) record[name] = Array.isArray(value) ? value.join(' ') : value;
  return record;
}

/**
 * Điểm nhận webhook — a `node:http` request handler for ANTQ Graph webhook deliveries: it
 * verifies each with the `standardwebhooks` library (the `webhook-signature` over the raw body,
 * `webhook-id` and `webhook-timestamp`, at most 5 minutes old), hands the change to `onChange`
 * once, and answers 2xx only when it was handled — so anything else is delivered again.
 *
 * A change whose `webhook-id` was handled already (a retry whose first answer was lost) is answered
 * 200 without handling it again. The ids are remembered in memory only: key your own storage by
 * `webhook-id` (or agency + seq) to dedupe across restarts too.
 */
export function createWebhookHandler(options: WebhookHandlerOptions): (request: IncomingMessage, response: ServerResponse) => void {
  const verifier = new Webhook(options.secret);
  const remember = options.remember ?? 10_000;
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  const handled = new Set<string>();
  const refuse = (response: ServerResponse, status: number, reason: string) => {
    try {
      options.onRefused?.(reason);
    } catch {
      // a logger's failure must not change the answer
    }
    response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${reason}\n`);
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST') return refuse(response, 405, 'Webhook deliveries are POST requests.');
    const raw = await readBody(request, maxBodyBytes);
    if (raw === null) return refuse(response, 413, `The body is over ${maxBodyBytes} bytes; a delivery is far smaller.`);
    const headers = headerRecord(request.headers);
    let change: WebhookChange;
    try {
      change = verifier.verify(raw, headers) as WebhookChange;
    } catch (error) {
      if (error instanceof WebhookVerificationError || error instanceof SyntaxError) return refuse(response, 401, `Not a genuine delivery: ${error.message}.`);
      throw error;
    }
    const messageId = headers['webhook-id']!;
    if (handled.has(messageId)) {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('Handled already.\n');
      return;
    }
    await options.onChange(change, { messageId, webhookId: headers['x-antq-webhook-id'] });
    handled.add(messageId);
    if (handled.size > remember) handled.delete(handled.values().next().value!);
    response.writeHead(204).end();
  }

  return (request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`Not handled: ${(error as Error).message ?? String(error)}\n`);
      else response.end();
    });
  };
}
