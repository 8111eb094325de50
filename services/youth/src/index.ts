export { createYouthSubgraph, youthTypeDefs } from './youth-subgraph.js';
/** The agency's example data (the seed facts of the source articles), as the embedded graph loads it. */
export { youthDataset } from './example-data.js';
