import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Agency } from '@antq/sdk';
import { loadAreaRegistry, type AreaRegistry } from '@antq/sdk/areas';
import { createAreaScopes, createStorage, parseCallerClaims, type Caller, type Storage } from '@antq/subgraph-kit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryFeed } from './memory-feed.js';
import { startChangeHub, type ChangeHub } from '../src/change-hub.js';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { generateWebhookSecret, signWebhook, signWebhookBody, toStandardSecret, verifyLegacyWebhookSignature, verifyWebhookSignature, webhookMessageId } from '../src/index.js';
import { decodeStreamCursor as decodeCursor, encodeStreamCursor as encodeCursor } from '@antq/sdk';
import { createWebhookDestinations, parseAllowedNetworks, startWebhooks, WebhookLeaseLostError, type WebhookLeaseOptions, type WebhookService } from '../src/webhooks/index.js';

const SECRET = 'a-partner-secret-of-at-least-32-characters';

// ---------------------------------------------------------------------------------------------
// Test double: a partner's HTTP receiver (the agencies' outboxes are in memory, memory-feed.ts).

interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A partner endpoint on a free port; `answer` picks the status of each request (or hangs with null). */
async function receiver(answer: (request: Received, index: number) => number | null = () => 200) {
  const requests: Received[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      const status = answer(received, requests.length - 1);
      if (status === null) return; // never answers
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'not now');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    bodies: () => requests.map((request) => JSON.parse(request.body) as Record<string, unknown>),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function caller(agency: Agency, clearance = 'restricted', sub = `${agency}-officer`, roles = ['editor']): Caller {
  const parsed = parseCallerClaims({ sub, agency, clearance, roles, exp: Math.floor(Date.now() / 1000) + 3600 });
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.caller;
}

async function until<T>(check: () => T | Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const codeOf = (error: unknown) => (error as { extensions?: { code?: string }; code?: string }).extensions?.code ?? (error as { code?: string }).code;
async function expectCode(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error, `expected ${code}`).toBeDefined();
  expect(codeOf(error)).toBe(code);
}

// ---------------------------------------------------------------------------------------------

describe('webhook signatures', () => {
  const body = JSON.stringify({ cursor: 'abc', agency: 'POLICE', seq: 1 });
  const secret = generateWebhookSecret();
  const messageId = webhookMessageId(randomUUID(), 'police', 1 + Math.floor(Math.random() * 1_000));
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
  const standard = (headers: Record<string, string>) => {
    const { 'x-antq-signature': _legacy, ...rest } = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    return rest as Record<string, string>;
  };

  it('generates whsec_ secrets of 32 random bytes, a new one each time', () => {
    const other = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(other).not.toBe(secret);
  });

  it('signs the Standard Webhooks way: the standardwebhooks library verifies it, and so does verifyWebhookSignature', () => {
    const headers = signWebhook({ secret, messageId, body });
    expect(Object.keys(standard(headers)).sort()).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp']);
    expect(headers['webhook-id']).toBe(messageId);
    expect(Math.abs(Number(headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    expect(new Webhook(secret).verify(body, standard(headers))).toEqual(JSON.parse(body));
    expect(new Webhook(secret).verify(Buffer.from(body), standard(headers))).toEqual(JSON.parse(body));
    expect(verifyWebhookSignature(secret, headers, body)).toBe(true);
    expect(verifyWebhookSignature(secret, new Headers(headers), new TextEncoder().encode(body))).toBe(true);
  });

  it('matches the specification: v1,<base64 HMAC-SHA256 keyed with the decoded secret over "<id>.<timestamp>.<body>">', () => {
    const at = minutesAgo(1);
    const timestamp = Math.floor(at.getTime() / 1000);
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = `v1,${createHmac('sha256', key).update(`${messageId}.${timestamp}.${body}`).digest('base64')}`;
    expect(signWebhook({ secret, messageId, body, at })).toMatchObject({ 'webhook-timestamp': String(timestamp), 'webhook-signature': expected });
  });

  it('refuses a tampered body, another secret, an old or future timestamp, a missing header', () => {
    const headers = standard(signWebhook({ secret, messageId, body }));
    const tampered = body.replace('"seq":1', '"seq":2');
    expect(() => new Webhook(secret).verify(tampered, headers)).toThrow(WebhookVerificationError);
    expect(verifyWebhookSignature(secret, headers, tampered)).toBe(false);
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow(/No matching signature/);
    expect(verifyWebhookSignature(generateWebhookSecret(), headers, body)).toBe(false);
    // Another id under the same signature: a replay of one message as another.
    expect(verifyWebhookSignature(secret, { ...headers, 'webhook-id': webhookMessageId(randomUUID(), 'police', 1) }, body)).toBe(false);

    const old = standard(signWebhook({ secret, messageId, body, at: minutesAgo(6) }));
    expect(() => new Webhook(secret).verify(body, old)).toThrow(/too old/);
    expect(verifyWebhookSignature(secret, old, body)).toBe(false);
    const future = standard(signWebhook({ secret, messageId, body, at: minutesAgo(-6) }));
    expect(() => new Webhook(secret).verify(body, future)).toThrow(/too new/);
    expect(verifyWebhookSignature(secret, future, body)).toBe(false);

    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const { [name]: _dropped, ...missing } = headers;
      expect(verifyWebhookSignature(secret, missing, body), name).toBe(false);
    }
  });

  it('signs with a secret of the partner’s own (deprecated) by its UTF-8 bytes, whose whsec_ form the libraries take', () => {
    const own = `partner-${randomUUID()}-ấp-Long-Hậu`;
    const standardSecret = toStandardSecret(own);
    expect(standardSecret).toBe(`whsec_${Buffer.from(own, 'utf8').toString('base64')}`);
    expect(toStandardSecret(secret)).toBe(secret);
    const headers = signWebhook({ secret: own, messageId, body });
    expect(new Webhook(standardSecret).verify(body, standard(headers))).toEqual(JSON.parse(body));
    expect(verifyWebhookSignature(own, headers, body)).toBe(true);
  });

  it('gives every change of every webhook its own message id, and one change the same id every time', () => {
    const webhook = randomUUID();
    expect(webhookMessageId(webhook, 'police', 7)).toBe(webhookMessageId(webhook, 'POLICE', 7));
    const ids = new Set([
      webhookMessageId(webhook, 'police', 7),
      webhookMessageId(webhook, 'police', 8),
      webhookMessageId(webhook, 'front', 7),
      webhookMessageId(randomUUID(), 'police', 7),
    ]);
    expect(ids.size).toBe(4);
    for (const id of ids) expect(id).toMatch(/^msg_[A-Za-z0-9_-]{27}$/);
  });
});

describe('the deprecated X-Antq-Signature header', () => {
  const body = JSON.stringify({ cursor: 'abc', agency: 'POLICE', seq: 1 });

  it('is still sent with every signature, keyed with the secret string as registered', () => {
    const headers = signWebhook({ secret: SECRET, messageId: 'msg_1', body });
    expect(verifyLegacyWebhookSignature(SECRET, headers['X-Antq-Signature'], body)).toBe(true);
    // The call partners wrote before still works.
    expect(verifyWebhookSignature(SECRET, headers['X-Antq-Signature'], body)).toBe(true);
  });

  it('accepts a body signed with the secret', () => {
    expect(verifyLegacyWebhookSignature(SECRET, signWebhookBody(SECRET, body), body)).toBe(true);
    expect(verifyLegacyWebhookSignature(SECRET, signWebhookBody(SECRET, body), Buffer.from(body))).toBe(true);
  });

  it('matches the documented scheme: hex HMAC-SHA256 of "<t>.<body>"', () => {
    const t = Math.floor(Date.now() / 1000);
    const header = `t=${t},v1=${createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex')}`;
    expect(signWebhookBody(SECRET, body, t)).toBe(header);
    expect(verifyLegacyWebhookSignature(SECRET, header, body)).toBe(true);
  });

  it('refuses a tampered body, another secret, a stale or future timestamp (within the tolerance given)', () => {
    const header = signWebhookBody(SECRET, body);
    expect(verifyLegacyWebhookSignature(SECRET, header, body.replace('"seq":1', '"seq":2'))).toBe(false);
    expect(verifyLegacyWebhookSignature(SECRET, signWebhookBody(`${SECRET}-other`, body), body)).toBe(false);
    const now = Math.floor(Date.now() / 1000);
    expect(verifyLegacyWebhookSignature(SECRET, signWebhookBody(SECRET, body, now - 301), body)).toBe(false);
    expect(verifyLegacyWebhookSignature(SECRET, signWebhookBody(SECRET, body, now + 301), body)).toBe(false);
    expect(verifyLegacyWebhookSignature(SECRET, signWebhookBody(SECRET, body, now - 301), body, 600)).toBe(true);
  });

  it('refuses a missing or malformed header', () => {
    expect(verifyLegacyWebhookSignature(SECRET, undefined, body)).toBe(false);
    expect(verifyLegacyWebhookSignature(SECRET, '', body)).toBe(false);
    expect(verifyLegacyWebhookSignature(SECRET, 'v1=deadbeef', body)).toBe(false);
    expect(verifyLegacyWebhookSignature(SECRET, `t=${Math.floor(Date.now() / 1000)}`, body)).toBe(false);
    expect(verifyLegacyWebhookSignature(SECRET, signWebhookBody(SECRET, body).replace(/v1=.{4}/, 'v1=zzzz'), body)).toBe(false);
  });
});

describe('webhooks', () => {
  const receivers: Receiver[] = [];
  const w = { receivers } as WebhooksState;

  const { open } = webhookHelpers(w);

  beforeAll(async () => {
    w.registry = await loadAreaRegistry();
    w.storage = await createStorage({ kind: 'pglite' });
  });

  beforeEach(async () => {
    // One database for the file (PGlite takes a while to start); each test migrates a fresh schema.
    await w.storage.query('DROP TABLE IF EXISTS webhook_deliveries, webhooks, request_nonces, schema_migrations');
    w.police = memoryFeed('police');
    w.front = memoryFeed('front');
    w.hub = await startChangeHub({ feeds: [w.police.feed, w.front.feed], waitMs: 50 });
    w.service = await open();
  });

  afterEach(async () => {
    await w.service.close();
    await w.hub.close();
    await Promise.all(receivers.splice(0).map((created) => created.close()));
  });

  afterAll(async () => {
    await w.storage.close();
  });

  describe('resolvers', () => {
    resolverTests(w);
    limitTests(w);
  });

  describe('delivery', () => {
    deliveryTests(w);
    deliveryAfterFailuresTests(w);
    deliveryIdsFiltersAndRemovalTests(w);
  });
  describe('several instances on one store', () => {
    severalInstancesTests(w);
  });
  describe('destinations', () => {
    destinationTests(w);
  });
});

/** The service and partner endpoints the webhook tests use, over the state in w (set by the hooks, read when called). */
function webhookHelpers(w: WebhooksState) {
  const { receivers } = w;
  // The partners' endpoints of these tests listen on this machine.
  const open = (timeoutMs = 10_000, lease?: WebhookLeaseOptions, allowedNetworks: readonly string[] = ['127.0.0.1']) =>
    startWebhooks({
      ...(lease ? { lease } : {}),
      storage: w.storage,
      hub: w.hub,
      registry: w.registry,
      scopes: createAreaScopes(w.registry),
      grantsFor: async () => [],
      backoffBaseMs: 20,
      backoffMaxMs: 200,
      timeoutMs,
      destinations: { allowedNetworks },
    });
  const newReceiver = async (answer?: Parameters<typeof receiver>[0]) => {
    const created = await receiver(answer);
    receivers.push(created);
    return created;
  };
  const register = (who: Caller, input: { url: string; secret?: string; filter?: Record<string, unknown>; after?: string }) =>
    w.service.resolvers.Mutation.registerWebhook({}, { input }, { caller: who });
  /** The headers a partner's Standard Webhooks library reads, as received. */
  const standardHeaders = (request: Received) => ({
    'webhook-id': request.headers['webhook-id'] as string,
    'webhook-timestamp': request.headers['webhook-timestamp'] as string,
    'webhook-signature': request.headers['webhook-signature'] as string,
  });
  const deliveries = (who: Caller, webhookId: string, first = 100) => w.service.resolvers.Query.webhookDeliveries({}, { webhookId, first }, { caller: who });
  /**
   * Ends a "nothing more arrives" window on an event instead of a pause: a webhook registered now
   * receives a change appended now; by then a stopped worker would have delivered it too.
   */
  const laterChangeDelivered = async () => {
    const witness = await newReceiver();
    await register(caller('police'), { url: witness.url });
    w.police.append();
    await until(() => witness.requests.length === 1);
  };

  return { open, newReceiver, register, standardHeaders, deliveries, laterChangeDelivered };
}

/** Registering, listing and removing through the resolvers. */
function resolverTests(w: WebhooksState): void {
  const { newReceiver, register, deliveries } = webhookHelpers(w);

  it('needs a caller', async () => {
    await expectCode(
      w.service.resolvers.Mutation.registerWebhook({}, { input: { url: 'https://partner.example/hook', secret: SECRET } }, { caller: undefined }),
      'UNAUTHENTICATED',
    );
    await expectCode(w.service.resolvers.Query.webhooks({}, {}, { caller: undefined }), 'UNAUTHENTICATED');
  });

  it('refuses a URL that is not http(s), a short or malformed secret, a bad cursor, an unknown change', async () => {
    const who = caller('police');
    await expectCode(register(who, { url: 'ftp://partner.example/hook' }), 'BAD_USER_INPUT');
    await expectCode(register(who, { url: 'not a url' }), 'BAD_USER_INPUT');
    await expectCode(register(who, { url: 'https://partner.example/hook', secret: 'x'.repeat(31) }), 'BAD_USER_INPUT');
    // whsec_ with a key under 24 bytes, over 64, or not base64.
    for (const bad of [`whsec_${randomBytes(23).toString('base64')}`, `whsec_${randomBytes(65).toString('base64')}`, `whsec_${'!'.repeat(44)}`]) {
      await expectCode(register(who, { url: 'https://partner.example/hook', secret: bad }), 'BAD_USER_INPUT');
    }
    await expectCode(register(who, { url: 'https://partner.example/hook', after: 'garbage' }), 'BAD_USER_INPUT');
    // A change kind the outbox never writes would select nothing, forever.
    await expectCode(register(who, { url: 'https://partner.example/hook', filter: { changes: ['create'] } }), 'BAD_USER_INPUT');
    expect(await w.service.resolvers.Query.webhooks({}, {}, { caller: who })).toEqual([]);
  });

  it('registers from the hub head, and lets only its registrant and the agency admins list, read and remove it', async () => {
    w.police.append();
    await until(() => w.hub.head().police === 1);
    const target = await newReceiver();
    const who = caller('police');
    // Called directly, resolvers take and answer the SDK's codes; the schema maps them to POLICE.
    const webhook = await register(who, { url: target.url, filter: { agencies: ['police'], recordKinds: ['security_model'] } });
    expect(webhook).toMatchObject({
      url: target.url,
      agency: 'police',
      createdBy: 'police-officer',
      active: true,
      filter: { area: null, agencies: ['police'], recordKinds: ['security_model'], changes: null },
    });
    // The secret is generated and shown in this answer only.
    expect(webhook.secret).toMatch(/^whsec_/);
    expect((await w.service.resolvers.Query.webhooks({}, {}, { caller: who }))[0]).not.toHaveProperty('secret');
    expect(decodeCursor(webhook.deliveredThrough!)).toEqual({ police: 1, front: 0 });
    expect(w.service.dispatcher.running()).toEqual([webhook.id]);

    expect((await w.service.resolvers.Query.webhooks({}, {}, { caller: who })).map((hook) => hook.id)).toEqual([webhook.id]);
    expect(await w.service.resolvers.Query.webhooks({}, {}, { caller: caller('front') })).toEqual([]);

    await expectCode(w.service.resolvers.Mutation.removeWebhook({}, { id: webhook.id }, { caller: caller('front') }), 'NOT_OWNING_AGENCY');
    await expectCode(deliveries(caller('front'), webhook.id), 'NOT_OWNING_AGENCY');
    await expectCode(deliveries(who, 'no-such-webhook'), 'NOT_FOUND');

    // Another officer of the police neither sees it nor removes it; an admin of the police does both.
    const another = caller('police', 'public', 'another-police-officer');
    expect(await w.service.resolvers.Query.webhooks({}, {}, { caller: another })).toEqual([]);
    await expectCode(deliveries(another, webhook.id), 'FORBIDDEN');
    await expectCode(w.service.resolvers.Mutation.removeWebhook({}, { id: webhook.id }, { caller: another }), 'FORBIDDEN');
    expect(w.service.dispatcher.running()).toEqual([webhook.id]);
    const admin = caller('police', 'restricted', 'police-admin', ['admin']);
    expect((await w.service.resolvers.Query.webhooks({}, {}, { caller: admin })).map((hook) => hook.id)).toEqual([webhook.id]);
    const removed = await w.service.resolvers.Mutation.removeWebhook({}, { id: webhook.id }, { caller: admin });
    expect(removed.active).toBe(false);
    expect(w.service.dispatcher.running()).toEqual([]);
    // Removed webhooks stay listed, with their log.
    expect((await w.service.resolvers.Query.webhooks({}, {}, { caller: who }))[0]).toMatchObject({ id: webhook.id, active: false });
    expect(await deliveries(who, webhook.id)).toEqual([]);
  });

  it('starts after a cursor when given one', async () => {
    w.police.append();
    w.police.append();
    w.police.append();
    await until(() => w.hub.head().police === 3);
    const target = await newReceiver();
    await register(caller('police'), { url: target.url, after: encodeCursor({ police: 1, front: 0 }) });
    await until(() => target.requests.length === 2);
    expect(target.bodies().map((body) => body.seq)).toEqual([2, 3]);
  });
}

/** Delivery: the request, its signatures, and retries with backoff. */
function deliveryTests(w: WebhooksState): void {
  const { newReceiver, register, standardHeaders, deliveries } = webhookHelpers(w);

  it('POSTs each event as JSON, signed the Standard Webhooks way with the generated secret, naming the webhook', async () => {
    const target = await newReceiver();
    const webhook = await register(caller('police'), { url: target.url });
    const change = w.police.append('security_model', 'updated', '79');
    await until(() => target.requests.length === 1);
    const [request] = target.requests;
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['x-antq-webhook-id']).toBe(webhook.id);
    // As a partner verifies it: the standardwebhooks library, the secret registerWebhook returned.
    expect(new Webhook(webhook.secret).verify(request!.body, standardHeaders(request!))).toEqual(JSON.parse(request!.body));
    expect(request!.headers['webhook-id']).toBe(webhookMessageId(webhook.id, 'police', 1));
    expect(verifyWebhookSignature(webhook.secret, request!.headers, request!.body)).toBe(true);
    expect(() => new Webhook(generateWebhookSecret()).verify(request!.body, standardHeaders(request!))).toThrow(WebhookVerificationError);
    expect(() => new Webhook(webhook.secret).verify(request!.body.replace('"seq":1', '"seq":2'), standardHeaders(request!))).toThrow(WebhookVerificationError);
    // The deprecated header, keyed with the secret string, for one more release.
    expect(verifyLegacyWebhookSignature(webhook.secret, request!.headers['x-antq-signature'] as string, request!.body)).toBe(true);
    const body = JSON.parse(request!.body);
    expect(Object.keys(body).sort()).toEqual(['agency', 'areaCode', 'change', 'cursor', 'occurredAt', 'recordId', 'recordKind', 'seq']);
    expect(body).toMatchObject({
      agency: 'POLICE',
      seq: 1,
      recordKind: 'security_model',
      recordId: change.recordId,
      change: 'updated',
      areaCode: '79',
      occurredAt: change.occurredAt,
    });
    expect(decodeCursor(body.cursor)).toEqual({ police: 1, front: 0 });
  });

  it('signs with a whsec_ secret the partner gave, or (deprecated) a secret of its own, keeping X-Antq-Signature verifiable', async () => {
    const target = await newReceiver();
    const given = `whsec_${randomBytes(24).toString('base64')}`;
    const own = `own-${randomBytes(24).toString('hex')}`;
    const standardHook = await register(caller('police'), { url: target.url, secret: given });
    const ownHook = await register(caller('police'), { url: target.url, secret: own });
    expect(standardHook.secret).toBe(given);
    expect(ownHook.secret).toBe(`whsec_${Buffer.from(own).toString('base64')}`);
    w.police.append();
    await until(() => target.requests.length === 2);
    const of = (id: string) => target.requests.find((request) => request.headers['x-antq-webhook-id'] === id)!;
    expect(new Webhook(given).verify(of(standardHook.id).body, standardHeaders(of(standardHook.id)))).toMatchObject({ seq: 1 });
    expect(new Webhook(ownHook.secret).verify(of(ownHook.id).body, standardHeaders(of(ownHook.id)))).toMatchObject({ seq: 1 });
    // What an existing partner runs today keeps working.
    expect(verifyWebhookSignature(own, of(ownHook.id).headers['x-antq-signature'] as string, of(ownHook.id).body)).toBe(true);
    expect(of(ownHook.id).headers['webhook-id']).not.toBe(of(standardHook.id).headers['webhook-id']);
  });

  it('retries the same event with backoff until the endpoint accepts, logging every attempt', async () => {
    const target = await newReceiver((_, index) => (index < 3 ? 500 : 200));
    const who = caller('police');
    const webhook = await register(who, { url: target.url });
    w.police.append();
    await until(() => target.requests.length === 4);
    const bodies = target.requests.map((request) => request.body);
    expect(new Set(bodies).size).toBe(1); // the same event, byte for byte
    for (const request of target.requests) expect(new Webhook(webhook.secret).verify(request.body, standardHeaders(request))).toMatchObject({ seq: 1 });
    // One webhook-id on every attempt (the partner dedupes by it), each attempt signed at its own time.
    expect(new Set(target.requests.map((request) => request.headers['webhook-id'])).size).toBe(1);
    const times = target.requests.map((request) => Number(request.headers['webhook-timestamp']));
    expect(times.every((time, index) => index === 0 || time >= times[index - 1]!)).toBe(true);
    const { cursor } = JSON.parse(bodies[0]!);

    const log = await until(async () => {
      const rows = await deliveries(who, webhook.id);
      return rows.length === 4 ? rows : undefined;
    });
    // Newest first.
    expect(log.map((row) => [row.attempt, row.status, row.cursor])).toEqual([
      [4, 200, cursor],
      [3, 500, cursor],
      [2, 500, cursor],
      [1, 500, cursor],
    ]);
    expect(log[0]!.error).toBeNull();
    expect(log[1]!.error).toMatch(/HTTP 500/);
    for (const row of log) expect(row.durationMs).toBeGreaterThanOrEqual(0);
    const [stored] = await w.service.resolvers.Query.webhooks({}, {}, { caller: who });
    expect(stored!.deliveredThrough).toBe(cursor);

    // The next event follows once, and nothing was skipped.
    w.police.append();
    await until(() => target.requests.length === 5);
    expect(target.bodies().map((body) => body.seq)).toEqual([1, 1, 1, 1, 2]);
    expect(target.requests[4]!.headers['webhook-id']).not.toBe(target.requests[0]!.headers['webhook-id']);
    await until(async () => (await w.service.resolvers.Query.webhooks({}, {}, { caller: who }))[0]!.deliveredThrough === target.bodies()[4]!.cursor);
  });
}

/** Delivery around endpoints that fail or hang, and across a restart. */
function deliveryAfterFailuresTests(w: WebhooksState): void {
  const { open, newReceiver, register, deliveries } = webhookHelpers(w);

  it('logs an endpoint that does not answer as status null, then retries it', async () => {
    await w.service.close();
    w.service = await open(200);
    const target = await newReceiver((_, index) => (index === 0 ? null : 204));
    const who = caller('police');
    const webhook = await register(who, { url: target.url });
    w.police.append();
    const log = await until(async () => {
      const rows = await deliveries(who, webhook.id);
      return rows.length === 2 ? rows : undefined;
    });
    expect(log.map((row) => [row.attempt, row.status])).toEqual([
      [2, 204],
      [1, null],
    ]);
    expect(log[1]!.error).toMatch(/did not answer within 200 ms/);
  });

  it('keeps a failing or hanging endpoint from delaying a healthy one', async () => {
    const failing = await newReceiver(() => 500);
    const hanging = await newReceiver(() => null);
    const healthy = await newReceiver(() => 200);
    const who = caller('police');
    await register(who, { url: failing.url });
    await register(who, { url: hanging.url });
    await register(who, { url: healthy.url });
    const started = Date.now();
    for (let index = 0; index < 5; index += 1) w.police.append();
    w.front.append();
    await until(() => healthy.requests.length === 6, 3_000);
    expect(Date.now() - started).toBeLessThan(3_000);
    const healthyBodies = healthy.bodies();
    expect(healthyBodies.filter((body) => body.agency === 'POLICE').map((body) => body.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(healthyBodies.filter((body) => body.agency === 'FRONT').map((body) => body.seq)).toEqual([1]);
    // The others are still on their first event.
    await until(() => failing.requests.length >= 3);
    expect(new Set(failing.requests.map((request) => request.body)).size).toBe(1);
    expect(hanging.requests).toHaveLength(1);
  });

  it('resumes after a restart from delivered_through, without duplicates', async () => {
    const target = await newReceiver();
    const who = caller('police');
    const webhook = await register(who, { url: target.url });
    w.police.append();
    w.police.append();
    await until(() => target.requests.length === 2);
    await until(async () => (await deliveries(who, webhook.id)).length === 2);
    await w.service.close();
    w.police.append();
    w.police.append();
    w.service = await open();
    expect(w.service.dispatcher.running()).toEqual([webhook.id]);
    await until(() => target.requests.length === 4);
    // One more, delivered in order after the others: a duplicate would have come before it.
    w.police.append();
    await until(() => target.requests.length >= 5);
    expect(target.bodies().map((body) => body.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps its delivery log for 90 days: older attempts are deleted once the service has started', async () => {
    const target = await newReceiver();
    const who = caller('police');
    const webhook = await register(who, { url: target.url });
    w.police.append();
    w.police.append();
    await until(async () => (await deliveries(who, webhook.id)).length === 2);
    await w.service.close();
    await w.storage.query("UPDATE webhook_deliveries SET delivered_at = now() - interval '91 days' WHERE id = (SELECT min(id) FROM webhook_deliveries WHERE webhook_id = $1)", [
      webhook.id,
    ]);
    w.service = await open();
    // Pruned in the background, so that a start does not wait for months of attempts.
    await until(async () => (await deliveries(who, webhook.id)).length === 1);
    expect((await deliveries(who, webhook.id)).map((delivery) => decodeCursor(delivery.cursor).police)).toEqual([2]);
  });
}

/** Delivery: webhook-ids across restarts, filters and clearance, removal. */
function deliveryIdsFiltersAndRemovalTests(w: WebhooksState): void {
  const { open, newReceiver, register, standardHeaders, deliveries, laterChangeDelivered } = webhookHelpers(w);

  it('removes the webhooks that delivered past where an outbox went back, logging why, and keeps the others', async () => {
    const who = caller('police');
    const [ahead, behind] = [await newReceiver(), await newReceiver()];
    const past = await register(who, { url: ahead.url });
    // Following the front only: whatever its cursor says of the police, it delivered none of its changes.
    const kept = await register(who, { url: behind.url, filter: { agencies: ['front'] } });
    w.police.append();
    w.police.append();
    w.front.append();
    await until(() => ahead.requests.length === 3 && behind.requests.length === 1);
    // The police's outbox went back to 1; the stream wires the hub's onRewound to this (stream-subgraph.ts).
    // Two stream instances find the same restore at once: one removes and logs.
    await Promise.all([w.service.removePastRewind({ agency: 'police', kept: 1, carried: 2 }), w.service.removePastRewind({ agency: 'police', kept: 1, carried: 2 })]);
    const listed = await w.service.resolvers.Query.webhooks({}, {}, { caller: who });
    expect(listed.map((hook) => [hook.id, hook.active])).toEqual(
      expect.arrayContaining([
        [past.id, false],
        [kept.id, true],
      ]),
    );
    await until(() => !w.service.dispatcher.running().includes(past.id));
    const removals = (await deliveries(who, past.id)).filter((delivery) => delivery.error?.startsWith('Removed:'));
    expect(removals).toEqual([expect.objectContaining({ status: null, error: expect.stringContaining("Removed: the police's changes after 1 were undone") })]);
    expect((await deliveries(who, kept.id)).every((delivery) => delivery.error === null)).toBe(true);
  });

  it('keeps a change’s webhook-id when its retries go on after a restart', async () => {
    let failing = true;
    const target = await newReceiver(() => (failing ? 503 : 200));
    const who = caller('police');
    const webhook = await register(who, { url: target.url });
    w.police.append();
    await until(() => target.requests.length >= 2);
    await w.service.close();
    const before = target.requests.length;
    failing = false;
    w.service = await open();
    await until(() => target.requests.some((request, index) => index >= before && JSON.parse(request.body).seq === 1));
    const attempts = target.requests.filter((request) => JSON.parse(request.body).seq === 1);
    expect(attempts.length).toBeGreaterThan(before);
    expect(new Set(attempts.map((request) => request.headers['webhook-id']))).toEqual(new Set([webhookMessageId(webhook.id, 'police', 1)]));
    for (const request of attempts) expect(new Webhook(webhook.secret).verify(request.body, standardHeaders(request))).toMatchObject({ seq: 1 });
  });

  it('delivers only what the filter selects and the registering caller may see', async () => {
    const target = await newReceiver();
    // A front caller with public clearance: no restricted police records, no observations.
    await register(caller('front', 'public'), { url: target.url, filter: { changes: ['created'] } });
    w.police.append('complex_area_designation'); // restricted, another agency's
    w.police.append('observation'); // shared
    w.police.append('security_model', 'updated'); // filtered out
    w.police.append('security_model', 'created');
    w.front.append('complex_area_designation'); // restricted, but needs clearance too
    w.front.append('volunteer_force', 'created');
    // A last selected change from each agency: each agency's changes arrive in order, so once both are in, so is everything before them.
    w.police.append('security_model', 'created');
    w.front.append('security_model', 'created');
    await until(() => target.requests.length >= 4);
    expect(
      target
        .bodies()
        .map((body) => [body.agency, body.seq, body.recordKind])
        .sort(),
    ).toEqual([
      ['FRONT', 2, 'volunteer_force'],
      ['FRONT', 3, 'security_model'],
      ['POLICE', 4, 'security_model'],
      ['POLICE', 5, 'security_model'],
    ]);
  });

  it('stops delivering when the webhook is removed', async () => {
    const target = await newReceiver(() => 500);
    const who = caller('police');
    const webhook = await register(who, { url: target.url });
    w.police.append();
    await until(() => target.requests.length >= 2);
    await w.service.resolvers.Mutation.removeWebhook({}, { id: webhook.id }, { caller: who });
    await until(() => !w.service.dispatcher.running().includes(webhook.id));
    const seen = target.requests.length;
    await laterChangeDelivered();
    expect(target.requests.length).toBe(seen);
    expect((await deliveries(who, webhook.id)).length).toBe(seen);
  });
}

/** Several instances on one store: leases and take-over. */
function severalInstancesTests(w: WebhooksState): void {
  const { open, newReceiver, register, laterChangeDelivered } = webhookHelpers(w);

  const lease = (owner: string): WebhookLeaseOptions => ({ owner, ttlMs: 2_000, renewMs: 300, retryMs: 50, rescanMs: 50 });

  it('leases a webhook to one instance at a time: taken when free or run out, renewed by its holder, given up', async () => {
    const { store } = w.service;
    const webhook = await store.insert({
      agency: 'police',
      createdBy: 'police-officer',
      url: 'http://127.0.0.1:9/hook',
      secret: SECRET,
      filter: {},
      reader: { agency: 'police', organisation: 'police', jurisdiction: null, roles: ['editor'], clearance: 'restricted' },
      deliveredThrough: encodeCursor({ police: 0, front: 0 }),
    });
    expect(await store.takeLease(webhook.id, 'a', 300)).toMatchObject({ id: webhook.id });
    expect(await store.takeLease(webhook.id, 'b', 300)).toBeUndefined();
    expect(await store.takeLease(webhook.id, 'a', 300)).toBeDefined(); // renewed
    expect(await until(() => store.takeLease(webhook.id, 'b', 60_000))).toBeDefined(); // once a's has run out
    // The old holder can no longer move the webhook on; its attempt is still logged.
    const attempt = { webhookId: webhook.id, cursor: encodeCursor({ police: 1, front: 0 }), attempt: 1, status: 200, error: null, durationMs: 3 };
    await expect(store.recordDelivered(attempt, 'a')).rejects.toBeInstanceOf(WebhookLeaseLostError);
    expect((await store.get(webhook.id))!.deliveredThrough).toBe(webhook.deliveredThrough);
    expect(await store.deliveries(webhook.id, 10)).toHaveLength(1);
    await store.recordDelivered(attempt, 'b');
    expect((await store.get(webhook.id))!.deliveredThrough).toBe(attempt.cursor);
    await store.releaseLease(webhook.id, 'a'); // not a's to give up
    expect((await store.lease(webhook.id))!.owner).toBe('b');
    await store.releaseLease(webhook.id, 'b');
    expect(await store.lease(webhook.id)).toEqual({ owner: null, until: null });
    await store.remove(webhook.id);
    expect(await store.takeLease(webhook.id, 'a', 300)).toBeUndefined(); // removed
  });

  it('delivers each event once though both instances run a worker, and the other takes over when the holder stops', async () => {
    await w.service.close();
    w.service = await open(10_000, lease('first'));
    const second = await open(10_000, lease('second'));
    try {
      const target = await newReceiver();
      const who = caller('police');
      const webhook = await register(who, { url: target.url });
      // Registered through the first; the second finds it on its next rescan and waits for the lease.
      await until(() => second.dispatcher.running().includes(webhook.id));
      for (let index = 0; index < 5; index++) w.police.append();
      await until(() => target.requests.length >= 5);
      expect((await w.service.store.lease(webhook.id))!.owner).toBe('first');

      await w.service.close(); // gives the lease up
      for (let index = 0; index < 3; index++) w.police.append();
      await until(() => target.requests.length >= 8);
      // One more after the take-over, in order: a duplicate from either instance would have come before it.
      w.police.append();
      await until(() => target.requests.length >= 9);
      expect(target.bodies().map((body) => body.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect((await second.store.lease(webhook.id))!.owner).toBe('second');
    } finally {
      await second.close();
    }
  });

  it('gives a lease up when stopped while taking it, so that another instance need not wait for it to run out', async () => {
    const target = await newReceiver();
    // Registering starts the webhook's worker, whose first statement takes the lease; closing at once abandons it.
    const webhook = await register(caller('police'), { url: target.url });
    await w.service.close();
    expect(await w.service.store.lease(webhook.id)).toEqual({ owner: null, until: null });
    w.service = await open();
  });

  it('stops the worker of a webhook removed through another instance', async () => {
    await w.service.close();
    w.service = await open(10_000, lease('first'));
    const second = await open(10_000, lease('second'));
    try {
      const target = await newReceiver();
      const who = caller('police');
      const webhook = await register(who, { url: target.url });
      await until(() => second.dispatcher.running().includes(webhook.id));
      await second.resolvers.Mutation.removeWebhook({}, { id: webhook.id }, { caller: who });
      // The first holds the lease; its renewal fails on the removed webhook and the worker ends.
      await until(() => !w.service.dispatcher.running().includes(webhook.id), 5_000);
      await laterChangeDelivered();
      expect(target.requests).toHaveLength(0);
    } finally {
      await second.close();
    }
  });
}

type Receiver = Awaited<ReturnType<typeof receiver>>;

/** What the webhook tests share: set by beforeAll and beforeEach, read inside the tests. */
interface WebhooksState {
  receivers: Receiver[];
  registry: AreaRegistry;
  police: ReturnType<typeof memoryFeed>;
  front: ReturnType<typeof memoryFeed>;
  hub: ChangeHub;
  storage: Storage;
  service: WebhookService;
}

/** Internal addresses: refused when registered, and on every delivery's own connection. */
function destinationTests(w: WebhooksState): void {
  const { open, newReceiver, register, deliveries } = webhookHelpers(w);

  it('reads the allowed networks as addresses and CIDR blocks, and lets public addresses through', () => {
    expect(parseAllowedNetworks(' 10.20.0.0/16, 192.168.5.7 ,fd00::/8,')).toEqual(['10.20.0.0/16', '192.168.5.7', 'fd00::/8']);
    for (const wrong of ['10.0.0.0/33', 'partner.example', '10.0.0/8', '::1/129'])
      expect(() => parseAllowedNetworks(wrong)).toThrow(/ANTQ_WEBHOOK_ALLOWED_NETWORKS: .* is not a network/);
    const destinations = createWebhookDestinations({ allowedNetworks: ['10.20.0.0/16'] });
    for (const open of ['10.20.3.4', '8.8.8.8', '2001:4860:4860::8888']) expect(destinations.refusal(open), open).toBeUndefined();
    expect(destinations.refusal('10.21.0.1')).toMatch(/private network/);
    expect(destinations.refusal('::ffff:169.254.169.254')).toMatch(/link-local/);
  });

  it('refuses a URL naming an internal address outside the allowed networks, storing nothing', async () => {
    const who = caller('police');
    const refused = [
      ['http://169.254.169.254/latest/meta-data/', /link-local/],
      ['http://10.1.2.3/hook', /private network/],
      ['http://0.0.0.0:5432/', /unspecified/],
      // Only 127.0.0.1 is allowed here: not the rest of the loopback network, in either notation.
      ['http://127.0.0.2:6379/', /loopback/],
      ['http://[::1]:4222/', /loopback/],
      ['http://[::ffff:127.0.0.2]/', /loopback/],
    ] as const;
    for (const [url, why] of refused) {
      const error = await register(who, { url }).then(
        () => undefined,
        (thrown: unknown) => thrown as Error,
      );
      expect(codeOf(error), url).toBe('BAD_USER_INPUT');
      expect(error!.message).toMatch(why);
      expect(error!.message).toContain('ANTQ_WEBHOOK_ALLOWED_NETWORKS');
    }
    expect(await w.service.resolvers.Query.webhooks({}, {}, { caller: who })).toEqual([]);
    // A name resolves as the check runs: localhost is 127.0.0.1 here.
    const target = await newReceiver();
    await expect(register(who, { url: target.url.replace('127.0.0.1', 'localhost') })).resolves.toMatchObject({ active: true });
  });

  it('delivers nothing once an address is no longer allowed, and logs why, looking the name up as it connects', async () => {
    const target = await newReceiver();
    const who = caller('police');
    const byAddress = await register(who, { url: target.url });
    const byName = await register(who, { url: target.url.replace('127.0.0.1', 'localhost') });
    w.police.append();
    await until(() => target.requests.length === 2);
    // The operator narrows the networks: the same store, the same webhooks, no internal network allowed.
    await w.service.close();
    w.service = await open(10_000, undefined, []);
    w.police.append();
    const refused = async (id: string) => until(async () => (await deliveries(who, id)).find((delivery) => delivery.error !== null));
    expect((await refused(byAddress.id)).error).toMatch(/could not be reached: 127\.0\.0\.1 is a loopback address/);
    expect((await refused(byName.id)).error).toMatch(/could not be reached: localhost resolves to (127\.0\.0\.1|::1) is a loopback address/);
    expect(target.requests).toHaveLength(2);
  });

  it('holds https endpoints to the same policy, by address and through the https pool’s lookup', async () => {
    const who = caller('police');
    // Nothing listens on port 9: a connection let through would fail with ECONNREFUSED, not the policy's reason.
    const byAddress = await register(who, { url: 'https://127.0.0.1:9/hook' });
    const byName = await register(who, { url: 'https://localhost:9/hook' });
    await w.service.close();
    w.service = await open(10_000, undefined, []);
    w.police.append();
    const refused = async (id: string) => until(async () => (await deliveries(who, id)).find((delivery) => /loopback/.test(delivery.error ?? '')));
    expect((await refused(byAddress.id)).error).toMatch(/could not be reached: 127\.0\.0\.1 is a loopback address/);
    expect((await refused(byName.id)).error).toMatch(/could not be reached: localhost resolves to (127\.0\.0\.1|::1) is a loopback address/);
  });
}

/** How many webhooks an agency may hold at once. */
function limitTests(w: WebhooksState): void {
  const withLimits = (limits: { maxActivePerAgency?: number; maxActivePerCaller?: number }) =>
    startWebhooks({ storage: w.storage, hub: w.hub, registry: w.registry, scopes: createAreaScopes(w.registry), grantsFor: async () => [], ...limits });

  it('refuses a registration past the agency’s limit of active webhooks, until the agency removes one', async () => {
    const limited = await withLimits({ maxActivePerAgency: 2 });
    try {
      const add = (who: Caller) => limited.resolvers.Mutation.registerWebhook({}, { input: { url: 'https://partner.example/hook' } }, { caller: who });
      const police = caller('police');
      const first = await add(police);
      await add(police);
      const refused = await add(police).then(
        () => undefined,
        (thrown: unknown) => thrown as Error,
      );
      expect(codeOf(refused)).toBe('CONFLICT');
      expect(refused!.message).toMatch(/already has 2 active webhooks/);
      // Another agency has room of its own; a removed webhook frees its place.
      await expect(add(caller('front'))).resolves.toMatchObject({ active: true });
      await limited.resolvers.Mutation.removeWebhook({}, { id: first.id }, { caller: police });
      await expect(add(police)).resolves.toMatchObject({ active: true });
      expect((await limited.resolvers.Query.webhooks({}, {}, { caller: police })).filter((webhook) => webhook.active)).toHaveLength(2);
    } finally {
      await limited.close();
    }
  });

  it('refuses a caller who is not an admin past the limit for one caller, leaving the agency’s room to the others', async () => {
    const limited = await withLimits({ maxActivePerCaller: 2 });
    const refusal = (attempt: Promise<unknown>) =>
      attempt.then(
        () => undefined,
        (thrown: unknown) => thrown as Error,
      );
    try {
      const add = (who: Caller) => limited.resolvers.Mutation.registerWebhook({}, { input: { url: 'https://partner.example/hook' } }, { caller: who });
      const officer = caller('youth', 'restricted', 'youth-busy-officer');
      const first = await add(officer);
      await add(officer);
      const before = await w.storage.query<{ n: string }>('SELECT count(*) AS n FROM webhooks');
      const refused = await refusal(add(officer));
      expect(codeOf(refused)).toBe('CONFLICT');
      expect(refused!.message).toMatch(/You already have 2 active webhooks, the limit for one caller/);
      expect(await w.storage.query<{ n: string }>('SELECT count(*) AS n FROM webhooks')).toEqual(before);
      // A colleague and an admin of the agency still register; the officer again once one of theirs is removed.
      await expect(add(caller('youth', 'restricted', 'youth-colleague'))).resolves.toMatchObject({ active: true });
      const admin = caller('youth', 'restricted', 'youth-admin', ['admin']);
      for (let i = 0; i < 3; i += 1) await expect(add(admin)).resolves.toMatchObject({ active: true });
      await limited.resolvers.Mutation.removeWebhook({}, { id: first.id }, { caller: officer });
      await expect(add(officer)).resolves.toMatchObject({ active: true });
    } finally {
      await limited.close();
    }
  });
}
