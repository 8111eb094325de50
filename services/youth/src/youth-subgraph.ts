import { readFileSync } from 'node:fs';
import { buildAgencyContract, createAgencySubgraph, type AgencySubgraph, type AgencySubgraphOptions } from '@antq/subgraph-kit';
import { loadYouthExampleData } from './example-data.js';

// This agency's own part of its contract, in this package; the kit adds the shared contract.
const ownTypeDefs = readFileSync(new URL('../schema/youth.graphql', import.meta.url), 'utf8');

/** The youth contract as its subgraph serves it (`npm run compose` copies it to schema/youth.graphql). */
export const youthTypeDefs = buildAgencyContract('youth', ownTypeDefs);

/** Phân hệ Đoàn Thanh niên — starts the Youth Union subgraph: its models, clubs, volunteer teams and figures. */
export function createYouthSubgraph(options: AgencySubgraphOptions = {}): Promise<AgencySubgraph> {
  return createAgencySubgraph({ agency: 'youth', typeDefs: ownTypeDefs, loadExampleData: loadYouthExampleData }, options);
}
