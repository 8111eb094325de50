export { createVeteransSubgraph, veteransTypeDefs } from './veterans-subgraph.js';
/** The agency's example data (the seed facts of the source articles), as the embedded graph loads it. */
export { veteransDataset } from './example-data.js';
