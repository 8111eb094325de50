import { readFileSync } from 'node:fs';
import { buildAgencyContract, createAgencySubgraph, type AgencySubgraph, type AgencySubgraphOptions } from '@antq/subgraph-kit';
import { policeMigrations } from './designations/designation-migrations.js';
import { createDesignationLoaders, createDesignationResolvers } from './designations/designation-resolvers.js';
import { loadPoliceExampleData } from './example-data.js';

// This agency's own part of its contract, in this package; the kit adds the shared contract.
const ownTypeDefs = readFileSync(new URL('../schema/police.graphql', import.meta.url), 'utf8');

/** The police contract as its subgraph serves it (`npm run compose` copies it to schema/police.graphql). */
export const policeTypeDefs = buildAgencyContract('police', ownTypeDefs);

/**
 * Phân hệ Công an — starts the police subgraph: the shared records plus residential areas and
 * the yearly designations of areas, which only the police own.
 */
export function createPoliceSubgraph(options: AgencySubgraphOptions = {}): Promise<AgencySubgraph> {
  return createAgencySubgraph(
    {
      agency: 'police',
      typeDefs: ownTypeDefs,
      migrations: policeMigrations,
      resolvers: createDesignationResolvers(),
      context: (base) => ({ designations: createDesignationLoaders(base.storage) }),
      loadExampleData: loadPoliceExampleData,
    },
    options,
  );
}
