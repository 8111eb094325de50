import { readFileSync } from 'node:fs';
import { buildAgencyContract, createAgencySubgraph, type AgencySubgraph, type AgencySubgraphOptions } from '@antq/subgraph-kit';
import { loadVeteransExampleData } from './example-data.js';

// This agency's own part of its contract, in this package; the kit adds the shared contract.
const ownTypeDefs = readFileSync(new URL('../schema/veterans.graphql', import.meta.url), 'utf8');

/** The veterans contract as its subgraph serves it (`npm run compose` copies it to schema/veterans.graphql). */
export const veteransTypeDefs = buildAgencyContract('veterans', ownTypeDefs);

/** Phân hệ Hội Cựu chiến binh — starts the Veterans' Association subgraph: its models, clubs, forces and figures. */
export function createVeteransSubgraph(options: AgencySubgraphOptions = {}): Promise<AgencySubgraph> {
  return createAgencySubgraph({ agency: 'veterans', typeDefs: ownTypeDefs, loadExampleData: loadVeteransExampleData }, options);
}
