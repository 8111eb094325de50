// The subgraphs' SDL built from their sources in this repository, for `npm run compose` and its staleness test.
// An agency's SDL is the kit's shared contract filled in from the SDK's registry plus the agency's own file
// (services/<agency>/schema/<agency>.graphql); the stream's is its own file plus the registry's Agency enum.
import { readFile } from 'node:fs/promises';
import { isAgencyCode } from '@antq/sdk';
import { buildAgencyContract, buildPlatformContract } from '@antq/subgraph-kit';
import { GRAPH_SUBGRAPHS, embeddedSubgraphUrl, type SubgraphSource } from '../src/compose-supergraph.js';

export const repositoryRoot = new URL('../../../', import.meta.url);

export async function subgraphSourcesFromRepository(root = repositoryRoot): Promise<SubgraphSource[]> {
  return Promise.all(
    GRAPH_SUBGRAPHS.map(async (name) => {
      const own = await readFile(new URL(`services/${name}/schema/${name}.graphql`, root), 'utf8');
      return { name, url: embeddedSubgraphUrl(name), sdl: isAgencyCode(name) ? buildAgencyContract(name, own) : buildPlatformContract(own) };
    }),
  );
}
