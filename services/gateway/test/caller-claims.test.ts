import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FormattedExecutionResult } from 'graphql';
import { SignJWT, decodeJwt, exportSPKI, generateKeyPair, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agency } from '@antq/sdk';
import { loadAreaRegistry } from '@antq/sdk/areas';
import { createAgencySubgraph, type AgencySubgraph } from '@antq/subgraph-kit';
import { postSignedGraphQL, type TestCaller } from '@antq/testing';
import { composeSupergraph, createGateway, type Gateway } from '../src/index.js';

/*
 * Một cách đọc người gọi — the gateway reads a token's claims with the SDK's parser, as the
 * subgraphs do: a verified token whose claims do not parse is refused with UNAUTHENTICATED (401)
 * before planning and before the response cache answers, and a token is scoped the same way at
 * the gateway and at the owning subgraph.
 */

const ISSUER = 'urn:antq:test-issuer';
const AUDIENCE = 'antq-graph';
const schemaDir = new URL('../../../schema/', import.meta.url);

let signingKey: string;
let privateKey: CryptoKey;
const subgraphs: AgencySubgraph[] = [];
let gateway: Gateway;
let supergraph: string;

/** A token the gateway verifies, with exactly these claims (`exp` in ten minutes unless `exp: null`). */
async function sign(claims: Record<string, unknown>, options: { exp?: number | null } = {}): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt();
  if (options.exp !== null) jwt.setExpirationTime(options.exp ?? '10m');
  return jwt.sign(privateKey);
}

async function post(query: string, token: string | undefined) {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as FormattedExecutionResult<Record<string, unknown>> };
}

/** Requests the gateway answered from its response cache (its Prometheus counter). */
async function hits(): Promise<number> {
  const metrics = await (await fetch(gateway.url.replace(/\/graphql$/, '/metrics'))).text();
  return Number(/^antq_response_cache_requests\{result="hit"\} (\d+)/m.exec(metrics)?.[1] ?? 0);
}

/** A public query no one has asked yet: its own alias keeps it out of every earlier answer. */
const freshPublicQuery = () => `{ m_${randomUUID().replaceAll('-', '')}: policeModels(first: 1) { totalCount } }`;

const subject = () => `officer-${randomUUID()}`;
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

/** Verified tokens whose claims the graph refuses, and the claim each gets wrong. */
const MALFORMED: ReadonlyArray<{ name: string; claims: () => Record<string, unknown>; exp?: null }> = [
  { name: 'an empty sub', claims: () => ({ sub: '', agency: 'police', clearance: 'shared' }) },
  { name: 'roles as a string', claims: () => ({ sub: subject(), agency: 'police', roles: 'admin', clearance: 'shared' }) },
  { name: 'an unknown organisation', claims: () => ({ sub: subject(), agency: 'police', organisation: `army_${randomUUID().slice(0, 4)}`, clearance: 'shared' }) },
  { name: "another agency's organisation", claims: () => ({ sub: subject(), agency: 'police', organisation: 'womens_union', clearance: 'shared' }) },
  { name: 'agency 123', claims: () => ({ sub: subject(), agency: 123, clearance: 'shared' }) },
  { name: 'agency "POLICE"', claims: () => ({ sub: subject(), agency: 'POLICE', clearance: 'shared' }) },
  { name: 'clearance "SHARED"', claims: () => ({ sub: subject(), agency: 'police', clearance: 'SHARED' }) },
  { name: 'jurisdiction "vn"', claims: () => ({ sub: subject(), agency: 'police', jurisdiction: 'vn', clearance: 'shared' }) },
  { name: 'no exp', claims: () => ({ sub: subject(), agency: 'police', clearance: 'shared' }), exp: null },
  { name: 'nbf an hour ahead', claims: () => ({ sub: subject(), agency: 'police', clearance: 'shared', nbf: inAnHour() }) },
];

beforeAll(async () => {
  signingKey = randomBytes(32).toString('base64');
  const registry = await loadAreaRegistry();
  const sdl = (agency: Agency) => readFile(new URL(`${agency}.graphql`, schemaDir), 'utf8');
  for (const agency of ['police', 'front'] as const) {
    subgraphs.push(await createAgencySubgraph({ agency, typeDefs: await sdl(agency) }, { signingKey, registry, logLevel: 'silent' }));
  }
  supergraph = composeSupergraph(await Promise.all(subgraphs.map(async (s) => ({ name: s.agency, url: s.url, sdl: await sdl(s.agency) }))));
  const keys = await generateKeyPair('ES256', { extractable: true });
  privateKey = keys.privateKey;
  gateway = await createGateway({
    supergraph,
    port: 0,
    signingKey,
    identity: { keys: { kind: 'key', publicKeyPem: await exportSPKI(keys.publicKey) }, issuer: ISSUER, audience: AUDIENCE },
  });
  // The cache keeps answers once the change watch has read every agency's outbox: wait for that, then prime it.
  await Promise.all(subgraphs.map((subgraph) => gateway.changesHeard(subgraph.agency, 0)));
  const good = await sign({ sub: subject(), agency: 'police', clearance: 'shared' });
  const query = freshPublicQuery();
  await post(query, good);
  await post(query, good);
  expect(await hits()).toBeGreaterThan(0);
}, 180_000);

afterAll(async () => {
  await gateway?.close();
  await Promise.all(subgraphs.map((subgraph) => subgraph.close()));
}, 180_000);

