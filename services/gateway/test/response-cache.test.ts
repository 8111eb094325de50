import { randomBytes, randomUUID } from 'node:crypto';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { readFile } from 'node:fs/promises';
import type { FormattedExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agency } from '@antq/sdk';
import { loadAreaRegistry } from '@antq/sdk/areas';
import { createAgencyFeed, createAgencySubgraph, createStorage, latestSeq, type AgencySubgraph, type Storage } from '@antq/subgraph-kit';
import { composeSupergraph, createAuditLog, createDevelopmentIssuer, createGateway, type AuditLog, type DevelopmentIssuer, type Gateway } from '../src/index.js';

const schemaDir = new URL('../../../schema/', import.meta.url);

let signingKey: string;
const subgraphs: AgencySubgraph[] = [];
let auditStorage: Storage;
let audit: AuditLog;
let gateway: Gateway;
/** A second gateway on the same subgraphs, as another replica behind a load balancer. */
let other: Gateway;
let issuer: DevelopmentIssuer;
let supergraph: string;
let policeAnalyst: string;
let frontAnalyst: string;
let frontPublic: string;
let policeEditor: string;
let policeRestricted: string;

async function post(target: Gateway, query: string, token: string | undefined, variables?: Record<string, unknown>) {
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
  });
  return { status: response.status, body: (await response.json()) as FormattedExecutionResult<Record<string, unknown>> };
}

/** Requests this gateway answered from its cache (its Prometheus counter). */
async function hits(): Promise<number> {
  const metrics = await (await fetch(gateway.url.replace(/\/graphql$/, '/metrics'))).text();
  return Number(/^antq_response_cache_requests\{result="hit"\} (\d+)/m.exec(metrics)?.[1] ?? 0);
}

/** Whether one request was answered from the cache. */
async function servedFromCache(request: () => Promise<unknown>): Promise<boolean> {
  const before = await hits();
  await request();
  return (await hits()) === before + 1;
}

/** A current commune of Long An (80) other than Mỹ Lộc (28177), whose scope holds 28177, 28183 and 28189. */
const OTHER_COMMUNE = '25459';

