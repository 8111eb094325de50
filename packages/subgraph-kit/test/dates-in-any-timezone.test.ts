import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAreaRegistry } from '@antq/sdk/areas';
import { postSignedGraphQL, storageDrivers } from '@antq/testing';
import { createAgencySubgraph, type AgencySubgraph, type Storage } from '../src/index.js';
import { loadAgencyDataset } from '../src/records/agency-dataset.js';

/*
 * A calendar date is read as the day stored, whatever the server's time zone. Agencies' servers
 * run on Vietnam's time (UTC+7), where a date turned into a local-midnight Date and printed in UTC
 * is the day before: a model started on 2025-07-01 in 23235 would read as started on 2025-06-30,
 * and its area as Phường Tân An (Bình Thuận) instead of Phường La Gi (Lâm Đồng), which the code
 * names from that day.
 */

const signingKey = randomBytes(32).toString('base64');
const source = { title: 'dates-in-any-timezone', date: '2026-03-01' };
const drivers = storageDrivers.filter((driver) => driver.name !== 'pglite (folder)');

describe.each(drivers)('dates on $name in Vietnam’s time zone', (driver) => {
  const zoneBefore = process.env.TZ;
  let store: Storage;
  let subgraph: AgencySubgraph;

  beforeAll(async () => {
    process.env.TZ = 'Asia/Ho_Chi_Minh';
    const registry = await loadAreaRegistry();
    store = await driver.open();
    subgraph = await createAgencySubgraph({ agency: 'front' }, { signingKey, registry, logLevel: 'silent', storage: store });
    await loadAgencyDataset(subgraph.storage, registry, {
      agency: 'front',
      models: [
        {
          id: 'la-gi-model',
          agency: 'front',
          organisation: 'fatherland_front',
          kind: 'residential_area_camera',
          name: 'La Gi model',
          status: 'active',
          areaCode: '23235',
          startedOn: '2025-07-01',
          endedOn: '2026-01-01',
          sources: [source],
        },
      ],
      forces: [
        {
          id: 'la-gi-force',
          agency: 'front',
          organisation: 'fatherland_front',
          kind: 'self_management_steering_board',
          name: 'La Gi force',
          areaCode: '23235',
          units: 1,
          establishedOn: '2025-07-01',
          sources: [source],
        },
      ],
      observations: [{ id: 'la-gi-2025-07', indicator: 'criminal_offences', areaCode: '23235', period: '2025-07', value: 3, sources: [source] }],
    });
  }, 120_000);
  afterAll(async () => {
    await subgraph?.close();
    if (store) await driver.close(store);
    if (zoneBefore === undefined) delete process.env.TZ;
    else process.env.TZ = zoneBefore;
  });

  it('reads the zone it is meant to run in', () => {
    expect(new Date(2025, 6, 1).getTimezoneOffset()).toBe(-420);
  });

  it('reads stored dates as the days stored, and records’ areas as of those days', async () => {
    const response = await postSignedGraphQL<{
      frontModel: { startedOn: string; endedOn: string; area: { name: string } };
      frontForce: { establishedOn: string; area: { name: string } };
      frontObservations: { nodes: { period: string; area: { name: string } }[] };
    }>(subgraph.url, {
      query: `{
        frontModel(id: "la-gi-model") { startedOn endedOn area { name } }
        frontForce(id: "la-gi-force") { establishedOn area { name } }
        frontObservations { nodes { period area { name } } }
      }`,
      signingKey,
      audience: 'front',
      caller: { agency: 'front', clearance: 'shared' },
    });
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({
      frontModel: { startedOn: '2025-07-01', endedOn: '2026-01-01', area: { name: 'La Gi' } },
      frontForce: { establishedOn: '2025-07-01', area: { name: 'La Gi' } },
      frontObservations: { nodes: [{ period: '2025-07', area: { name: 'La Gi' } }] },
    });
  });

  it('reads a date column as its day, for any statement of the store', async () => {
    const [row] = await store.query<{ day: unknown }>(`SELECT '2025-07-01'::date AS day`);
    expect(row!.day).toBe('2025-07-01');
  });
});
