export { createPoliceSubgraph, policeTypeDefs } from './police-subgraph.js';
/** The agency's example data (the seed facts of the source articles), as the embedded graph loads it. */
export { policeDataset, policeDesignations } from './example-data.js';
