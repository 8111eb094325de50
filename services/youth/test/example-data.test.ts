import { describe, expect, it } from 'vitest';
import { datasetItems, expectOwnedBy, expectReadableIds, expectSeedFigures, expectSources, loadAreas, loadTwice } from '@antq/testing';
import { loadYouthExampleData, youthDataset } from '../src/example-data.js';

const { areas, from } = await loadAreas();
const items = datasetItems(youthDataset);
const records = items.map(({ item }) => item);

describe('youth example data', () => {
  it(`passes SDK validation as input to the youth subgraph, every model, force and figure (areas: ${from})`, () => {
    expect(items.length).toBeGreaterThan(0);
    for (const { item, validate } of items) expect(() => validate(item, { agency: 'youth', areas }), item.id).not.toThrow();
  });

  it('gives every record a unique, readable id', () => {
    expectReadableIds(
      'youth',
      records.map((record) => record.id),
    );
  });

  it('records everything as the Youth Union, with an organisation its subgraph carries', () => {
    expect(youthDataset.agency).toBe('youth');
    expectOwnedBy('youth', records);
  });

  it('cites its article, with the article’s date, on every record', () => {
    expectSources(records);
  });

  it('holds exactly the seed figures the Youth Union owns as its observations', () => {
    expectSeedFigures(youthDataset);
  });
});

describe.runIf(from === 'registry')('loading the youth example data into a store', () => {
  it('writes every record once, each with its change, and nothing when loaded again', async () => {
    expect(await loadTwice(loadYouthExampleData)).toEqual({ first: items.length, second: 0, changes: items.length });
  });
});
