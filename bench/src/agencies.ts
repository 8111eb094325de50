/** The agencies' own subgraph factories, as their services start them. */
import type { Agency } from '@antq/sdk';
import type { AgencySubgraph, AgencySubgraphOptions } from '@antq/subgraph-kit';
import { createPoliceSubgraph } from '@antq/police';
import { createFrontSubgraph } from '@antq/front';
import { createVeteransSubgraph } from '@antq/veterans';
import { createYouthSubgraph } from '@antq/youth';

export const SUBGRAPH_FACTORIES: Readonly<Record<Agency, (options: AgencySubgraphOptions) => Promise<AgencySubgraph>>> = {
  police: createPoliceSubgraph,
  front: createFrontSubgraph,
  veterans: createVeteransSubgraph,
  youth: createYouthSubgraph,
};
