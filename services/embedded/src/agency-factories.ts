import type { Agency } from '@antq/sdk';
import type { AreaRegistry } from '@antq/sdk/areas';
import type { AgencySubgraph, AgencySubgraphOptions, StorageOptions } from '@antq/subgraph-kit';
import { createPoliceSubgraph } from '@antq/police';
import { createFrontSubgraph } from '@antq/front';
import { createVeteransSubgraph } from '@antq/veterans';
import { createYouthSubgraph } from '@antq/youth';

/** Each agency's subgraph factory: the embedded graph starts them all (`npm run new-agency` adds one here). */
export const AGENCY_FACTORIES: Readonly<Record<Agency, (options: AgencySubgraphOptions) => Promise<AgencySubgraph>>> = {
  police: createPoliceSubgraph,
  front: createFrontSubgraph,
  veterans: createVeteransSubgraph,
  youth: createYouthSubgraph,
};

/** One agency's subgraph as the embedded graph runs it: on `storage`, with the example data, logging warnings. */
export function startAgencySubgraph(agency: Agency, options: { signingKey: string; registry: AreaRegistry; storage: StorageOptions }): Promise<AgencySubgraph> {
  return AGENCY_FACTORIES[agency]({ port: 0, ...options, exampleData: true, logLevel: 'warn' });
}
