/*
 * Checks every agency's example-data test runs on its dataset: SDK validation, ids, owners,
 * sources, the seed figures, and loading twice into a real store. Shared by the four agencies'
 * tests; the seed table they check against is seed-facts.ts.
 */
import { agencyCarriesOrganisation, validateObservationInput, validateSecurityModelInput, validateVolunteerForceInput, type Agency, type ValidationOptions } from '@antq/sdk';
import type { AgencyDataset, ExampleDataTarget, Migration } from '@antq/subgraph-kit';
import { expect } from 'vitest';
import { SEED_AREAS, SEED_DATES, SEED_FIGURES } from './seed-facts.js';

export type AreaSet = NonNullable<ValidationOptions['areas']>;

/**
 * The areas to validate against: the national registry once `@antq/sdk/areas` exists, until
 * then the codes of the places the articles name. Only a missing entry point falls back; any
 * other failure of the registry fails the test.
 */
export async function loadAreas(): Promise<{ readonly areas: AreaSet; readonly from: 'registry' | 'seed places' }> {
  try {
    const { loadAreaRegistry } = await import('@antq/sdk/areas');
    return { areas: await loadAreaRegistry(), from: 'registry' };
  } catch (error) {
    if (!/Cannot find (package|module) '@antq\/sdk\/areas'/.test(String((error as Error | undefined)?.message))) throw error;
    return { areas: new Set(Object.keys(SEED_AREAS)), from: 'seed places' };
  }
}

type DatasetItem = Record<string, unknown> & { id: string };

/** A record of any kind, as the tests see it. */
export interface AnyRecord {
  readonly id: string;
  readonly agency?: unknown;
  readonly organisation?: unknown;
  readonly sources?: readonly { readonly title: string; readonly date?: string }[];
}

/** Every model, force and observation of a dataset, each with the validator it is loaded through. */
export function datasetItems(
  dataset: AgencyDataset,
): { kind: 'model' | 'force' | 'observation'; item: DatasetItem; validate: (input: unknown, options: ValidationOptions) => unknown }[] {
  return [
    ...(dataset.models ?? []).map((item) => ({ kind: 'model' as const, item, validate: validateSecurityModelInput })),
    ...(dataset.forces ?? []).map((item) => ({ kind: 'force' as const, item, validate: validateVolunteerForceInput })),
    ...(dataset.observations ?? []).map((item) => ({ kind: 'observation' as const, item, validate: validateObservationInput })),
  ];
}

/** `<agency>-<record kind>-<place and what>`: lower-case words and digits joined by dashes. */
export function expectReadableIds(agency: Agency, ids: readonly string[]): void {
  const pattern = new RegExp(`^${agency}-(model|force|obs|designation|transformation|recognition|pilot|rating)-[a-z0-9]+(-[a-z0-9]+)+$`);
  for (const id of ids) expect(id, id).toMatch(pattern);
  expect(new Set(ids).size, 'duplicate ids').toBe(ids.length);
}

/** Each record is the agency's, with an organisation the agency's subgraph carries. */
export function expectOwnedBy(agency: Agency, records: readonly AnyRecord[]): void {
  for (const record of records) {
    expect(record.agency, record.id).toBe(agency);
    expect(typeof record.organisation === 'string' && agencyCarriesOrganisation(agency, record.organisation as never), `${record.id}: ${String(record.organisation)}`).toBe(true);
  }
}

/** Each record cites a seed article with its date; any other source has a date too. */
export function expectSources(records: readonly AnyRecord[]): void {
  for (const record of records) {
    const sources = record.sources ?? [];
    expect(sources.length, record.id).toBeGreaterThan(0);
    const seeds = sources.filter((source) => Object.keys(SEED_DATES).some((file) => source.title.startsWith(`${file} — `)));
    expect(seeds.length, `${record.id} cites no seed article`).toBeGreaterThan(0);
    for (const source of seeds) {
      const file = source.title.slice(0, source.title.indexOf(' — ')) as keyof typeof SEED_DATES;
      expect(source.date, `${record.id}: ${file}`).toBe(SEED_DATES[file]);
    }
    for (const source of sources) expect(source.date, `${record.id}: ${source.title}`).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  }
}

/** The seed figures the agency owns are its observations, and it has no observation the table lacks. */
export function expectSeedFigures(dataset: AgencyDataset): void {
  const observations = new Map((dataset.observations ?? []).map((observation) => [observation.id, observation]));
  const rows = SEED_FIGURES.filter((row) => row.agency === dataset.agency);
  for (const row of rows) {
    expect(observations.get(row.id), `${row.seed}: "${row.figure}"`).toMatchObject({
      indicator: row.indicator,
      areaCode: row.areaCode,
      period: row.period,
      value: row.value,
    });
    expect(observations.get(row.id)?.atLeast, `${row.id} atLeast`).toBe(row.atLeast);
    expect(observations.get(row.id)?.approximate, `${row.id} approximate`).toBe(row.approximate);
  }
  expect([...observations.keys()].sort(), 'observations without a row in SEED_FIGURES').toEqual(rows.map((row) => row.id).sort());
}

/**
 * Loads an agency's example data twice into a fresh in-memory PGlite store with the kit's and
 * the agency's migrations. Returns what each load wrote and how many changes the outbox holds.
 */
export async function loadTwice(
  load: (target: ExampleDataTarget) => Promise<number>,
  migrations: readonly Migration[] = [],
): Promise<{ first: number; second: number; changes: number }> {
  const kit = await import('@antq/subgraph-kit');
  const { loadAreaRegistry } = await import('@antq/sdk/areas');
  await using storage = await kit.createStorage({ kind: 'pglite' });
  await kit.runMigrations(storage, [...kit.outboxMigrations, ...kit.agencyRecordMigrations, ...migrations]);
  const registry = await loadAreaRegistry();
  const target = { storage, registry, scopes: kit.createAreaScopes(registry) };
  const first = await load(target);
  const second = await load(target);
  return { first, second, changes: await kit.latestSeq(storage) };
}
