import { readFileSync } from 'node:fs';
import { createAgencySubgraph, type AgencySubgraph, type AgencySubgraphOptions } from '@antq/subgraph-kit';
import { loadFrontExampleData } from './example-data.js';

/** The front contract, `schema/front.graphql`. */
export const frontTypeDefs = readFileSync(new URL('../../../schema/front.graphql', import.meta.url), 'utf8');

/** Phân hệ Mặt trận — starts the Fatherland Front subgraph: the Front's and its member organisations' models, forces and figures. */
export function createFrontSubgraph(options: AgencySubgraphOptions = {}): Promise<AgencySubgraph> {
  return createAgencySubgraph({ agency: 'front', typeDefs: frontTypeDefs, loadExampleData: loadFrontExampleData }, options);
}
