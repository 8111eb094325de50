import { randomBytes, randomUUID } from 'node:crypto';
import { buildASTSchema, Kind, parse, printSchema, visit, type DocumentNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCY_CODES, requireAgency, type Agency } from '@antq/sdk';
import type { AgencySubgraph, AgencySubgraphOptions, Storage } from '@antq/subgraph-kit';
import { postGraphQL, postSignedGraphQL, signSubgraphRequest, type TestCaller } from './signed-request.js';
import { countingStorage } from './counting-storage.js';
import { forEachStorageDriver, type StorageDriver } from './storage-drivers.js';

// Another agency of the registry, for writes that must be refused: the next one in catalogue order.
const otherAgency = (agency: Agency): Agency => AGENCY_CODES[(AGENCY_CODES.indexOf(agency) + 1) % AGENCY_CODES.length]!;

export interface SubgraphConformanceOptions {
  readonly agency: Agency;
  /** Starts the agency's subgraph through its own factory. */
  readonly start: (options: AgencySubgraphOptions) => Promise<AgencySubgraph>;
  /** A model kind and a force kind this agency records. */
  readonly modelKind: string;
  readonly forceKind: string;
  /** An indicator this agency reports. */
  readonly indicator: string;
}

/**
 * The schema a file or a running subgraph defines, printed the same way whatever its formatting:
 * without directive definitions and usages (federation adds its own) and federation's own types.
 */
export function canonicalSdl(sdl: string): string {
  const document = visit(parse(sdl), {
    Directive: () => null,
    FieldDefinition: (field) => (field.name.value.startsWith('_') ? null : undefined),
  }) as DocumentNode;
  const own = {
    ...document,
    definitions: document.definitions.filter(
      (definition) =>
        definition.kind !== Kind.DIRECTIVE_DEFINITION &&
        definition.kind !== Kind.SCHEMA_EXTENSION &&
        definition.kind !== Kind.SCHEMA_DEFINITION &&
        !('name' in definition && definition.name && /^_|^link__|^federation__/.test(definition.name.value)),
    ),
  };
  return printSchema(buildASTSchema(own, { assumeValidSDL: true }));
}

/** What one run of the suite shares: the started subgraph, its store, callers and request helpers. */
interface ConformanceRun {
  readonly options: SubgraphConformanceOptions;
  readonly agency: Agency;
  /** The agency's type prefix (`Police`) and code (`police`), for its field names. */
  readonly P: string;
  readonly lower: string;
  readonly signingKey: string;
  readonly editor: TestCaller;
  readonly analyst: TestCaller;
  readonly subgraph: () => AgencySubgraph;
  readonly store: () => Storage;
  readonly counted: () => ReturnType<typeof countingStorage>;
  readonly ask: <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, caller?: TestCaller | undefined) => ReturnType<typeof postSignedGraphQL<T>>;
  readonly createModel: (input: Record<string, unknown>, caller?: TestCaller) => ReturnType<typeof postSignedGraphQL<Record<string, { id: string; name: string }>>>;
  readonly countModels: () => Promise<number>;
  readonly countEvents: () => Promise<number>;
}

