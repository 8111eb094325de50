// Starts the youth subgraph from the environment: PORT, DATABASE_URL or ANTQ_DATA_DIR, ANTQ_SIGNING_KEY.
import { runAgencySubgraphMain } from '@antq/subgraph-kit';
import { createYouthSubgraph } from './youth-subgraph.js';

await runAgencySubgraphMain({ agency: 'youth', start: createYouthSubgraph });
