import { readFileSync } from 'node:fs';
import { buildAgencyContract, createAgencySubgraph, type AgencySubgraph, type AgencySubgraphOptions } from '@antq/subgraph-kit';
import { loadFrontExampleData } from './example-data.js';

// This agency's own part of its contract, in this package; the kit adds the shared contract.
const ownTypeDefs = readFileSync(new URL('../schema/front.graphql', import.meta.url), 'utf8');

/** The front contract as its subgraph serves it (`npm run compose` copies it to schema/front.graphql). */
export const frontTypeDefs = buildAgencyContract('front', ownTypeDefs);

/** Phân hệ Mặt trận — starts the Fatherland Front subgraph: the Front's and its member organisations' models, forces and figures. */
export function createFrontSubgraph(options: AgencySubgraphOptions = {}): Promise<AgencySubgraph> {
  return createAgencySubgraph({ agency: 'front', typeDefs: ownTypeDefs, loadExampleData: loadFrontExampleData }, options);
}
