import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { GRAPH_SUBGRAPHS, composeSupergraph, embeddedSubgraphUrl } from '../src/index.js';

const schemaDir = new URL('../../../schema/', import.meta.url);

describe('the checked-in supergraph', () => {
  it('is what the agency contracts compose to (run `npm run compose` when this fails)', async () => {
    const subgraphs = await Promise.all(
      GRAPH_SUBGRAPHS.map(async (name) => ({ name, url: embeddedSubgraphUrl(name), sdl: await readFile(new URL(`${name}.graphql`, schemaDir), 'utf8') })),
    );
    const composed = composeSupergraph(subgraphs);
    const checkedIn = await readFile(new URL('supergraph.graphql', schemaDir), 'utf8');
    if (composed !== checkedIn) {
      const want = composed.split('\n');
      const have = checkedIn.split('\n');
      const first = want.findIndex((line, index) => line !== have[index]);
      expect.fail(
        `schema/supergraph.graphql is stale: run \`npm run compose\`.\nFirst difference at line ${first + 1}:\n- checked in: ${have[first] ?? '(end)'}\n+ composed:   ${want[first] ?? '(end)'}`,
      );
    }
  });

  it('refuses contracts that do not compose, naming the problem', () => {
    const clash = 'type Query { area(code: ID!): Int }';
    expect(() =>
      composeSupergraph([
        { name: 'a', url: 'http://a', sdl: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])\n${clash}` },
        { name: 'b', url: 'http://b', sdl: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])\ntype Query { area(code: ID!): String }` },
      ]),
    ).toThrow(/do not compose[\s\S]*area/);
  });
});
