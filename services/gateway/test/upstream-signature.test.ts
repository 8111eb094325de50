import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAreaRegistry } from '@antq/sdk/areas';
import { createAgencySubgraph, type AgencySubgraph } from '@antq/subgraph-kit';
import { stripIgnoredCharacters } from 'graphql';
import { composeSupergraph, createDevelopmentIssuer, createGateway, type Gateway } from '../src/index.js';

/**
 * What someone who sees the gateway → subgraph hop (a proxy, a body log, a trace) can do with
 * what they saw: the test stands a recording proxy in front of the police subgraph, lets the
 * gateway send real requests through it, and replays the captured bytes straight to the subgraph.
 */
let police: AgencySubgraph;
let gateway: Gateway;
let recorder: Server;
const captured: string[] = [];
let editorToken: string;
/** Bodies the recorder keeps from the subgraph (answering 502), so their nonces stay unused. */
let withhold: ((body: string) => boolean) | undefined;

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, body: (await response.json()) as { data?: Record<string, unknown> | null; errors?: { extensions?: Record<string, unknown> }[] } };
}

const viaGateway = (query: string, variables?: Record<string, unknown>) => post(gateway.url, JSON.stringify({ query, variables }), { authorization: `Bearer ${editorToken}` });

const countModels = async () => Number((await police.storage.query<{ n: number }>('SELECT count(*)::int AS n FROM security_models'))[0]!.n);

beforeAll(async () => {
  const signingKey = randomBytes(32).toString('base64');
  police = await createAgencySubgraph({ agency: 'police' }, { signingKey, registry: await loadAreaRegistry(), logLevel: 'silent' });
  recorder = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      captured.push(body);
      if (withhold?.(body)) {
        response.writeHead(502).end();
        return;
      }
      void fetch(police.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (upstream) => {
        response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
        response.end(await upstream.text());
      });
    });
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  const recorderUrl = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}/graphql`;
  const supergraph = composeSupergraph([{ name: 'police', url: recorderUrl, sdl: police.sdl }]);
  const issuer = await createDevelopmentIssuer();
  editorToken = await issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'], clearance: 'restricted' });
  gateway = await createGateway({
    supergraph,
    port: 0,
    signingKey,
    identity: { keys: { kind: 'key', publicKeyPem: issuer.publicKeyPem }, issuer: issuer.issuer, audience: issuer.audience },
    responseCache: false,
  });
});

afterAll(async () => {
  await gateway?.close();
  await new Promise((resolve) => recorder?.close(resolve));
  await police?.close();
});

/** The last request the gateway sent to the police that contains `text`. */
function capturedWith(text: string): string {
  const body = [...captured].reverse().find((candidate) => candidate.includes(text));
  if (!body) throw new Error(`the gateway sent no request containing ${text}`);
  return body;
}

describe('a request captured between the gateway and a subgraph', () => {
  it('answers a read once: the same bytes sent again are refused', async () => {
    const first = 1 + Math.floor(Math.random() * 199);
    const read = await viaGateway('query ($first: Int) { policeModels(filter: { area: "80" }, first: $first) { totalCount } }', { first });
    expect(read.body.errors).toBeUndefined();
    const body = capturedWith(`"first":${first}`);
    const signature = (JSON.parse(body) as { extensions: Record<string, { aud: string; created: number; nonce: string }> }).extensions['antq-signature']!;
    expect(signature.aud).toBe('police');
    expect(Math.abs(signature.created - Date.now() / 1000)).toBeLessThan(60);
    const replay = await post(police.url, body);
    expect(replay.status).toBe(401);
    expect(replay.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REPLAYED_SIGNATURE' });
    expect(replay.body.data ?? null).toBeNull();
  });

  it('answers a write once: replaying it creates nothing', async () => {
    const name = `Replayed camera ${randomUUID()}`;
    const before = await countModels();
    const created = await viaGateway('mutation ($input: SecurityModelInput!) { createPoliceModel(input: $input) { id } }', {
      input: { kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name },
    });
    expect(created.body.errors).toBeUndefined();
    expect(await countModels()).toBe(before + 1);
    const replay = await post(police.url, capturedWith(name));
    expect(replay.status).toBe(401);
    expect(replay.body.errors?.[0]?.extensions?.reason).toBe('REPLAYED_SIGNATURE');
    expect(await countModels()).toBe(before + 1);
  });

  it('cannot be re-pointed at another caller or another variable', async () => {
    const first = 200 + Math.floor(Math.random() * 199);
    await viaGateway('query ($first: Int) { policeModels(filter: { area: "80" }, first: $first) { totalCount } }', { first });
    const body = JSON.parse(capturedWith(`"first":${first}`)) as { query: string; extensions: { jwt: { payload: Record<string, unknown> } } };
    body.extensions.jwt.payload = { ...body.extensions.jwt.payload, jurisdiction: 'VN', roles: ['admin'] };
    const forged = await post(police.url, JSON.stringify(body));
    expect(forged.status).toBe(401);
    expect(forged.body.errors?.[0]?.extensions?.reason).toBe('INVALID_SIGNATURE');
  });

  it('is signed over the query text as sent, which the subgraph verifies at its first check', async () => {
    const first = 1 + Math.floor(Math.random() * 199);
    withhold = (body) => body.includes(`"first":${first}`);
    await viaGateway('query ($first: Int) { policeModels(filter: { area: "80" }, first: $first) { totalCount } }', { first });
    withhold = undefined;
    const body = JSON.parse(capturedWith(`"first":${first}`)) as { query: string };
    // The planner's text keeps spaces the canonical form drops, so only one of the two can be signed.
    expect(body.query).not.toBe(stripIgnoredCharacters(body.query));
    // Signed over the canonical form, this would pass the subgraph's second check.
    const canonical = await post(police.url, JSON.stringify({ ...body, query: stripIgnoredCharacters(body.query) }));
    expect(canonical.status).toBe(401);
    expect(canonical.body.errors?.[0]?.extensions?.reason).toBe('INVALID_SIGNATURE');
    const asSent = await post(police.url, JSON.stringify(body));
    expect(asSent.status).toBe(200);
    expect(asSent.body.data).toMatchObject({ policeModels: { totalCount: expect.any(Number) } });
  });
});
