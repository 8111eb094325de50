import { describe, expect, it } from 'vitest';
import { datasetItems, expectOwnedBy, expectReadableIds, expectSeedFigures, expectSources, loadAreas, loadTwice } from '@antq/testing';
import { loadVeteransExampleData, veteransDataset } from '../src/example-data.js';

const { areas, from } = await loadAreas();
const items = datasetItems(veteransDataset);
const records = items.map(({ item }) => item);

describe('veterans example data', () => {
  it(`passes SDK validation as input to the veterans subgraph, every model, force and figure (areas: ${from})`, () => {
    expect(items.length).toBeGreaterThan(0);
    for (const { item, validate } of items) expect(() => validate(item, { agency: 'veterans', areas }), item.id).not.toThrow();
  });

  it('gives every record a unique, readable id', () => {
    expectReadableIds(
      'veterans',
      records.map((record) => record.id),
    );
  });

  it('records everything as the Veterans’ Association, with an organisation its subgraph carries', () => {
    expect(veteransDataset.agency).toBe('veterans');
    expectOwnedBy('veterans', records);
  });

  it('cites its article, with the article’s date, on every record', () => {
    expectSources(records);
  });

  it('holds exactly the seed figures the Veterans’ Association owns as its observations', () => {
    expectSeedFigures(veteransDataset);
  });
});

describe.runIf(from === 'registry')('loading the veterans example data into a store', () => {
  it('writes every record once, each with its change, and nothing when loaded again', async () => {
    expect(await loadTwice(loadVeteransExampleData)).toEqual({ first: items.length, second: 0, changes: items.length });
  });
});