async function createPoliceModel(through: Gateway, name: string, areaCode = '28177') {
  const result = await post(through, 'mutation ($input: SecurityModelInput!) { createPoliceModel(input: $input) { id } }', policeEditor, {
    input: { kind: 'security_camera', status: 'ACTIVE', areaCode, name },
  });
  expect(result.body.errors).toBeUndefined();
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/** Waits until a gateway has heard of every police change written so far (its outbox head). */
async function policeChangesHeard(through: Gateway = gateway): Promise<void> {
  const police = subgraphs.find((subgraph) => subgraph.agency === 'police')!;
  const { head } = await createAgencyFeed({ agency: 'police', url: police.url, signingKey }).read(0, 0, 0);
  await through.changesHeard('police', head);
}

const MODELS = '{ policeModels(filter: { area: "28177" }, first: 200) { totalCount nodes { id name } } }';
const names = (result: { body: FormattedExecutionResult<Record<string, unknown>> }) =>
  (result.body.data?.policeModels as { nodes: { name: string }[] }).nodes.map((node) => node.name);

beforeAll(async () => {
  signingKey = randomBytes(32).toString('base64');
  const registry = await loadAreaRegistry();
  const sdl = (agency: Agency) => readFile(new URL(`${agency}.graphql`, schemaDir), 'utf8');
  subgraphs.push(await createAgencySubgraph({ agency: 'police', typeDefs: await sdl('police') }, { signingKey, registry, logLevel: 'silent' }));
  subgraphs.push(await createAgencySubgraph({ agency: 'front', typeDefs: await sdl('front') }, { signingKey, registry, logLevel: 'silent' }));
  supergraph = composeSupergraph(await Promise.all(subgraphs.map(async (s) => ({ name: s.agency, url: s.url, sdl: await sdl(s.agency) }))));
  issuer = await createDevelopmentIssuer();
  auditStorage = await createStorage({ kind: 'pglite' });
  audit = await createAuditLog(auditStorage);
  // No tolerance of another clock: a token is refused the second after its exp, cached answer or not.
  const identity = { keys: { kind: 'key' as const, publicKeyPem: issuer.publicKeyPem }, issuer: issuer.issuer, audience: issuer.audience, clockToleranceSeconds: 0 };
  gateway = await createGateway({ supergraph, port: 0, signingKey, identity, audit });
  other = await createGateway({ supergraph, port: 0, signingKey, identity, metrics: false });
  policeAnalyst = await issuer.mint({ agency: 'police', roles: ['analyst'], clearance: 'shared' });
  frontAnalyst = await issuer.mint({ agency: 'front', roles: ['analyst'], clearance: 'shared', subject: 'front:analyst-1' });
  frontPublic = await issuer.mint({ agency: 'front', roles: ['analyst'], clearance: 'public' });
  policeEditor = await issuer.mint({ agency: 'police', jurisdiction: '80', roles: ['editor'] });
  policeRestricted = await issuer.mint({ agency: 'police', roles: ['analyst'], clearance: 'restricted' });
  await createPoliceModel(gateway, `Camera ${randomUUID()}`);
  // The change watch follows each agency from its first read of the outbox on.
  await policeChangesHeard();
  await post(gateway, MODELS, policeAnalyst);
  expect(await servedFromCache(() => post(gateway, MODELS, policeAnalyst))).toBe(true);
}, 300_000);

afterAll(async () => {
  await other?.close();
  await gateway?.close();
  await audit?.close();
  await auditStorage?.close();
  await Promise.all(subgraphs.map((subgraph) => subgraph.close()));
}, 120_000);

describe('the response cache', () => {
  it('answers a repeated query from the cache, with the same answer', async () => {
    const first = await post(gateway, MODELS, policeAnalyst);
    let again: Awaited<ReturnType<typeof post>> | undefined;
    expect(await servedFromCache(async () => (again = await post(gateway, MODELS, policeAnalyst)))).toBe(true);
    expect(again).toEqual(first);
  });

  it('serves a token it has not seen yet, once verified, the answer kept for its kind of caller', async () => {
    await post(gateway, MODELS, policeAnalyst);
    const colleague = await issuer.mint({ agency: 'police', roles: ['analyst'], clearance: 'shared', subject: 'police:analyst-2' });
    let answer: Awaited<ReturnType<typeof post>> | undefined;
    expect(await servedFromCache(async () => (answer = await post(gateway, MODELS, colleague)))).toBe(true);
    expect(answer).toEqual(await post(gateway, MODELS, policeAnalyst));
    // And from then on before the pipeline, as for any token it verified.
    expect(await servedFromCache(() => post(gateway, MODELS, colleague))).toBe(true);
  });

  it('shows a write through this gateway to the very next read', async () => {
    await post(gateway, MODELS, policeAnalyst);
    expect(await servedFromCache(() => post(gateway, MODELS, policeAnalyst))).toBe(true);
    const name = `Camera ${randomUUID()}`;
    await createPoliceModel(gateway, name);
    expect(names(await post(gateway, MODELS, policeAnalyst))).toContain(name);
  });

  it('drops answers when another gateway writes, as soon as the outbox says so', async () => {
    // The earlier writes through this gateway come back through the outbox too, and move the
    // generation on once more when they do: only an answer kept after that stays.
    await policeChangesHeard();
    await post(gateway, MODELS, policeAnalyst);
    expect(await servedFromCache(() => post(gateway, MODELS, policeAnalyst))).toBe(true);
    const name = `Camera ${randomUUID()}`;
    await createPoliceModel(other, name);
    await policeChangesHeard();
    expect(names(await post(gateway, MODELS, policeAnalyst))).toContain(name);
  });

  it('keeps the answers of one kind of caller from every other', async () => {
    const query = '{ area(code: "28177") { police { observations(first: 5) { totalCount } } } }';
    const shared = await post(gateway, query, frontAnalyst);
    expect(shared.body.errors).toBeUndefined();
    // Same text, callers who may not read it: the cached answer is not theirs.
    const anonymous = await post(gateway, query, undefined);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const publicClearance = await post(gateway, query, frontPublic);
    expect(publicClearance.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const forged = `${frontAnalyst.slice(0, -4)}AAAA`;
    const refused = await post(gateway, query, forged);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(refused.body.data ?? null).toBeNull();
  });

  it('refuses a cached answer to a token once it has expired', async () => {
    const query = '{ area(code: "28177") { police { observations(first: 1) { totalCount } } } }';
    const shortLived = await issuer.mint({ agency: 'front', roles: ['analyst'], clearance: 'shared', expiresIn: '2s' });
    expect((await post(gateway, query, shortLived)).body.errors).toBeUndefined();
    expect((await post(gateway, query, shortLived)).body.errors).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 2_600));
    const late = await post(gateway, query, shortLived);
    expect(late.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(late.body.data ?? null).toBeNull();
  });

  it('never keeps restricted data, whose reading depends on grants', async () => {
    const query = '{ area(code: "80") { police { complexAreaDesignations { id } } } }';
    expect((await post(gateway, query, policeRestricted)).body.errors).toBeUndefined();
    expect(await servedFromCache(() => post(gateway, query, policeRestricted))).toBe(false);
  });

  it('audits a cached cross-agency read like the first one', async () => {
    const query = '{ area(code: "28177") { police { models(first: 3) { nodes { id } } } } }';
    await audit.flush();
    const before = (await audit.list({ limit: 100_000 })).length;
    await post(gateway, query, frontAnalyst);
    expect(await servedFromCache(() => post(gateway, query, frontAnalyst))).toBe(true);
    await audit.flush();
    const entries = (await audit.list({ limit: 100_000 })).slice(before);
    expect(entries).toHaveLength(2);
    for (const entry of entries) expect(entry).toMatchObject({ actor: 'front:analyst-1', agency: 'front', owners: ['police'], result: 'ok' });
    expect(entries[1]!.records).toEqual(entries[0]!.records);
    expect(entries[1]!.fields).toEqual(entries[0]!.fields);
  });
});

describe('the response cache through changes', () => {
  it('keeps an answer when writes fall outside the areas it read, through this gateway or another', async () => {
    await policeChangesHeard();
    const kept = await post(gateway, MODELS, policeAnalyst);
    expect(await servedFromCache(() => post(gateway, MODELS, policeAnalyst))).toBe(true);
    await createPoliceModel(gateway, `Camera ${randomUUID()}`, OTHER_COMMUNE);
    await createPoliceModel(other, `Camera ${randomUUID()}`, OTHER_COMMUNE);
    await policeChangesHeard();
    let again: Awaited<ReturnType<typeof post>> | undefined;
    expect(await servedFromCache(async () => (again = await post(gateway, MODELS, policeAnalyst)))).toBe(true);
    expect(again).toEqual(kept);
  });

  it('keeps an answer when another kind of record changes in its area, and drops it for its own kind', async () => {
    const query = '{ area(code: "28177") { police { observations(first: 5) { totalCount } } } }';
    const count = (result: Awaited<ReturnType<typeof post>>) => (result.body.data?.area as { police: { observations: { totalCount: number } } }).police.observations.totalCount;
    const before = count(await post(gateway, query, policeAnalyst));
    expect(await servedFromCache(() => post(gateway, query, policeAnalyst))).toBe(true);
    await createPoliceModel(gateway, `Camera ${randomUUID()}`);
    expect(await servedFromCache(() => post(gateway, query, policeAnalyst))).toBe(true);
    const reported = await post(gateway, 'mutation ($input: ObservationInput!) { reportPoliceObservation(input: $input) { id } }', policeEditor, {
      input: { indicator: 'criminal_offences', areaCode: '28183', period: '2025-05', value: 3 },
    });
    expect(reported.body.errors).toBeUndefined();
    let after: Awaited<ReturnType<typeof post>> | undefined;
    expect(await servedFromCache(async () => (after = await post(gateway, query, policeAnalyst)))).toBe(false);
    expect(count(after!)).toBe(before + 1);
  });

  it('answers a read over several large provinces, and drops it when a record it counted changes', async () => {
    // Their lineages are some 1,300 codes of each kind listed: noted in full, the subgraph's
    // read-scope header passes the 16 KiB an HTTP client accepts, and the agency reads as down.
    const provinces = ['01', '79', '80'];
    const query = `{ ${provinces.map((code) => `p${code}: area(code: "${code}") { police { models { totalCount } forces { totalCount } } }`).join(' ')} }`;
    const models = (result: Awaited<ReturnType<typeof post>>) => (result.body.data?.p80 as { police: { models: { totalCount: number } } }).police.models.totalCount;
    await policeChangesHeard();
    const first = await post(gateway, query, policeAnalyst);
    expect(first.body.errors).toBeUndefined();
    expect(await servedFromCache(() => post(gateway, query, policeAnalyst))).toBe(true);
    await createPoliceModel(other, `Camera ${randomUUID()}`, OTHER_COMMUNE);
    await policeChangesHeard();
    let after: Awaited<ReturnType<typeof post>> | undefined;
    expect(await servedFromCache(async () => (after = await post(gateway, query, policeAnalyst)))).toBe(false);
    expect(after!.body.errors).toBeUndefined();
    expect(models(after!)).toBe(models(first) + 1);
  });

  it('does not keep an answer read before a change inside its scope that was heard while it was on its way', async () => {
    const query = '{ held: policeModels(filter: { area: "28177" }, first: 200) { nodes { name } } }';
    let hold: { reached: () => void; release: Promise<void> } | undefined;
    // Holds the next subgraph answer after it arrived, until the test lets it go.
    const holding: GatewayPlugin = {
      onFetch: () => {
        const held = hold;
        hold = undefined;
        return held ? async () => (held.reached(), await held.release) : undefined;
      },
    };
    const identity = { keys: { kind: 'key' as const, publicKeyPem: issuer.publicKeyPem }, issuer: issuer.issuer, audience: issuer.audience };
    const third = await createGateway({ supergraph, port: 0, signingKey, identity, metrics: false, plugins: [holding] });
    try {
      await policeChangesHeard(third);
      let release!: () => void;
      const reached = new Promise<void>((resolve) => (hold = { reached: resolve, release: new Promise((done) => (release = done)) }));
      const onItsWay = post(third, query, policeAnalyst);
      await reached;
      const name = `Camera ${randomUUID()}`;
      await createPoliceModel(other, name);
      await policeChangesHeard(third);
      release();
      const held = (await onItsWay).body.data?.held as { nodes: { name: string }[] };
      expect(held.nodes.map((node) => node.name)).not.toContain(name);
      const next = (await post(third, query, policeAnalyst)).body.data?.held as { nodes: { name: string }[] };
      expect(next.nodes.map((node) => node.name)).toContain(name);
    } finally {
      await third.close();
    }
  });

  it('serves nothing from the cache for an agency it cannot follow', async () => {
    const query = '{ area(code: "28177") { front { models(first: 1) { totalCount } } } }';
    expect((await post(gateway, query, policeAnalyst)).body.errors).toBeUndefined();
    expect(await servedFromCache(() => post(gateway, query, policeAnalyst))).toBe(true);
    const front = subgraphs.find((subgraph) => subgraph.agency === 'front')!;
    await front.close();
    // Within one failed read of its outbox, the kept answer goes and the outage shows.
    const outageShown = async () => (await post(gateway, query, policeAnalyst)).body.errors?.[0]?.extensions?.code === 'DOWNSTREAM_SERVICE_ERROR';
    expect(await waitFor(outageShown, 5_000)).toBe(true);
  });
});

/** The police's store as a backup taken at `backupSeq` holds it: the model written since and its change gone, their seqs free again. */
async function restoreAsBefore(police: AgencySubgraph, backupSeq: number, modelName: string): Promise<void> {
  await police.storage.transaction(async (tx) => {
    await tx.query('DELETE FROM security_models WHERE name = $1', [modelName]);
    await tx.query('DELETE FROM change_outbox WHERE seq > $1', [backupSeq]);
    await tx.query('UPDATE outbox_sequence SET last_seq = $1', [backupSeq]);
  });
}

describe('the response cache and a store restored from a backup', () => {
  it('drops what it kept of an agency whose store was restored from a backup, once its outbox has grown past where it was', async () => {
    const police = subgraphs.find((subgraph) => subgraph.agency === 'police')!;
    await policeChangesHeard();
    const backupSeq = await latestSeq(police.storage);
    const undone = `Camera ${randomUUID()}`;
    await createPoliceModel(other, undone);
    await policeChangesHeard();
    expect(names(await post(gateway, MODELS, policeAnalyst))).toContain(undone);
    expect(await servedFromCache(() => post(gateway, MODELS, policeAnalyst))).toBe(true);
    await restoreAsBefore(police, backupSeq, undone);
    // Two writes in another commune, numbered as the undone change and the next: nothing they name is in the answer kept.
    await createPoliceModel(other, `Camera ${randomUUID()}`, OTHER_COMMUNE);
    await createPoliceModel(other, `Camera ${randomUUID()}`, OTHER_COMMUNE);
    await policeChangesHeard();
    // The watch compares what it heard with the outbox within a second.
    expect(await waitFor(async () => !names(await post(gateway, MODELS, policeAnalyst)).includes(undone), 5_000)).toBe(true);
  });

  it('tells a restore by the newest change there was when it started, before it has heard any', async () => {
    const police = subgraphs.find((subgraph) => subgraph.agency === 'police')!;
    const backupSeq = await latestSeq(police.storage);
    const undone = `Camera ${randomUUID()}`;
    await createPoliceModel(other, undone);
    // A gateway started now has heard no change of the police, only where its outbox stands.
    const identity = { keys: { kind: 'key' as const, publicKeyPem: issuer.publicKeyPem }, issuer: issuer.issuer, audience: issuer.audience };
    const fresh = await createGateway({ supergraph, port: 0, signingKey, identity, metrics: false });
    try {
      await policeChangesHeard(fresh);
      expect(names(await post(fresh, MODELS, policeAnalyst))).toContain(undone);
      await restoreAsBefore(police, backupSeq, undone);
      await createPoliceModel(other, `Camera ${randomUUID()}`, OTHER_COMMUNE);
      await createPoliceModel(other, `Camera ${randomUUID()}`, OTHER_COMMUNE);
      await policeChangesHeard(fresh);
      expect(await waitFor(async () => !names(await post(fresh, MODELS, policeAnalyst)).includes(undone), 5_000)).toBe(true);
    } finally {
      await fresh.close();
    }
  });
});
