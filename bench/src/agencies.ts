/** The agencies' own subgraph factories, as their services start them, and their contracts. */
import type { Agency } from '@antq/sdk';
import type { AgencySubgraph, AgencySubgraphOptions } from '@antq/subgraph-kit';
import { createPoliceSubgraph, policeTypeDefs } from '@antq/police';
import { createFrontSubgraph, frontTypeDefs } from '@antq/front';
import { createVeteransSubgraph, veteransTypeDefs } from '@antq/veterans';
import { createYouthSubgraph, youthTypeDefs } from '@antq/youth';

export const SUBGRAPH_FACTORIES: Readonly<Record<Agency, (options: AgencySubgraphOptions) => Promise<AgencySubgraph>>> = {
  police: createPoliceSubgraph,
  front: createFrontSubgraph,
  veterans: createVeteransSubgraph,
  youth: createYouthSubgraph,
};

/** Each agency's contract, `schema/<agency>.graphql`, as its service serves it. */
export const AGENCY_TYPE_DEFS: Readonly<Record<Agency, string>> = { police: policeTypeDefs, front: frontTypeDefs, veterans: veteransTypeDefs, youth: youthTypeDefs };
