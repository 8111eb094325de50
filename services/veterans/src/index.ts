export { createVeteransSubgraph, veteransTypeDefs } from './veterans-subgraph.js';
