import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAreaRegistry } from '@antq/sdk/areas';
import { postSignedGraphQL, type TestCaller } from '@antq/testing';
import { createAgencySubgraph, type AgencySubgraph } from '../src/index.js';

const CREATE = 'mutation ($input: SecurityModelInput!) { createYouthModel(input: $input) { id name } }';
const REPORT = 'mutation ($input: ObservationInput!) { reportYouthObservation(input: $input) { id value } }';

/** `writeOnce` at the subgraph: requests signed as the gateway signs them, with `extensions.idempotencyKey`. */
describe('idempotent writes of an agency subgraph', () => {
  let subgraph: AgencySubgraph;
  const signingKey = randomBytes(32).toString('base64');
  const editor: TestCaller = { agency: 'youth', jurisdiction: '80', roles: ['editor'], sub: `editor-${randomUUID()}` };

  beforeAll(async () => {
    subgraph = await createAgencySubgraph({ agency: 'youth' }, { signingKey, registry: await loadAreaRegistry(), logLevel: 'silent' });
  });
  afterAll(async () => subgraph?.close());

  const send = <T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, key?: unknown) =>
    postSignedGraphQL<T>(subgraph.url, { query, variables, signingKey, audience: 'youth', caller: editor, ...(key === undefined ? {} : { extensions: { idempotencyKey: key } }) });
  const counts = async () =>
    (
      await subgraph.storage.query<{ models: number; observations: number; changes: number; claims: number }>(
        `SELECT (SELECT count(*) FROM security_models)::int AS models, (SELECT count(*) FROM observations)::int AS observations,
              (SELECT count(*) FROM change_outbox)::int AS changes, (SELECT count(*) FROM idempotent_writes)::int AS claims`,
      )
    )[0]!;
  const modelInput = () => ({ kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name: `Camera ${randomUUID()}` });
  // A month not used before in this store (the validator accepts years 1945–2100).
  const periods = new Set<string>();
  const period = (): string => {
    const candidate = `${1950 + Math.floor(Math.random() * 70)}-${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}`;
    return periods.has(candidate) ? period() : (periods.add(candidate), candidate);
  };

  it('stores a keyed write once, its change once, and answers a retry with the stored record', async () => {
    const input = modelInput();
    const key = randomUUID();
    const before = await counts();
    const first = await send<{ createYouthModel: { id: string; name: string } }>(CREATE, { input }, key);
    const again = await send<{ createYouthModel: { id: string; name: string } }>(CREATE, { input }, key);
    expect(first.errors).toBeUndefined();
    expect(again).toEqual(first);
    expect(await counts()).toMatchObject({ models: before.models + 1, changes: before.changes + 1, claims: before.claims + 1 });
  });

  it('refuses a key that is not 1–255 printable ASCII characters, and writes nothing', async () => {
    const before = await counts();
    for (const key of [42, 'k'.repeat(256), 'line\nbreak', 'khóa']) {
      const refused = await send(CREATE, { input: modelInput() }, key);
      expect(refused.errors?.[0]?.extensions, String(key)).toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    expect(await counts()).toEqual(before);
  });

  it('leaves the key of a write that failed unused', async () => {
    const figure = { indicator: 'criminal_offences', areaCode: '28177', period: period(), value: 5 };
    expect((await send(REPORT, { input: figure })).errors).toBeUndefined();
    const key = randomUUID();
    const before = await counts();
    // The same figure again is refused inside the write's transaction, after the key was claimed.
    const refused = await send(REPORT, { input: { ...figure, value: 6 } }, key);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
    expect(refused.errors?.[0]?.message).toMatch(/already reported/);
    expect(await counts()).toEqual(before);
    // So the key still serves another write.
    const other = await send<{ reportYouthObservation: { value: number } }>(REPORT, { input: { ...figure, period: period(), value: 7 } }, key);
    expect(other.errors).toBeUndefined();
    expect(other.data!.reportYouthObservation.value).toBe(7);
    expect(await counts()).toMatchObject({ observations: before.observations + 1, claims: before.claims + 1 });
  });

  it('answers a retried correction without a second revision', async () => {
    const reported = await send<{ reportYouthObservation: { id: string } }>(REPORT, {
      input: { indicator: 'criminal_offences', areaCode: '28177', period: period(), value: 9 },
    });
    const correct = 'mutation ($id: ID!, $input: ObservationCorrectionInput!) { correctYouthObservation(id: $id, input: $input) { id revision value } }';
    const variables = { id: reported.data!.reportYouthObservation.id, input: { value: 10, note: 'recounted' } };
    const key = randomUUID();
    const first = await send(correct, variables, key);
    const again = await send(correct, variables, key);
    expect(first.data).toEqual({ correctYouthObservation: { id: variables.id, revision: 2, value: 10 } });
    expect(again.data).toEqual(first.data);
    // Without a key the same correction is a new revision, as before.
    expect((await send(correct, variables)).data).toEqual({ correctYouthObservation: { id: variables.id, revision: 3, value: 10 } });
  });
});
