export { createYouthSubgraph, youthTypeDefs } from './youth-subgraph.js';
