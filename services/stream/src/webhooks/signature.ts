import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * The Standard Webhooks headers (standardwebhooks.com) every delivery carries: the message id
 * (the same on every retry of one change, to dedupe by), the time of this attempt in unix
 * seconds, and `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`.
 */
export const STANDARD_WEBHOOK_HEADERS = Object.freeze({ id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' });
/** The header that names the webhook (the registration) a delivery is for. */
export const WEBHOOK_ID_HEADER = 'X-Antq-Webhook-Id';
/**
 * @deprecated Sent for one more release so partners that verify it keep working; verify the
 * Standard Webhooks headers instead ({@link verifyWebhookSignature}). `t=<unix seconds>,v1=<hex
 * HMAC-SHA256 of "<t>.<body>">`, keyed with the secret string as registered.
 */
export const WEBHOOK_SIGNATURE_HEADER = 'X-Antq-Signature';

/** The prefix of a Standard Webhooks secret; the rest is the key, base64. */
const SECRET_PREFIX = 'whsec_';
/** Key sizes the Standard Webhooks specification allows (192 to 512 bits). */
export const MIN_SECRET_KEY_BYTES = 24;
export const MAX_SECRET_KEY_BYTES = 64;
/** A secret chosen by a partner before Standard Webhooks (deprecated): at least this many characters. */
export const MIN_LEGACY_SECRET_LENGTH = 32;

type RawBody = string | Uint8Array;
type HeaderBag = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** A new signing secret, `whsec_` and 32 random bytes in base64 — what `registerWebhook` returns once. */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** The key bytes of a `whsec_…` secret, or undefined when it is not one (bad base64, wrong size). */
export function standardSecretKey(secret: string): Buffer | undefined {
  if (!secret.startsWith(SECRET_PREFIX)) return undefined;
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return undefined;
  const key = Buffer.from(encoded, 'base64');
  return key.length >= MIN_SECRET_KEY_BYTES && key.length <= MAX_SECRET_KEY_BYTES ? key : undefined;
}

/**
 * The Standard Webhooks form of a stored secret: a `whsec_…` secret as it is; a partner's own
 * (deprecated) secret keys the signature with its UTF-8 bytes, which is `whsec_` + their base64.
 */
export function toStandardSecret(secret: string): string {
  return standardSecretKey(secret) ? secret : `${SECRET_PREFIX}${Buffer.from(secret, 'utf8').toString('base64')}`;
}

const signer = (secret: string) => new Webhook(toStandardSecret(secret));

/**
 * Mã thông điệp — the `webhook-id` of one change delivered to one webhook: derived from both, so
 * every retry (and a retry after a restart or by another stream instance) carries the same id.
 */
export function webhookMessageId(webhookId: string, agency: string, seq: number): string {
  return `msg_${createHash('sha256').update(`${webhookId}\n${agency.toLowerCase()}\n${seq}`).digest('base64url').slice(0, 27)}`;
}

export interface SignWebhookOptions {
  /** The webhook's secret as stored (`whsec_…`, or a partner's own one). */
  readonly secret: string;
  /** The `webhook-id`, {@link webhookMessageId}. */
  readonly messageId: string;
  readonly body: string;
  /** The time of this attempt (default now). */
  readonly at?: Date;
}

/**
 * Chữ ký — the signature headers of one delivery attempt: the Standard Webhooks three, signed
 * with the `standardwebhooks` library, and the deprecated {@link WEBHOOK_SIGNATURE_HEADER}.
 */
export function signWebhook(options: SignWebhookOptions): Record<string, string> {
  const at = options.at ?? new Date();
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    [STANDARD_WEBHOOK_HEADERS.id]: options.messageId,
    [STANDARD_WEBHOOK_HEADERS.timestamp]: String(timestamp),
    [STANDARD_WEBHOOK_HEADERS.signature]: signer(options.secret).sign(options.messageId, at, options.body),
    [WEBHOOK_SIGNATURE_HEADER]: signWebhookBody(options.secret, options.body, timestamp),
  };
}

function headerValue(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const bag = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const key = Object.keys(bag).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : bag[key];
  return Array.isArray(value) ? value.join(' ') : (value as string | undefined);
}

/**
 * For partners: whether a delivery is genuine — its Standard Webhooks headers (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature`) signed with `secret` over exactly `rawBody` (the bytes
 * received, before any JSON parsing), at most 5 minutes from now. Checked by the
 * `standardwebhooks` library, as any language's Standard Webhooks library would:
 * `new Webhook(secret).verify(rawBody, headers)` throws where this answers false.
 */
export function verifyWebhookSignature(secret: string, headers: HeaderBag, rawBody: RawBody): boolean;
/** @deprecated The `X-Antq-Signature` header: use {@link verifyLegacyWebhookSignature}, or better the headers form. */
export function verifyWebhookSignature(secret: string, header: string | null | undefined, rawBody: RawBody, toleranceSeconds?: number): boolean;
export function verifyWebhookSignature(secret: string, headers: HeaderBag | string | null | undefined, rawBody: RawBody, toleranceSeconds?: number): boolean {
  if (headers === null || headers === undefined || typeof headers === 'string') return verifyLegacyWebhookSignature(secret, headers, rawBody, toleranceSeconds);
  if (!secret) return false;
  const required: Record<string, string> = {};
  for (const name of Object.values(STANDARD_WEBHOOK_HEADERS)) {
    const value = headerValue(headers, name);
    if (!value) return false;
    required[name] = value;
  }
  try {
    signer(secret).verify(typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength), required, { jsonParse: false });
    return true;
  } catch {
    return false;
  }
}

function hmacHex(secret: string, timestamp: number, rawBody: RawBody): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/**
 * @deprecated The value of {@link WEBHOOK_SIGNATURE_HEADER} for a body: HMAC-SHA256 with the
 * webhook's secret string over `"<t>.<raw body>"`, `t` the time of signing in unix seconds.
 */
export function signWebhookBody(secret: string, rawBody: RawBody, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, rawBody)}`;
}

/**
 * @deprecated Checks the `X-Antq-Signature` header, sent for one more release: signed with
 * `secret` over exactly `rawBody`, at most `toleranceSeconds` away from now. Several `v1=`
 * values are accepted, any one matching. Move to {@link verifyWebhookSignature} with the headers.
 */
export function verifyLegacyWebhookSignature(secret: string, header: string | null | undefined, rawBody: RawBody, toleranceSeconds = 300): boolean {
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
