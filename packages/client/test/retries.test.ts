import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAntqClient, graphql } from '../src/index.js';

const AREA = graphql('query Area($code: ID!) { area(code: $code) { code name } }');
const CREATE = graphql('mutation Create($input: SecurityModelInput!) { createPoliceModel(input: $input) { id name } }');
const input = { kind: 'security_camera', status: 'ACTIVE' as const, areaCode: '28177', name: 'Camera' };

/** A stand-in gateway on port 0 that answers each request with the next status in `script` (200: a GraphQL answer). */
async function startScriptedGateway(script: readonly number[]) {
  const name = `Xã ${randomUUID()}`;
  const seen: { at: number; idempotencyKey: string | undefined }[] = [];
  let answered: () => void = () => undefined;
  const firstAnswered = new Promise<void>((resolve) => (answered = resolve));
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      seen.push({ at: Date.now(), idempotencyKey: request.headers['idempotency-key'] as string | undefined });
      const status = script[seen.length - 1] ?? 200;
      response.on('finish', answered);
      if (status !== 200) return void response.writeHead(status, { 'content-type': 'text/plain' }).end('upstream unavailable');
      response
        .writeHead(200, { 'content-type': 'application/graphql-response+json' })
        .end(JSON.stringify({ data: { area: { code: '28177', name }, createPoliceModel: { id: 'm1', name } } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, seen, name, firstAnswered };
}
const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('retries (p-retry)', () => {
  it('tries a read again after 502–504 answers, with growing waits, and returns the answer that came', async () => {
    const gateway = await startScriptedGateway([503, 502, 200]);
    const result = await createAntqClient({ url: gateway.url }).request(AREA, { code: '28177' });
    expect(result.data?.area?.name).toBe(gateway.name);
    expect(gateway.seen).toHaveLength(3);
    const [first, second, third] = gateway.seen.map((request) => request.at);
    expect(second! - first!).toBeGreaterThanOrEqual(190);
    expect(third! - second!).toBeGreaterThanOrEqual(390);
  });

  it('gives the last 5xx answer back as a bad response once its retries are spent', async () => {
    const gateway = await startScriptedGateway([504, 504]);
    await expect(createAntqClient({ url: gateway.url, retries: 1 }).request(AREA, { code: '28177' })).rejects.toMatchObject({ code: 'BAD_RESPONSE', status: 504 });
    expect(gateway.seen).toHaveLength(2);
  });

  it('tries a write again only when it carries an idempotency key', async () => {
    const once = await startScriptedGateway([503]);
    await expect(createAntqClient({ url: once.url }).request(CREATE, { input })).rejects.toMatchObject({ status: 503 });
    expect(once.seen).toHaveLength(1);

    const keyed = await startScriptedGateway([503]);
    const key = randomUUID();
    const created = await createAntqClient({ url: keyed.url }).request(CREATE, { input }, { idempotencyKey: key });
    expect(created.data?.createPoliceModel.name).toBe(keyed.name);
    expect(keyed.seen.map((request) => request.idempotencyKey)).toEqual([key, key]);
  });

  it('stops waiting to retry when the caller aborts', async () => {
    const gateway = await startScriptedGateway([503, 503, 503]);
    const stop = new AbortController();
    const pending = createAntqClient({ url: gateway.url, retries: 5 }).request(AREA, { code: '28177' }, { signal: stop.signal });
    const reason = new Error(`stopped ${randomUUID()}`);
    // Abort once the first answer is in, during the wait before the second attempt.
    await gateway.firstAnswered;
    stop.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(gateway.seen).toHaveLength(1);
  });
});
