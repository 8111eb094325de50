// antq-gateway --supergraph <file|url> [--port 4000] — serves any supergraph.
import { parseArgs } from 'node:util';
import { createGateway } from './gateway.js';
import { loadSupergraph } from './supergraph-source.js';

const { values } = parseArgs({
  options: {
    supergraph: { type: 'string', default: process.env.ANTQ_SUPERGRAPH ?? 'schema/supergraph.graphql' },
    port: { type: 'string', default: process.env.PORT ?? '4000' },
    host: { type: 'string', default: process.env.HOST ?? '0.0.0.0' },
  },
});

const signingKey = process.env.ANTQ_SIGNING_KEY;
if (!signingKey) {
  console.error('ANTQ_SIGNING_KEY is not set: set it to the secret the subgraphs share with the gateway.');
  process.exit(1);
}
const gateway = await createGateway({
  supergraph: await loadSupergraph(values.supergraph),
  port: Number(values.port),
  host: values.host,
  signingKey,
  graphiql: process.env.ANTQ_GRAPHIQL === 'true',
  introspection: process.env.ANTQ_INTROSPECTION !== 'false',
});
console.log(`ANTQ gateway listening on ${gateway.url}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void gateway.close().then(() => process.exit(0)));
