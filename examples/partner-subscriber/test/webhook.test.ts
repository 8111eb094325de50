import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL } from '@antq/testing';
import { startEmbeddedGraph, type EmbeddedGraph } from '@antq/embedded';
import { verifyWebhookSignature, type WebhookPayload } from '@antq/stream';

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

/** A partner's webhook endpoint on a local port; `answer` picks the status of each request (1-based). */
async function startReceiver(answer: (request: number) => number = () => 200) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const status = answer(received.length + 1);
      received.push({ at: Date.now(), headers: request.headers, raw: Buffer.concat(chunks), status });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'try again');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/antq-hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const body = (delivery: Received) => JSON.parse(delivery.raw.toString('utf8')) as WebhookPayload;

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
    (await ask<{ createPoliceModel: { id: string } }>('mutation ($input: SecurityModelInput!) { createPoliceModel(input: $input) { id } }', tokens.policeEditor!, {
      input: { kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name: `Camera ${randomUUID()}` },
    })).createPoliceModel.id;

  const registerWebhook = async (url: string, secret: string) =>
    (
      await ask<{ registerWebhook: { id: string; agency: string; active: boolean } }>(
        'mutation ($input: WebhookInput!) { registerWebhook(input: $input) { id agency active } }',
        tokens.frontAnalyst!,
        { input: { url, secret, filter: { agencies: ['POLICE'], recordKinds: ['security_model'] } } },
      )
    ).registerWebhook;

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
  }, 120_000);

  afterAll(async () => {
    await graph?.close();
    for (const receiver of receivers) await receiver.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  // Shared by the two tests (the second starts its own when run alone): the healthy endpoint keeps receiving while the failing one retries.
  let healthy: Awaited<ReturnType<typeof startReceiver>> | undefined;
  let healthyHook: { id: string; agency: string; active: boolean };
  let healthySecret: string;
  async function startHealthy() {
    healthy = await startReceiver();
    receivers.push(healthy);
    healthySecret = randomBytes(20).toString('hex');
    healthyHook = await registerWebhook(healthy.url, healthySecret);
    return healthy;
  }

  it('delivers each change, signed, to a registered endpoint, and lists the deliveries', async () => {
    const healthy = await startHealthy();
    expect(healthySecret).toHaveLength(40);
    expect(healthyHook).toMatchObject({ agency: 'FRONT', active: true });

    const ids: string[] = [];
    for (let index = 0; index < 3; index++) ids.push(await createPoliceModel());
    await until(() => healthy.received.length >= 3, 'three deliveries');
    await sleep(500);
    expect(healthy.received).toHaveLength(3);

    for (const [index, delivery] of healthy.received.entries()) {
      expect(delivery.headers['x-antq-webhook-id']).toBe(healthyHook.id);
      expect(delivery.headers['content-type']).toContain('application/json');
      expect(verifyWebhookSignature(healthySecret, delivery.headers['x-antq-signature'] as string, delivery.raw)).toBe(true);
      // Not with another secret, and not over other bytes.
      expect(verifyWebhookSignature(randomBytes(20).toString('hex'), delivery.headers['x-antq-signature'] as string, delivery.raw)).toBe(false);
      expect(verifyWebhookSignature(healthySecret, delivery.headers['x-antq-signature'] as string, Buffer.concat([delivery.raw, Buffer.from(' ')]))).toBe(false);
      expect(body(delivery)).toMatchObject({ agency: 'POLICE', recordKind: 'security_model', recordId: ids[index], change: 'created', areaCode: '28177' });
    }
    const seqs = healthy.received.map((delivery) => body(delivery).seq);
    expect(seqs).toEqual([seqs[0]!, seqs[0]! + 1, seqs[0]! + 2]);

    const listed = await deliveries(healthyHook.id);
    expect(listed).toHaveLength(3);
    expect(listed.map((delivery) => delivery.status)).toEqual([200, 200, 200]);
    expect(listed.every((delivery) => delivery.attempt === 1 && delivery.error === null && delivery.webhookId === healthyHook.id)).toBe(true);
    // Newest first, one per delivered change, naming the cursor each body carried.
    expect(listed.map((delivery) => delivery.cursor)).toEqual(healthy.received.map((delivery) => body(delivery).cursor).reverse());
  });

  it('retries a failing endpoint with backoff until it answers 2xx, without holding up a healthy one', async () => {
    // 500, 500, then 200.
    const healthyReceiver = healthy ?? (await startHealthy());
    const flaky = await startReceiver((request) => (request <= 2 ? 500 : 200));
    receivers.push(flaky);
    const flakySecret = randomBytes(20).toString('hex');
    const flakyHook = await registerWebhook(flaky.url, flakySecret);
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
    // The same change each time, freshly signed, with growing gaps between attempts.
    for (const attempt of [first!, second!, third!]) {
      expect(body(attempt).recordId).toBe(id);
      expect(verifyWebhookSignature(flakySecret, attempt.headers['x-antq-signature'] as string, attempt.raw)).toBe(true);
    }
    expect(third!.at - second!.at).toBeGreaterThan(second!.at - first!.at);
    expect(third!.at - written).toBeLessThan(20_000);

    // Then the flaky webhook moves on to the next change, and the log shows every attempt.
    await until(() => flaky.received.some((delivery) => body(delivery).recordId === next), 'the flaky webhook’s next change');
    const listed = await deliveries(flakyHook.id);
    const forFirst = listed.filter((delivery) => delivery.cursor === body(first!).cursor);
    expect(forFirst.map((delivery) => [delivery.attempt, delivery.status])).toEqual([
      [3, 200],
      [2, 500],
      [1, 500],
    ]);
    expect(forFirst.filter((delivery) => delivery.status === 500).every((delivery) => delivery.error?.includes('500'))).toBe(true);
    expect((await deliveries(healthyHook.id)).every((delivery) => delivery.status === 200 && delivery.attempt === 1)).toBe(true);
  }, 60_000);
});
