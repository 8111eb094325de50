import { describe, expect, it } from 'vitest';
import { datasetItems, expectOwnedBy, expectReadableIds, expectSeedFigures, expectSources, loadAreas, loadTwice } from '@antq/testing';
import { loadFrontExampleData, frontDataset } from '../src/example-data.js';

const { areas, from } = await loadAreas();
const items = datasetItems(frontDataset);
const records = items.map(({ item }) => item);

describe('front example data', () => {
  it(`passes SDK validation as input to the front subgraph, every model, force and figure (areas: ${from})`, () => {
    expect(items.length).toBeGreaterThan(0);
    for (const { item, validate } of items) expect(() => validate(item, { agency: 'front', areas }), item.id).not.toThrow();
  });

  it('gives every record a unique, readable id', () => {
    expectReadableIds(
      'front',
      records.map((record) => record.id),
    );
  });

  it('records everything as the Fatherland Front, with an organisation its subgraph carries', () => {
    expect(frontDataset.agency).toBe('front');
    expectOwnedBy('front', records);
  });

  it('cites its article, with the article’s date, on every record', () => {
    expectSources(records);
  });

  it('holds exactly the seed figures the Fatherland Front owns as its observations', () => {
    expectSeedFigures(frontDataset);
  });
});

describe.runIf(from === 'registry')('loading the front example data into a store', () => {
  it('writes every record once, each with its change, and nothing when loaded again', async () => {
    expect(await loadTwice(loadFrontExampleData)).toEqual({ first: items.length, second: 0, changes: items.length });
  });
});