describe('a verified token whose claims do not parse', () => {
  it.each(MALFORMED)('is refused with UNAUTHENTICATED and 401 on a first request: $name', async ({ claims, exp }) => {
    const token = await sign(claims(), exp === null ? { exp: null } : {});
    const answer = await post(freshPublicQuery(), token);
    expect(answer.status).toBe(401);
    expect(answer.body.data ?? undefined).toBeUndefined();
    expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(answer.body.errors?.[0]?.message).toMatch(/claim|token/);
  });

  it.each(MALFORMED)('is refused where the response cache holds the answer for a good token: $name', async ({ claims, exp }) => {
    const query = freshPublicQuery();
    const good = await sign({ sub: subject(), agency: 'police', clearance: 'shared' });
    const first = await post(query, good);
    expect(first.body.errors).toBeUndefined();
    const before = await hits();
    expect(await post(query, good)).toEqual(first);
    expect(await hits()).toBe(before + 1);

    const token = await sign(claims(), exp === null ? { exp: null } : {});
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await post(query, token);
      expect(answer.status).toBe(401);
      expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    }
    expect(await hits()).toBe(before + 1);
  });
});

describe('the identity provider’s clock and the gateway’s', () => {
  // Tokens dated by another machine's clock: a few seconds apart are the same moment, as the subgraphs' claim parser holds too.
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (times: Record<string, number>) => ({ sub: subject(), agency: 'police', clearance: 'shared', ...times });

  it('takes a token issued by a clock a few seconds ahead (nbf and iat a little in the future) or just past its exp', async () => {
    for (const token of [await sign(claims({ nbf: now() + 10, iat: now() + 10 })), await sign(claims({}), { exp: now() - 10 })]) {
      const answer = await post(freshPublicQuery(), token);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.status).toBe(200);
    }
  });

  it('refuses one not valid for a minute yet, or expired a minute ago', async () => {
    for (const token of [await sign(claims({ nbf: now() + 60 })), await sign(claims({}), { exp: now() - 60 })]) {
      const answer = await post(freshPublicQuery(), token);
      expect(answer.status).toBe(401);
      expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    }
  });
});

describe('with authentication off (development)', () => {
  it('reads an unverified token with the same parser: good claims pass, malformed ones get 401', async () => {
    await using unverified = await createGateway({ supergraph, port: 0, signingKey, metrics: false, responseCache: false, identity: { disabled: true } });
    const ask = async (token: string) => {
      const response = await fetch(unverified.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ policeObservations(first: 1) { totalCount } }' }),
      });
      return { status: response.status, body: (await response.json()) as FormattedExecutionResult };
    };
    const good = await ask(await sign({ sub: subject(), agency: 'police', clearance: 'shared' }));
    expect(good.body.errors).toBeUndefined();
    for (const claims of [
      { sub: subject(), agency: 'POLICE', clearance: 'shared' },
      { sub: subject(), agency: 'police', clearance: 'shared', roles: 'admin' },
    ]) {
      const refused = await ask(await sign(claims));
      expect(refused.status).toBe(401);
      expect(refused.body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    }
  });
});

describe('one reading of a token at both ends', () => {
  const SHARED = '{ policeObservations(first: 1) { totalCount } }';
  const RESTRICTED = '{ complexAreaDesignations(first: 1) { totalCount } }';
  const outcome = (answer: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) => String(answer.errors?.[0]?.extensions?.code ?? 'shown');

  it.each([
    { name: 'a police analyst, shared', claims: { agency: 'police', roles: ['analyst'], clearance: 'shared' }, expected: ['shown', 'FORBIDDEN'] },
    { name: 'a police analyst, restricted', claims: { agency: 'police', roles: ['analyst'], clearance: 'restricted' }, expected: ['shown', 'shown'] },
    { name: 'a front analyst, restricted, without a grant', claims: { agency: 'front', roles: ['analyst'], clearance: 'restricted' }, expected: ['shown', 'FORBIDDEN'] },
    { name: 'a police analyst, public', claims: { agency: 'police', roles: ['analyst'] }, expected: ['FORBIDDEN', 'FORBIDDEN'] },
    { name: 'clearance "RESTRICTED"', claims: { agency: 'police', roles: ['analyst'], clearance: 'RESTRICTED' }, expected: ['UNAUTHENTICATED', 'UNAUTHENTICATED'] },
    { name: 'agency "POLICE"', claims: { agency: 'POLICE', roles: ['analyst'], clearance: 'restricted' }, expected: ['UNAUTHENTICATED', 'UNAUTHENTICATED'] },
  ])('$name: the gateway and the police subgraph agree', async ({ claims, expected }) => {
    const token = await sign({ sub: subject(), ...claims });
    // What the gateway forwards: the verified payload, signed with the gateway's key.
    const caller = decodeJwt(token) as unknown as TestCaller;
    const police = subgraphs.find((subgraph) => subgraph.agency === 'police')!;
    const atGateway = [outcome((await post(SHARED, token)).body), outcome((await post(RESTRICTED, token)).body)];
    const atSubgraph = [
      outcome(await postSignedGraphQL(police.url, { query: SHARED, signingKey, audience: 'police', caller })),
      outcome(await postSignedGraphQL(police.url, { query: RESTRICTED, signingKey, audience: 'police', caller })),
    ];
    expect(atGateway).toEqual(expected);
    expect(atSubgraph).toEqual(expected);
  });
});
