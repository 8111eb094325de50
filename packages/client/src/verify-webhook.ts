import { Webhook } from 'standardwebhooks';

/** The headers of a delivery, as a Fetch `Headers` or a plain object (Node's `req.headers`). */
export type WebhookHeaders = Headers | Readonly<Record<string, string | string[] | undefined>>;

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name] ?? (headers as Record<string, string | string[] | undefined>)[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Kiểm tra webhook — whether a delivery is genuine (the Standard Webhooks scheme: `webhook-id`,
 * `webhook-timestamp`, `webhook-signature`), signed with the secret `registerWebhook` returned,
 * over exactly `body` (the raw text, before any JSON parsing), within five minutes of now.
 * Returns the parsed change, or throws when it is not genuine — answer 4xx then, nothing else.
 */
export function verifyWebhook<T = unknown>(input: { readonly secret: string; readonly headers: WebhookHeaders; readonly body: string }): T {
  const headers = {
    'webhook-id': header(input.headers, 'webhook-id') ?? '',
    'webhook-timestamp': header(input.headers, 'webhook-timestamp') ?? '',
    'webhook-signature': header(input.headers, 'webhook-signature') ?? '',
  };
  return new Webhook(input.secret).verify(input.body, headers) as T;
}
