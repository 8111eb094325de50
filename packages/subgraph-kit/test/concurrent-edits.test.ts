import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAreaRegistry } from '@antq/sdk/areas';
import { postSignedGraphQL, storageDrivers, type StorageDriver, type TestCaller } from '@antq/testing';
import { createAgencySubgraph, type AgencySubgraph, type Storage } from '../src/index.js';
import { recordTables } from '../src/records/record-loaders.js';

const CREATE = 'mutation ($input: SecurityModelInput!) { createYouthModel(input: $input) { id name updatedAt } }';
const UPDATE = `mutation ($id: ID!, $input: SecurityModelPatch!, $expected: DateTime) {
  updateYouthModel(id: $id, input: $input, expectedUpdatedAt: $expected) { id name description updatedAt }
}`;
const RETIRE = 'mutation ($id: ID!, $expected: DateTime) { retireYouthModel(id: $id, reason: "merged", expectedUpdatedAt: $expected) { id retired updatedAt } }';
const REPORT = 'mutation ($input: ObservationInput!) { reportYouthObservation(input: $input) { id revision } }';
const CORRECT = `mutation ($id: ID!, $value: Float!, $expected: Int) {
  correctYouthObservation(id: $id, input: { value: $value, note: "recounted" }, expectedRevision: $expected) { id revision value }
}`;

interface Model {
  id: string;
  name: string;
  description?: string | null;
  updatedAt: string;
}

/** A youth subgraph on a fresh store of `driver` for the enclosing describe, and an editor of Tây Ninh sending to it. */
function youthSubgraphOn(driver: StorageDriver) {
  let subgraph: AgencySubgraph;
  let storage: Storage;
  const signingKey = randomBytes(32).toString('base64');
  const editor: TestCaller = { agency: 'youth', jurisdiction: '80', roles: ['editor'] };
  beforeAll(async () => {
    storage = await driver.open();
    subgraph = await createAgencySubgraph({ agency: 'youth' }, { signingKey, registry: await loadAreaRegistry(), storage, logLevel: 'silent' });
  });
  afterAll(async () => {
    await subgraph?.close();
    if (storage) await driver.close(storage);
  });
  return {
    storage: () => storage,
    send: <T>(query: string, variables: Record<string, unknown>) => postSignedGraphQL<T>(subgraph.url, { query, variables, signingKey, audience: 'youth', caller: editor }),
  };
}

