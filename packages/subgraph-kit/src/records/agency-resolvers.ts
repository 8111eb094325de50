import { requireAgency } from '@antq/sdk';
import type { AgencyResolverOptions } from './agency-context.js';
import { forAgency, type TemplateResolvers } from './agency-names.js';
import { createAreaQueries, createAreaResolvers } from './area-resolvers.js';
import { createAreaViewResolvers } from './area-view-resolvers.js';
import { createMetricFieldResolvers } from './metric-field-resolvers.js';
import { createRecordMutations } from './record-mutation-resolvers.js';
import { createRecordQueries } from './record-query-resolvers.js';
import { createRecordTypeResolvers } from './record-type-resolvers.js';
import { SCHEMA_ENUM_VALUES } from './schema-enums.js';

export { AGENCY_TYPE_PREFIX, type AgencyContext, type AgencyResolverOptions } from './agency-context.js';

/**
 * Resolvers for everything the agency subgraphs share: the Area entity and its catalogues,
 * the agency's view of an area, its models, forces and observations, and their writes.
 * Each concern lives in its own module; their type names do not overlap.
 */
export function createAgencyResolvers(options: AgencyResolverOptions) {
  const resolvers = {
    Query: { ...createAreaQueries(options), ...createRecordQueries() },
    Mutation: createRecordMutations(options),
    Area: createAreaResolvers(options),
    ...createAreaViewResolvers(options),
    ...createRecordTypeResolvers(options),
    ...createMetricFieldResolvers(options.registry),
  } satisfies TemplateResolvers;
  // Written for the placeholder agency (TemplateModel, templateModels …); served under the agency's names.
  return { ...forAgency(resolvers, requireAgency(options.agency)), ...SCHEMA_ENUM_VALUES };
}

export type AgencyResolvers = ReturnType<typeof createAgencyResolvers>;
