export { createFrontSubgraph, frontTypeDefs } from './front-subgraph.js';