/** Two editors of one agency change the same record: a change made from an outdated read is refused, not written over the other. */
for (const driver of storageDrivers.filter((candidate) => candidate.name !== 'pglite (folder)')) {
  describe(`concurrent edits on ${driver.name}`, () => {
    const youth = youthSubgraphOn(driver);
    const { send } = youth;
    const stored = async (id: string) =>
      (
        await youth
          .storage()
          .query<{ name: string; description: string | null; changes: number }>(
            `SELECT name, description, (SELECT count(*) FROM change_outbox WHERE record_id = $1)::int AS changes FROM security_models WHERE id = $1`,
            [id],
          )
      )[0]!;
    const create = async (): Promise<Model> =>
      (await send<{ createYouthModel: Model }>(CREATE, { input: { kind: 'security_camera', status: 'ACTIVE', areaCode: '28177', name: `Camera ${randomUUID()}` } })).data!
        .createYouthModel;

    it('refuses an update sent with the updatedAt of an earlier version, and keeps the other editor’s change', async () => {
      const read = await create();
      const first = await send<{ updateYouthModel: Model }>(UPDATE, { id: read.id, input: { description: 'Cameras at the market' }, expected: read.updatedAt });
      expect(first.errors).toBeUndefined();
      expect(first.data!.updateYouthModel.updatedAt).not.toBe(read.updatedAt);
      const before = await stored(read.id);

      const stale = await send<{ updateYouthModel: Model }>(UPDATE, { id: read.id, input: { description: 'Cameras at the school' }, expected: read.updatedAt });
      expect(stale.data).toBeNull();
      expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', id: read.id, updatedAt: first.data!.updateYouthModel.updatedAt });
      expect(stale.errors?.[0]?.message).toMatch(/has changed since you read it.*Read it again/);
      expect(await stored(read.id)).toEqual(before);

      // The same instant in another offset names the same version; without the argument the last write wins, as before.
      const local = new Date(Date.parse(first.data!.updateYouthModel.updatedAt) + 7 * 3_600_000).toISOString().replace('Z', '+07:00');
      const fresh = await send<{ updateYouthModel: Model }>(UPDATE, { id: read.id, input: { description: 'Cameras at the school' }, expected: local });
      expect(fresh.errors).toBeUndefined();
      expect((await send<{ updateYouthModel: Model }>(UPDATE, { id: read.id, input: { name: 'Renamed' } })).errors).toBeUndefined();
      expect(await stored(read.id)).toMatchObject({ name: 'Renamed', description: 'Cameras at the school', changes: before.changes + 2 });
    });

    it('lets one of five updates raced from one version land, refuses the others, and answers each version a later updatedAt', async () => {
      const read = await create();
      const versions = [read.updatedAt];
      for (let index = 0; index < 5; index++) {
        const updated = await send<{ updateYouthModel: Model }>(UPDATE, { id: read.id, input: { description: `v${index}` }, expected: versions.at(-1) });
        expect(updated.errors).toBeUndefined();
        versions.push(updated.data!.updateYouthModel.updatedAt);
      }
      // Five writes done at once: only one can have been made from the version all of them read.
      const latest = versions.at(-1)!;
      const racing = await Promise.all(
        [0, 1, 2, 3, 4].map((index) => send<{ updateYouthModel: Model }>(UPDATE, { id: read.id, input: { description: `race ${index}` }, expected: latest })),
      );
      expect(racing.filter((answer) => answer.errors === undefined)).toHaveLength(1);
      expect(racing.filter((answer) => answer.errors?.[0]?.extensions?.code === 'CONFLICT')).toHaveLength(4);
      versions.push(racing.find((answer) => !answer.errors)!.data!.updateYouthModel.updatedAt);
      const instants = versions.map((at) => Date.parse(at));
      expect(instants.every((at, index) => index === 0 || at > instants[index - 1]!)).toBe(true);
    });

    it('moves updatedAt on with each write, even where the clock does not (two writes in one transaction share one now())', async () => {
      const read = await create();
      const [first, second, retired] = await youth
        .storage()
        .transaction(async (tx) => [
          await recordTables.models.update(tx, read.id, { description: 'first' }),
          await recordTables.models.update(tx, read.id, { description: 'second' }),
          await recordTables.models.retire(tx, read.id, 'merged'),
        ]);
      const instants = [read.updatedAt, first!.updatedAt, second!.updatedAt, retired!.updatedAt].map((at) => Date.parse(at));
      expect(instants.every((at, index) => index === 0 || at > instants[index - 1]!)).toBe(true);
    });

    it('refuses to retire a record that changed since it was read', async () => {
      const read = await create();
      expect((await send(UPDATE, { id: read.id, input: { description: 'moved' } })).errors).toBeUndefined();
      const stale = await send(RETIRE, { id: read.id, expected: read.updatedAt });
      expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
      expect(await youth.storage().query('SELECT 1 FROM security_models WHERE id = $1 AND retired_at IS NULL', [read.id])).toHaveLength(1);
    });
  });

  describe(`concurrent corrections on ${driver.name}`, () => {
    const youth = youthSubgraphOn(driver);
    const { send } = youth;

    it('refuses a correction made from an earlier revision, also when corrections race', async () => {
      const period = `${1950 + Math.floor(Math.random() * 70)}-${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}`;
      const reported = (
        await send<{ reportYouthObservation: { id: string; revision: number } }>(REPORT, { input: { indicator: 'criminal_offences', areaCode: '28177', period, value: 5 } })
      ).data!.reportYouthObservation;
      expect((await send(CORRECT, { id: reported.id, value: 6, expected: reported.revision })).errors).toBeUndefined();
      const stale = await send(CORRECT, { id: reported.id, value: 7, expected: reported.revision });
      expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', id: reported.id, revision: reported.revision + 1 });

      const racing = await Promise.all([8, 9, 10].map((value) => send(CORRECT, { id: reported.id, value, expected: reported.revision + 1 })));
      expect(racing.filter((answer) => answer.errors === undefined)).toHaveLength(1);
      expect(racing.filter((answer) => answer.errors?.[0]?.extensions?.code === 'CONFLICT')).toHaveLength(2);
      const [row] = await youth
        .storage()
        .query<{ revision: number; revisions: number }>(
          'SELECT revision, (SELECT count(*) FROM observation_revisions WHERE observation_id = $1)::int AS revisions FROM observations WHERE id = $1',
          [reported.id],
        );
      expect(row).toEqual({ revision: reported.revision + 2, revisions: 3 });
    });
  });
}
