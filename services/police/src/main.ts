// Starts the police subgraph from the environment: PORT, DATABASE_URL or ANTQ_DATA_DIR, ANTQ_SIGNING_KEY.
import { runAgencySubgraphMain } from '@antq/subgraph-kit';
import { createPoliceSubgraph } from './police-subgraph.js';

await runAgencySubgraphMain({ agency: 'police', start: createPoliceSubgraph });
