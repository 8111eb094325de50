import { readFileSync } from 'node:fs';
import { createAgencySubgraph, type AgencySubgraph, type AgencySubgraphOptions } from '@antq/subgraph-kit';
import { policeMigrations } from './designations/designation-migrations.js';
import { createDesignationLoaders, createDesignationResolvers } from './designations/designation-resolvers.js';
import { loadPoliceExampleData } from './example-data.js';

/** The police contract, `schema/police.graphql`. */
export const policeTypeDefs = readFileSync(new URL('../../../schema/police.graphql', import.meta.url), 'utf8');

/**
 * Phân hệ Công an — starts the police subgraph: the shared records plus residential areas and
 * the yearly designations of areas, which only the police own.
 */
export function createPoliceSubgraph(options: AgencySubgraphOptions = {}): Promise<AgencySubgraph> {
  return createAgencySubgraph(
    {
      agency: 'police',
      typeDefs: policeTypeDefs,
      migrations: policeMigrations,
      resolvers: createDesignationResolvers(),
      context: (base) => ({ designations: createDesignationLoaders(base.storage) }),
      loadExampleData: loadPoliceExampleData,
    },
    options,
  );
}
