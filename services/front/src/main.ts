// Starts the front subgraph from the environment: PORT, DATABASE_URL or ANTQ_DATA_DIR, ANTQ_SIGNING_KEY.
import { runAgencySubgraphMain } from '@antq/subgraph-kit';
import { createFrontSubgraph } from './front-subgraph.js';

await runAgencySubgraphMain({ agency: 'front', start: createFrontSubgraph });
