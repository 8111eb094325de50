import type { Agency } from '@antq/sdk';
import type { AgencySubgraph, AgencySubgraphOptions } from '@antq/subgraph-kit';
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