/** Starts the agency's subgraph on port 0 over one storage driver, for the suite's tests. */
function startConformanceRun(options: SubgraphConformanceOptions, driver: StorageDriver): ConformanceRun {
  const { agency } = options;
  const P = requireAgency(agency).typePrefix;
  const signingKey = randomBytes(24).toString('base64');
  let subgraph: AgencySubgraph;
  let counted: ReturnType<typeof countingStorage>;
  let store: Storage;
  // Tây Ninh province (80): a jurisdiction covering Long Hậu (old 28168) and Cần Giuộc (28159).
  const editor: TestCaller = { agency, roles: ['editor'], jurisdiction: '80', clearance: 'restricted' };
  const analyst: TestCaller = { agency, roles: ['analyst'], jurisdiction: '80', clearance: 'shared' };

  const ask = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, caller: TestCaller | undefined = analyst) =>
    postSignedGraphQL<T>(subgraph.url, { query, ...(variables ? { variables } : {}), signingKey, audience: agency, ...(caller ? { caller } : {}) });

  const createModel = (input: Record<string, unknown>, caller: TestCaller = editor) =>
    ask<Record<string, { id: string; name: string }>>(
      `mutation ($input: SecurityModelInput!) { create${P}Model(input: $input) { id name area { code } } }`,
      { input: { kind: options.modelKind, status: 'ACTIVE', areaCode: '28168', name: `Model ${randomUUID()}`, ...input } },
      caller,
    );

  const count = async (table: string) => Number((await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n);

  beforeAll(async () => {
    store = await driver.open();
    counted = countingStorage(store);
    subgraph = await options.start({ port: 0, signingKey, storage: counted, logLevel: 'silent' });
  });
  afterAll(async () => {
    await subgraph?.close();
    await driver.close(store);
  });

  return {
    options,
    agency,
    P,
    lower: agency,
    signingKey,
    editor,
    analyst,
    subgraph: () => subgraph,
    store: () => store,
    counted: () => counted,
    ask,
    createModel,
    countModels: () => count('security_models'),
    countEvents: () => count('change_outbox'),
  };
}

/** The contract it serves, and the Area entities it resolves from the registry. */
function describeContract(run: ConformanceRun): void {
  const { ask, subgraph } = run;
  it('serves the SDL of its contract (the one `npm run compose` checks in as schema/<agency>.graphql)', async () => {
    const response = await ask<{ _service: { sdl: string } }>('{ _service { sdl } }', undefined, undefined);
    expect(canonicalSdl(response.data!._service.sdl)).toBe(canonicalSdl(subgraph().sdl));
  });

  it('resolves Area entities from the registry', async () => {
    const response = await ask<{ _entities: { code: string; name: string; current: boolean }[] }>(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Area { code name current } } }',
      {
        r: [
          { __typename: 'Area', code: '28159' },
          { __typename: 'Area', code: '28168' },
        ],
      },
    );
    expect(response.data!._entities).toEqual([
      { code: '28159', name: 'Cần Giuộc', current: true },
      { code: '28168', name: 'Long Hậu', current: false },
    ]);
  });
}

/** Only requests the gateway signed for it, once, recently, for a caller whose token is still valid. */
function describeSignatures(run: ConformanceRun): void {
  const { options, agency, P, signingKey, editor, analyst, countModels, countEvents, subgraph } = run;
  it('refuses a request the gateway did not sign', async () => {
    const response = await postGraphQL(subgraph().url, '{ _service { sdl } }');
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.data ?? null).toBeNull();
  });

  it('refuses a request signed with another key', async () => {
    const response = await postSignedGraphQL(subgraph().url, {
      query: '{ area(code: "28159") { name } }',
      signingKey: randomBytes(24).toString('base64'),
      audience: agency,
      caller: editor,
    });
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers a captured write once: its replay is refused and writes nothing', async () => {
    const captured = signSubgraphRequest({
      body: {
        query: `mutation ($input: SecurityModelInput!) { create${P}Model(input: $input) { id } }`,
        variables: { input: { kind: options.modelKind, status: 'ACTIVE', areaCode: '28168', name: `Model ${randomUUID()}` } },
      },
      signingKey,
      audience: agency,
      caller: editor,
    });
    const first = await postGraphQL(subgraph().url, captured);
    expect(first.errors).toBeUndefined();
    const [models, events] = [await countModels(), await countEvents()];
    const replay = await postGraphQL(subgraph().url, captured);
    expect(replay.status).toBe(401);
    expect(replay.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REPLAYED_SIGNATURE' });
    expect([await countModels(), await countEvents()]).toEqual([models, events]);
  });

  it('refuses a replayed read, a stale signature, one made for another subgraph, and an expired caller', async () => {
    const query = '{ area(code: "28159") { name } }';
    const captured = signSubgraphRequest({ body: { query }, signingKey, audience: agency, caller: analyst });
    expect((await postGraphQL(subgraph().url, captured)).errors).toBeUndefined();
    const refusal = async (body: ReturnType<typeof signSubgraphRequest>) => (await postGraphQL(subgraph().url, body)).errors?.[0]?.extensions;
    expect(await refusal(captured)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REPLAYED_SIGNATURE' });
    const stale = signSubgraphRequest({ body: { query }, signingKey, audience: agency, caller: analyst, created: Math.floor(Date.now() / 1000) - 120 });
    expect(await refusal(stale)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'STALE_SIGNATURE' });
    const other = agency === 'police' ? 'front' : 'police';
    const misrouted = signSubgraphRequest({ body: { query }, signingKey, audience: other, caller: analyst });
    expect(await refusal(misrouted)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'WRONG_AUDIENCE' });
    const yearAgo = Math.floor(Date.now() / 1000) - 365 * 86_400;
    const expired = signSubgraphRequest({ body: { query }, signingKey, audience: agency, caller: { ...analyst, iat: yearAgo, exp: yearAgo + 3600 } });
    expect(await refusal(expired)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'EXPIRED_CALLER' });
  });
}

