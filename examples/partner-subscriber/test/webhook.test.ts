import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL } from '@antq/testing';
import { startEmbeddedGraph, type EmbeddedGraph } from '@antq/embedded';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { createWebhookHandler, type WebhookChange, type WebhookDeliveryInfo } from '../src/webhook-receiver.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: string, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

interface Received {
  readonly at: number;
  readonly headers: IncomingHttpHeaders;
  /** The bytes as received: the signature covers exactly these. */
  readonly raw: Buffer;
  readonly status: number;
}

/**
 * A partner's webhook endpoint on a local port: the example's handler (`createWebhookHandler`,
 * given the secret once registerWebhook returned it), behind a recorder of every request as
 * received. `fail(n)` true makes the n-th request (1-based) answer 500 without reaching the handler.
 */
async function startReceiver(fail: (request: number) => boolean = () => false) {
  const received: Received[] = [];
  const handled: { change: WebhookChange; delivery: WebhookDeliveryInfo }[] = [];
  const refused: string[] = [];
  let handler: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    const number = received.length + 1;
    // The recorder reads a copy of the bytes; the handler reads the request itself.
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('finish', () => received.push({ at: Date.now(), headers: request.headers, raw: Buffer.concat(chunks), status: response.statusCode }));
    if (fail(number) || !handler) {
      request.resume();
      request.on('end', () => response.writeHead(500, { 'content-type': 'text/plain' }).end('try again'));
      return;
    }
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/antq-hook`,
    received,
    handled,
    refused,
    useSecret(secret: string) {
      handler = createWebhookHandler({ secret, onChange: (change, delivery) => void handled.push({ change, delivery }), onRefused: (reason) => refused.push(reason) });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const body = (delivery: Received) => JSON.parse(delivery.raw.toString('utf8')) as WebhookChange;
/** The Standard Webhooks headers of a request as received, as a partner's library reads them. */
const standardHeaders = (delivery: Received) => ({
  'webhook-id': delivery.headers['webhook-id'] as string,
  'webhook-timestamp': delivery.headers['webhook-timestamp'] as string,
  'webhook-signature': delivery.headers['webhook-signature'] as string,
});

/** Posts a request to an endpoint as it is; its status. */
async function post(url: string, headers: Record<string, string>, raw: Buffer): Promise<number> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: new Uint8Array(raw) });
  await response.arrayBuffer();
  return response.status;
}

interface Delivery {
  id: string;
  webhookId: string;
  cursor: string;
  attempt: number;
  status: number | null;
  error: string | null;
  deliveredAt: string;
  durationMs: number;
}

describe('webhooks through the gateway', () => {
  let graph: EmbeddedGraph;
  let dataDir: string;
  const tokens: Record<string, string> = {};
  const receivers: { close(): Promise<void> }[] = [];

  const ask = async <T>(query: string, token: string, variables: Record<string, unknown> = {}) => {
    const response = await postGraphQL<T>(graph.gateway.url, { query, variables }, { headers: { authorization: `Bearer ${token}` } });
    expect(response.errors).toBeUndefined();
    return response.data!;
  };

  const createPoliceModel = async () =>
    (
      await ask<{ createPoliceModel: { id: string } }>('mutation ($input: SecurityModelInput!) { createPoliceModel(input: $input) { id } }', tokens.policeEditor!, {
        input: { kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name: `Camera ${randomUUID()}` },
      })
    ).createPoliceModel.id;

  /** Registers the receiver's URL; the secret is generated, returned once, and handed to the receiver's handler. */
  const registerWebhook = async (receiver: Awaited<ReturnType<typeof startReceiver>>) => {
    const { registerWebhook: registered } = await ask<{ registerWebhook: { id: string; agency: string; active: boolean; secret: string } }>(
      'mutation ($input: WebhookInput!) { registerWebhook(input: $input) { id agency active secret } }',
      tokens.frontAnalyst!,
      { input: { url: receiver.url, filter: { agencies: ['POLICE'], recordKinds: ['security_model'] } } },
    );
    receiver.useSecret(registered.secret);
    return registered;
  };

  const deliveries = async (webhookId: string) =>
    (
      await ask<{ webhookDeliveries: Delivery[] }>(
        'query ($id: ID!) { webhookDeliveries(webhookId: $id) { id webhookId cursor attempt status error deliveredAt durationMs } }',
        tokens.frontAnalyst!,
        { id: webhookId },
      )
    ).webhookDeliveries;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'antq-webhooks-'));
    graph = await startEmbeddedGraph({ dataDir, port: 0 });
    tokens.policeEditor = await graph.issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'], clearance: 'restricted' });
    tokens.frontAnalyst = await graph.issuer.mint({ agency: 'front', roles: ['analyst'], clearance: 'shared' });
  }, 600_000); // the whole graph starting on a busy 2-core machine has taken over 5 minutes

  afterAll(async () => {
    await graph?.close();
    for (const receiver of receivers) await receiver.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  // Shared by the two tests (the second starts its own when run alone): the healthy endpoint keeps receiving while the failing one retries.
  let healthy: Awaited<ReturnType<typeof startReceiver>> | undefined;
  let healthyHook: { id: string; agency: string; active: boolean; secret: string };
  async function startHealthy() {
    healthy = await startReceiver();
    receivers.push(healthy);
    healthyHook = await registerWebhook(healthy);
    return healthy;
  }

  it('delivers each change, signed the Standard Webhooks way, to a registered endpoint whose handler verifies it, and lists the deliveries', async () => {
    const healthy = await startHealthy();
    expect(healthyHook).toMatchObject({ agency: 'FRONT', active: true, secret: expect.stringMatching(/^whsec_/) });

    const ids: string[] = [];
    for (let index = 0; index < 3; index++) ids.push(await createPoliceModel());
    await until(() => healthy.received.length >= 3, 'three deliveries');
    await sleep(500);
    expect(healthy.received).toHaveLength(3);

    // The example's handler verified and handled each once, in order.
    expect(healthy.refused).toEqual([]);
    expect(healthy.handled.map(({ change }) => change.recordId)).toEqual(ids);
    for (const [index, delivery] of healthy.received.entries()) {
      expect(delivery.status).toBe(204);
      expect(delivery.headers['x-antq-webhook-id']).toBe(healthyHook.id);
      expect(delivery.headers['content-type']).toContain('application/json');
      expect(healthy.handled[index]!.delivery).toEqual({ messageId: delivery.headers['webhook-id'], webhookId: healthyHook.id });
      // As any Standard Webhooks library checks it; not with another secret, and not over other bytes.
      expect(new Webhook(healthyHook.secret).verify(delivery.raw, standardHeaders(delivery))).toEqual(body(delivery));
      expect(() => new Webhook(`whsec_${Buffer.from(randomUUID()).toString('base64')}`).verify(delivery.raw, standardHeaders(delivery))).toThrow(WebhookVerificationError);
      expect(() => new Webhook(healthyHook.secret).verify(Buffer.concat([delivery.raw, Buffer.from(' ')]), standardHeaders(delivery))).toThrow(WebhookVerificationError);
      expect(body(delivery)).toMatchObject({ agency: 'POLICE', recordKind: 'security_model', recordId: ids[index], change: 'created', areaCode: '28177' });
    }
    const seqs = healthy.received.map((delivery) => body(delivery).seq);
    expect(seqs).toEqual([seqs[0]!, seqs[0]! + 1, seqs[0]! + 2]);
    expect(new Set(healthy.received.map((delivery) => delivery.headers['webhook-id'])).size).toBe(3);

    // The handler answers a repeat of a handled delivery without handling it twice, and refuses a forged one.
    const delivered = [...healthy.received];
    const first = delivered[0]!;
    expect(await post(healthy.url, standardHeaders(first), first.raw)).toBe(200);
    const forged = Buffer.from(first.raw.toString('utf8').replace(ids[0]!, 'police-model-forged'));
    expect(await post(healthy.url, standardHeaders(first), forged)).toBe(401);
    expect(healthy.refused).toEqual([expect.stringContaining('No matching signature')]);
    expect(healthy.handled).toHaveLength(3);

    const listed = await deliveries(healthyHook.id);
    expect(listed).toHaveLength(3);
    expect(listed.map((delivery) => delivery.status)).toEqual([204, 204, 204]);
    expect(listed.every((delivery) => delivery.attempt === 1 && delivery.error === null && delivery.webhookId === healthyHook.id)).toBe(true);
    // Newest first, one per delivered change, naming the cursor each body carried.
    expect(listed.map((delivery) => delivery.cursor)).toEqual(delivered.map((delivery) => body(delivery).cursor).reverse());
  });

  it('retries a failing endpoint with backoff until it answers 2xx, without holding up a healthy one', async () => {
    // 500, 500, then the handler (204).
    const healthyReceiver = healthy ?? (await startHealthy());
    const flaky = await startReceiver((request) => request <= 2);
    receivers.push(flaky);
    const flakyHook = await registerWebhook(flaky);
    const healthyBefore = healthyReceiver.received.length;

    const written = Date.now();
    const id = await createPoliceModel();

    // The healthy endpoint has it long before the failing one's first retry is even due.
    await until(() => healthyReceiver.received.length > healthyBefore, 'the healthy delivery');
    const healthyDelivery = healthyReceiver.received[healthyBefore]!;
    expect(body(healthyDelivery).recordId).toBe(id);
    await until(() => flaky.received.length >= 1, 'the first attempt');
    // And it keeps receiving new changes while the failing webhook is still retrying the first one.
    const next = await createPoliceModel();
    await until(() => healthyReceiver.received.some((delivery) => body(delivery).recordId === next), 'the next healthy delivery');
    const nextAt = healthyReceiver.received.find((delivery) => body(delivery).recordId === next)!.at;

    await until(() => flaky.received.length >= 3, 'the retries', 25_000);
    const [first, second, third] = flaky.received;
    expect(healthyDelivery.at).toBeLessThan(second!.at);
    expect(nextAt).toBeLessThan(third!.at);
    // The same change each time, with the same webhook-id, freshly signed, with growing gaps between attempts.
    for (const attempt of [first!, second!, third!]) {
      expect(body(attempt).recordId).toBe(id);
      expect(attempt.headers['webhook-id']).toBe(first!.headers['webhook-id']);
      expect(new Webhook(flakyHook.secret).verify(attempt.raw, standardHeaders(attempt))).toMatchObject({ recordId: id });
    }
    expect(third!.status).toBe(204);
    expect(flaky.handled.filter(({ change }) => change.recordId === id)).toHaveLength(1);
    expect(third!.at - second!.at).toBeGreaterThan(second!.at - first!.at);
    expect(third!.at - written).toBeLessThan(20_000);

    // Then the flaky webhook moves on to the next change, and the log shows every attempt.
    await until(() => flaky.received.some((delivery) => body(delivery).recordId === next), 'the flaky webhook’s next change');
    const listed = await deliveries(flakyHook.id);
    const forFirst = listed.filter((delivery) => delivery.cursor === body(first!).cursor);
    expect(forFirst.map((delivery) => [delivery.attempt, delivery.status])).toEqual([
      [3, 204],
      [2, 500],
      [1, 500],
    ]);
    expect(forFirst.filter((delivery) => delivery.status === 500).every((delivery) => delivery.error?.includes('500'))).toBe(true);
    expect((await deliveries(healthyHook.id)).every((delivery) => delivery.status === 204 && delivery.attempt === 1)).toBe(true);
  }, 60_000);
});
