export { createFrontSubgraph, frontTypeDefs } from './front-subgraph.js';
/** The agency's example data (the seed facts of the source articles), as the embedded graph loads it. */
export { frontDataset } from './example-data.js';
