import { readFileSync } from 'node:fs';
import { createAgencySubgraph, type AgencySubgraph, type AgencySubgraphOptions } from '@antq/subgraph-kit';
import { loadVeteransExampleData } from './example-data.js';

/** The veterans contract, `schema/veterans.graphql`. */
export const veteransTypeDefs = readFileSync(new URL('../../../schema/veterans.graphql', import.meta.url), 'utf8');

/** Phân hệ Hội Cựu chiến binh — starts the Veterans' Association subgraph: its models, clubs, forces and figures. */
export function createVeteransSubgraph(options: AgencySubgraphOptions = {}): Promise<AgencySubgraph> {
  return createAgencySubgraph({ agency: 'veterans', typeDefs: veteransTypeDefs, loadExampleData: loadVeteransExampleData }, options);
}
