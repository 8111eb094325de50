import { mkdtemp, rm, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCY_CODES } from '@antq/sdk';
import { postGraphQL, type GraphQLResponse } from '@antq/testing';
import { startEmbeddedGraph, type EmbeddedGraph } from '../src/index.js';

/** The whole graph, as `npm start` runs it, on a temporary data folder. */
describe('the graph through the gateway', () => {
  let graph: EmbeddedGraph;
  let dataDir: string;
  let analyst: string;
  let policeEditor: string;
  let frontEditor: string;

  const ask = <T = Record<string, unknown>>(query: string, token?: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> =>
    postGraphQL<T>(graph.gateway.url, { query, ...(variables ? { variables } : {}) }, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'antq-graph-'));
    graph = await startEmbeddedGraph({ dataDir, port: 0 });
    analyst = await graph.issuer.mint({ agency: 'police', roles: ['analyst'] });
    policeEditor = await graph.issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'] });
    frontEditor = await graph.issuer.mint({ agency: 'front', jurisdiction: '80', roles: ['editor'] });
  }, 120_000);

  afterAll(async () => {
    await graph?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers { __typename }, health and readiness', async () => {
    expect((await ask('{ __typename }')).data).toEqual({ __typename: 'Query' });
    const base = graph.gateway.url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/readiness`)).status).toBe(200);
  });

  it('answers one area across the four agencies, under the successor of a pre-2025 unit', async () => {
    const response = await ask<{ area: Record<string, unknown> & { police: { exemplaryCommunePilots: { year: number; criteriaTotal: number }[] } } }>(
      `{ area(code: "28159") { fullName predecessors { area { code } }
          police { agency exemplaryCommunePilots { year criteriaTotal } models { totalCount } }
          front { agency models { totalCount } } veterans { agency models { totalCount } } youth { agency models { totalCount } } } }`,
      analyst,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.area.fullName).toBe('Xã Cần Giuộc');
    expect(response.data!.area.police.exemplaryCommunePilots).toEqual([expect.objectContaining({ year: 2023, criteriaTotal: 34 })]);
    for (const agency of AGENCY_CODES) {
      expect((response.data!.area[agency] as { models: { totalCount: number } }).models.totalCount).toBeGreaterThan(0);
    }
  });

  it('writes through the gateway for the owning agency only, and stores nothing otherwise', async () => {
    const name = `Camera ${randomUUID()}`;
    const create = (token: string) =>
      ask<{ createPoliceModel: { id: string; name: string } }>('mutation ($input: SecurityModelInput!) { createPoliceModel(input: $input) { id name } }', token, {
        input: { kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name },
      });
    const refused = await create(frontEditor);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_OWNING_AGENCY' });
    const created = await create(policeEditor);
    expect(created.errors).toBeUndefined();
    const listed = await ask<{ policeModels: { nodes: { name: string }[] } }>(`{ policeModels(filter: { area: "28177" }, first: 200) { nodes { name } } }`, analyst);
    expect(listed.data!.policeModels.nodes.filter((node) => node.name === name)).toHaveLength(1);
  });

  it('audits every write and every cross-agency read in a chain that verifies', async () => {
    const before = (await graph.audit.list({ limit: 10_000 })).length;
    const name = `Audited ${randomUUID()}`;
    await ask('mutation ($input: SecurityModelInput!) { createPoliceModel(input: $input) { id } }', policeEditor, {
      input: { kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name },
    });
    await ask('{ area(code: "28159") { front { models { nodes { id name } } } } }', analyst);
    await ask('{ area(code: "28159") { police { models { totalCount } } } }', analyst);
    await graph.audit.flush();
    const added = (await graph.audit.list({ after: 0, limit: 10_000 })).slice(before);
    const write = added.find((entry) => entry.operationType === 'mutation');
    expect(write).toMatchObject({ agency: 'police', result: 'ok', owners: ['police'] });
    expect(write?.fields).toContain('Mutation.createPoliceModel');
    const crossRead = added.filter((entry) => entry.operationType === 'query');
    // The police analyst reading the Front's models is recorded; reading police data is not.
    expect(crossRead).toHaveLength(1);
    expect(crossRead[0]).toMatchObject({ agency: 'police', owners: ['front'] });
    expect(crossRead[0]!.records.length).toBeGreaterThan(0);
    // Sealed with the development key made at first start (owner-only, beside the audit database) and checkpointed.
    await graph.audit.checkpoint();
    const head = (await graph.audit.list({ after: 0, limit: 10_000 })).at(-1)!.seq;
    expect(await graph.audit.verify()).toMatchObject({ ok: true, latestCheckpoint: { seq: head } });
    expect((await stat(join(dataDir, 'audit.key'))).mode & 0o777).toBe(0o600);
  });

  itRefusesHostileInputAndSurvivesOutages({ ask, graph: () => graph, analyst: () => analyst });
  itRefusesWritesThatCannotStand({ ask, graph: () => graph, analyst: () => analyst });
});

// Forged tokens, hostile input, direct calls and a subgraph down; the graph and token are read when the tests run.
function itRefusesHostileInputAndSurvivesOutages(ctx: GraphContext): void {
  it('refuses forged, expired and wrong-audience tokens with UNAUTHENTICATED', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ agency: 'police', roles: ['editor'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(ctx.graph().issuer.issuer)
      .setAudience(ctx.graph().issuer.audience)
      .setExpirationTime('1h')
      .sign(privateKey);
    const expired = await ctx.graph().issuer.mint({ agency: 'police', roles: ['analyst'], expiresIn: '-1m' });
    for (const token of [forged, expired, 'not-a-jwt']) {
      const response = await ctx.ask('{ area(code: "28159") { name } }', token);
      expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(response.data ?? null).toBeNull();
    }
  });

  describe('hostile input gets a typed error and leaves every process serving', () => {
    it.each([
      ['deep nesting', `{ area(code: "28159") { ${'parent { '.repeat(30)}code${' }'.repeat(30)} } }`, 'QUERY_TOO_COMPLEX'],
      ['an alias bomb', `{ ${Array.from({ length: 200 }, (_, index) => `a${index}: area(code: "28159") { name }`).join(' ')} }`, 'QUERY_TOO_COMPLEX'],
      ['malformed GraphQL', '{ area(code: "28159" { name }', 'GRAPHQL_PARSE_FAILED'],
      ['an unknown field', '{ area(code: "28159") { nosuchfield } }', 'GRAPHQL_VALIDATION_FAILED'],
      ['an unknown area code', '{ area(code: "99999") { name } }', 'UNKNOWN_AREA'],
      ['a malformed area code', '{ area(code: "79x") { name } }', 'BAD_USER_INPUT'],
      ['a NUL character, which no store can keep', '{ policeModel(id: "camera\\u0000") { id } }', 'BAD_USER_INPUT'],
      ['an unknown indicator', '{ area(code: "28159") { police { metric(indicator: "criminal_ofences", period: "2025") { value } } } }', 'UNKNOWN_INDICATOR'],
    ])('%s', async (_name, query, code) => {
      const response = await ctx.ask(query, ctx.analyst());
      expect(response.errors?.[0]?.extensions?.code).toBe(code);
      expect((await ctx.ask('{ __typename }')).data).toEqual({ __typename: 'Query' });
    });

    it('wrong variable types', async () => {
      const response = await ctx.ask('query ($code: ID!) { area(code: $code) { name } }', ctx.analyst(), { code: { nested: true } });
      expect(response.errors?.[0]?.extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
    });

    it('a huge string and a malformed JSON body', async () => {
      const huge = await ctx.ask(`{ areas(search: "${'x'.repeat(400_000)}") { code } }`, ctx.analyst());
      expect(huge.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
      const malformed = await fetch(ctx.graph().gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": "{ __typename }"' });
      const body = (await malformed.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
      expect((await ctx.ask('{ __typename }')).data).toEqual({ __typename: 'Query' });
    });
  });

  it('hands its development tokens to no page that rebound its own name to this machine', async () => {
    const { port } = new URL(ctx.graph().gateway.url);
    const graphiql = (host: string) => getWithHost(ctx.graph().gateway.url, host, 'text/html');
    expect(await graphiql(`127.0.0.1:${port}`)).toMatchObject({ status: 200, body: expect.stringContaining('Bearer ') });
    const rebound = await graphiql(`rebound.example:${port}`);
    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain('Bearer ');
    expect(rebound.body).toContain('does not answer to the host name');
  });

  it('a direct call to a subgraph, past the gateway, is refused', async () => {
    const response = await postGraphQL(ctx.graph().subgraphs.police.url, '{ area(code: "28159") { name } }');
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('a subgraph that is down costs only its own fields, with an error naming the agency', async () => {
    await ctx.graph().subgraphs.youth.close();
    const response = await ctx.ask<{ area: { name: string; police: { agency: string }; youth: unknown } }>(
      '{ area(code: "28159") { name police { agency } youth { agency } } }',
      ctx.analyst(),
    );
    expect(response.data?.area.name).toBe('Cần Giuộc');
    expect(response.data?.area.police.agency).toBe('POLICE');
    expect(response.errors?.some((error) => error.extensions?.agency === 'youth')).toBe(true);
  });
}

// Writes whose input cannot stand: refused with a typed error, nothing stored.
function itRefusesWritesThatCannotStand(ctx: GraphContext): void {
  it('refuses a figure for a time after its unit ended, names the unit that took it over, and stores nothing', async () => {
    // Xã Long Hậu (28168) ended on 2025-07-01, merged into Xã Cần Giuộc (28159).
    const policeEditor = await ctx.graph().issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'] });
    const report = (period: string) =>
      ctx.ask<{ reportPoliceObservation: { id: string } }>('mutation ($input: ObservationInput!) { reportPoliceObservation(input: $input) { id } }', policeEditor, {
        input: { indicator: 'fights_prevented', areaCode: '28168', period, value: 2 },
      });
    const refused = await report('2026-02');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'areaCode' }] });
    expect(refused.errors?.[0]?.message).toMatch(/did not exist in 2026-02 .*Xã Cần Giuộc \(28159\)/);
    const stored = await ctx.ask<{ policeObservations: { totalCount: number } }>(
      '{ policeObservations(filter: { area: "28168", period: "2026-02", indicators: ["fights_prevented"] }, first: 0) { totalCount } }',
      ctx.analyst(),
    );
    expect(stored.data!.policeObservations.totalCount).toBe(0);
    expect((await report('2025-06')).errors).toBeUndefined();
  });

  it("refuses another agency's model or figure of a residential area the police have not registered, and takes a registered one", async () => {
    const policeEditor = await ctx.graph().issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'] });
    const frontEditor = await ctx.graph().issuer.mint({ agency: 'front', jurisdiction: '80', roles: ['editor'] });
    const registered = await ctx.ask<{ registerResidentialArea: { id: string } }>(
      'mutation ($input: ResidentialAreaInput!) { registerResidentialArea(input: $input) { id } }',
      policeEditor,
      { input: { slug: `ap-${randomUUID().slice(0, 8)}`, communeCode: '28177', name: 'Ấp mới', localKind: 'ap' } },
    );
    expect(registered.errors).toBeUndefined();
    const unregistered = '28177:ap-nowhere';
    const frontModelOf = (residentialAreaId: string) =>
      ctx.ask<{ createFrontModel: { residentialArea: { id: string } | null } }>(
        'mutation ($input: SecurityModelInput!) { createFrontModel(input: $input) { residentialArea { id } } }',
        frontEditor,
        { input: { kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name: `Camera ${randomUUID()}`, organisation: 'FATHERLAND_FRONT', residentialAreaId } },
      );
    const refused = await frontModelOf(unregistered);
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      issues: [{ path: 'residentialAreaId', message: expect.stringContaining(`police has no residential area "${unregistered}"; register it with registerResidentialArea`) }],
    });
    const figure = await ctx.ask('mutation ($input: ObservationInput!) { reportFrontObservation(input: $input) { id } }', frontEditor, {
      input: { indicator: 'self_management_groups', areaCode: '28177', period: '2025', value: 1, residentialAreaId: unregistered },
    });
    expect(figure.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', input: 'observation', issues: [{ path: 'residentialAreaId' }] });
    const id = registered.data!.registerResidentialArea.id;
    expect((await frontModelOf(id)).data!.createFrontModel.residentialArea).toEqual({ id });
  });

  it('refuses a retirement reason of 2,001 characters, and the record stays open', async () => {
    const policeEditor = await ctx.graph().issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'] });
    const created = await ctx.ask<{ createPoliceModel: { id: string } }>(
      'mutation { createPoliceModel(input: { kind: "security_camera", status: ACTIVE, areaCode: "28177", name: "Camera ngã ba" }) { id } }',
      policeEditor,
    );
    const { id } = created.data!.createPoliceModel;
    const retire = (reason: string) => ctx.ask('mutation ($id: ID!, $reason: String!) { retirePoliceModel(id: $id, reason: $reason) { id } }', policeEditor, { id, reason });
    expect((await retire('x'.repeat(2001))).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'reason' }] });
    const model = await ctx.ask<{ policeModel: { retired: boolean } }>('query ($id: ID!) { policeModel(id: $id) { retired } }', ctx.analyst(), { id });
    expect(model.data!.policeModel.retired).toBe(false);
    expect((await retire('Đã thay bằng camera mới')).errors).toBeUndefined();
  });

  it('stores a name typed as combining marks as the same text as one typed precomposed, and refuses one that displays reversed', async () => {
    const policeEditor = await ctx.graph().issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'] });
    const create = (name: string) =>
      ctx.ask<{ createPoliceModel: { id: string; name: string } }>('mutation ($input: SecurityModelInput!) { createPoliceModel(input: $input) { id name } }', policeEditor, {
        input: { kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name },
      });
    const name = 'Camera an ninh tổ dân phố số 5';
    const created = await create(`${name.normalize('NFD')} `);
    expect(created.data!.createPoliceModel.name).toBe(name.normalize('NFC'));
    const stored = await ctx.ask<{ policeModel: { name: string } }>('query ($id: ID!) { policeModel(id: $id) { name } }', ctx.analyst(), {
      id: created.data!.createPoliceModel.id,
    });
    expect(stored.data!.policeModel.name).toBe(name.normalize('NFC'));

    const count = async () =>
      (await ctx.ask<{ policeModels: { totalCount: number } }>('{ policeModels(filter: { area: "28177" }, first: 0) { totalCount } }', ctx.analyst())).data!.policeModels
        .totalCount;
    const before = await count();
    const refused = await create('Camera \u202e5 ốs ốhp nâd ổt');
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'name', message: expect.stringContaining('U+202E') }] });
    expect(await count()).toBe(before);
  });
}

/** A GET with a `Host` header of our choosing (fetch sends the URL's). */
function getWithHost(url: string, host: string, accept: string): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: target.hostname, port: target.port, path: target.pathname, headers: { host, accept } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.once('error', reject);
    request.end();
  });
}

interface GraphContext {
  ask: <T = Record<string, unknown>>(query: string, token?: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<T>>;
  graph: () => EmbeddedGraph;
  analyst: () => string;
}
