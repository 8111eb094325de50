import { readFileSync } from 'node:fs';
import { createAgencySubgraph, type AgencySubgraph, type AgencySubgraphOptions } from '@antq/subgraph-kit';
import { loadYouthExampleData } from './example-data.js';

/** The youth contract, `schema/youth.graphql`. */
export const youthTypeDefs = readFileSync(new URL('../../../schema/youth.graphql', import.meta.url), 'utf8');

/** Phân hệ Đoàn Thanh niên — starts the Youth Union subgraph: its models, clubs, volunteer teams and figures. */
export function createYouthSubgraph(options: AgencySubgraphOptions = {}): Promise<AgencySubgraph> {
  return createAgencySubgraph({ agency: 'youth', typeDefs: youthTypeDefs, loadExampleData: loadYouthExampleData }, options);
}