/** Writes: the owner's, within its jurisdiction, with their change in the same transaction; typed refusals that store nothing. */
function describeWrites(run: ConformanceRun): void {
  const { agency, P, lower, editor, analyst, ask, createModel, countModels, countEvents, store } = run;
  it('writes a model, emits its change in the same transaction, and lists it under the 2025 successor', async () => {
    const eventsBefore = await countEvents();
    const name = `Camera ${randomUUID()}`;
    const created = await createModel({ name });
    expect(created.errors).toBeUndefined();
    const id = created.data![`create${P}Model`]!.id;
    expect(await countEvents()).toBe(eventsBefore + 1);
    const [event] = await store().query<{ record_id: string; change: string; agency: string }>('SELECT record_id, change, agency FROM change_outbox ORDER BY seq DESC LIMIT 1');
    expect(event).toMatchObject({ record_id: id, change: 'created', agency });
    const listed = await ask<{ area: Record<string, { models: { nodes: { id: string }[] } }> }>(`{ area(code: "28159") { ${lower} { models(first: 200) { nodes { id } } } } }`);
    expect(listed.data!.area[lower]!.models.nodes.map((node) => node.id)).toContain(id);
  });

  it("refuses another agency's write and stores nothing", async () => {
    const before = [await countModels(), await countEvents()];
    const response = await createModel({}, { agency: otherAgency(agency), roles: ['editor'], jurisdiction: '80' });
    expect(response.errors?.[0]?.extensions?.code).toBe('NOT_OWNING_AGENCY');
    expect([await countModels(), await countEvents()]).toEqual(before);
  });

  it('refuses a write outside the caller’s jurisdiction and by a reader', async () => {
    const before = [await countModels(), await countEvents()];
    const outside = await createModel({}, { agency, roles: ['editor'], jurisdiction: '01' });
    expect(outside.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const reader = await createModel({}, analyst);
    expect(reader.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect([await countModels(), await countEvents()]).toEqual(before);
  });

  it('answers bad input with typed errors and stores nothing', async () => {
    const before = [await countModels(), await countEvents()];
    const unknownArea = await createModel({ areaCode: '99999' });
    expect(unknownArea.errors?.[0]?.extensions?.code).toBe('UNKNOWN_AREA');
    const badFunding = await createModel({ funding: [{ amountVnd: 1.5, source: 'COMMUNITY' }] });
    expect(badFunding.errors?.[0]?.extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
    const badKind = await createModel({ kind: `no_such_kind_${randomUUID().slice(0, 8)}` });
    expect(badKind.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const wrongType = await ask(`mutation { create${P}Model(input: { kind: 1 }) { id } }`, undefined, editor);
    expect(wrongType.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const malformed = await ask('{ area(code: ', undefined, editor);
    expect(malformed.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect([await countModels(), await countEvents()]).toEqual(before);
  });
}

/** Reads: cursor pages without gaps, and a fixed number of SQL statements however many areas are asked. */
function describeReads(run: ConformanceRun): void {
  const { P, lower, ask, createModel, counted } = run;
  it('pages through a list with cursors, without gaps or repeats', async () => {
    const area = '28177';
    const ids = new Set<string>();
    for (let index = 0; index < 5; index += 1) {
      const created = await createModel({ areaCode: area, name: `Paged ${index} ${randomUUID()}` });
      ids.add(created.data![`create${P}Model`]!.id);
    }
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    do {
      const page: Awaited<ReturnType<typeof ask<Record<string, { nodes: { id: string }[]; totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null } }>>>> =
        await ask(
          `query ($after: String) { ${lower}Models(filter: { area: "${area}" }, first: 2, after: $after) { nodes { id } totalCount pageInfo { hasNextPage endCursor } } }`,
          { after },
        );
      const connection = page.data![`${lower}Models`]!;
      total = connection.totalCount;
      seen.push(...connection.nodes.map((node) => node.id));
      after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
    } while (after);
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(ids);
    expect(total).toBe(5);
    const bad = await ask(`{ ${lower}Models(first: 2, after: "not-a-cursor") { totalCount } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers a list of many areas with a fixed number of SQL statements', async () => {
    const areas = async (codes: readonly string[]) => {
      counted().reset();
      const fields = codes.map(
        (code, index) =>
          `a${index}: area(code: "${code}") { ${lower} { models { totalCount nodes { id name area { name } } } forces { totalCount } observations { totalCount } } }`,
      );
      const response = await ask(`{ ${fields.join(' ')} }`);
      expect(response.errors).toBeUndefined();
      return counted().count();
    };
    const few = await areas(['28159', '28177']);
    const many = await areas(['28159', '28177', '28168', '23235', '24871', '18028', '80', '68']);
    expect(many).toBe(few);
    expect(few).toBeLessThanOrEqual(4);
  });
}

/** Figures: reported once, corrected with their history kept, rolled up to the area's successor. */
function describeObservations(run: ConformanceRun): void {
  const { options, P, lower, editor, ask } = run;
  it('keeps earlier revisions when a figure is corrected, and refuses a second report', async () => {
    const period = `20${10 + Math.floor(Math.random() * 9)}-0${1 + Math.floor(Math.random() * 9)}`;
    const report = (value: number) =>
      ask<Record<string, { id: string; revision: number }>>(
        `mutation ($input: ObservationInput!) { report${P}Observation(input: $input) { id revision } }`,
        { input: { indicator: options.indicator, areaCode: '28168', period, value } },
        editor,
      );
    const first = await report(37);
    expect(first.errors).toBeUndefined();
    const id = first.data![`report${P}Observation`]!.id;
    const again = await report(38);
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const corrected = await ask<Record<string, { revision: number; value: number; history: { revision: number; value: number }[] }>>(
      `mutation ($id: ID!) { correct${P}Observation(id: $id, input: { value: 13, note: "recount" }) { revision value history { revision value } } }`,
      { id },
      editor,
    );
    expect(corrected.data![`correct${P}Observation`]).toEqual({ revision: 2, value: 13, history: [{ revision: 1, value: 37 }] });
    const metric = await ask<{ area: Record<string, { metric: { value: number } }> }>(
      `{ area(code: "28159") { ${lower} { metric(indicator: "${options.indicator}", period: "${period}") { value } } } }`,
    );
    expect(metric.data!.area[lower]!.metric.value).toBe(13);
  });
}

/** Health and readiness endpoints. */
function describeHealth(run: ConformanceRun): void {
  const { subgraph } = run;
  it('answers health and readiness', async () => {
    const base = subgraph().url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/readiness`)).status).toBe(200);
  });
}

/**
 * Bộ kiểm tra chung — what every agency subgraph must do, run against a real server on
 * port 0 over each storage driver. A new agency gets all of it by calling this once.
 */
export function defineSubgraphConformance(options: SubgraphConformanceOptions): void {
  forEachStorageDriver((driver) => {
    describe(`${options.agency} subgraph conformance (${driver.name})`, () => {
      const run = startConformanceRun(options, driver);
      describeContract(run);
      describeSignatures(run);
      describeWrites(run);
      describeReads(run);
      describeObservations(run);
      describeHealth(run);
    });
  });
}
