export { createPoliceSubgraph, policeTypeDefs } from './police-subgraph.js';
