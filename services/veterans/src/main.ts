// Starts the veterans subgraph from the environment: PORT, DATABASE_URL or ANTQ_DATA_DIR, ANTQ_SIGNING_KEY.
import { runAgencySubgraphMain } from '@antq/subgraph-kit';
import { createVeteransSubgraph } from './veterans-subgraph.js';

await runAgencySubgraphMain({ agency: 'veterans', start: createVeteransSubgraph });
