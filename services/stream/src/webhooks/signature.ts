import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries a delivery's signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'X-Antq-Signature';
/** The header that names the webhook a delivery is for. */
export const WEBHOOK_ID_HEADER = 'X-Antq-Webhook-Id';

type RawBody = string | Uint8Array;

function hmacHex(secret: string, timestamp: number, rawBody: RawBody): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/**
 * Chữ ký — the value of {@link WEBHOOK_SIGNATURE_HEADER} for a body: HMAC-SHA256 with the
 * webhook's secret over `"<t>.<raw body>"`, where `t` is the time of signing in unix seconds.
 */
export function signWebhookBody(secret: string, rawBody: RawBody, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, rawBody)}`;
}

/**
 * For partners: whether a delivery is genuine — signed with `secret` over exactly `rawBody` (the
 * bytes received, before any JSON parsing), at most `toleranceSeconds` away from now (which
 * refuses replays of old deliveries). Several `v1=` values are accepted, any one matching.
 */
export function verifyWebhookSignature(secret: string, header: string | null | undefined, rawBody: RawBody, toleranceSeconds = 300): boolean {
  if (!header || !secret) return false;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (timestamp === undefined || signatures.length === 0) return false;
  if (Math.abs(Math.floor(Date.now() / 1000) - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, rawBody), 'hex');
  return signatures.some((signature) => timingSafeEqual(Buffer.from(signature, 'hex'), expected));
}
