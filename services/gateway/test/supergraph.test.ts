import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { GATEWAY_DEFAULT_PORT, GRAPH_SUBGRAPHS, composeSupergraph, embeddedSubgraphUrl, generatedSubgraphFile } from '../src/index.js';
import { subgraphSourcesFromRepository } from '../scripts/contracts.js';

const schemaDir = new URL('../../../schema/', import.meta.url);

async function expectCheckedIn(file: string, built: string): Promise<void> {
  const checkedIn = await readFile(new URL(file, schemaDir), 'utf8');
  if (built === checkedIn) return;
  const want = built.split('\n');
  const have = checkedIn.split('\n');
  const first = want.findIndex((line, index) => line !== have[index]);
  expect.fail(
    `schema/${file} is stale: run \`npm run compose\`.\nFirst difference at line ${first + 1}:\n- checked in: ${have[first] ?? '(end)'}\n+ built:      ${want[first] ?? '(end)'}`,
  );
}

describe('the checked-in schemas', () => {
  it("are what the shared contract, the registry and each subgraph's own file make (run `npm run compose` when this fails)", async () => {
    const subgraphs = await subgraphSourcesFromRepository();
    for (const subgraph of subgraphs) await expectCheckedIn(`${subgraph.name}.graphql`, generatedSubgraphFile(subgraph.name, subgraph.sdl));
    await expectCheckedIn('supergraph.graphql', composeSupergraph(subgraphs));
  });

  it("gives every subgraph a default port of its own, apart from the gateway's", () => {
    const ports = GRAPH_SUBGRAPHS.map((name) => Number(new URL(embeddedSubgraphUrl(name)).port));
    expect(new Set([...ports, GATEWAY_DEFAULT_PORT]).size).toBe(ports.length + 1);
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
