// npm start — the whole graph on embedded defaults with the example data.
import { parseArgs } from 'node:util';
import { parseAllowedHosts } from '@antq/gateway';
import { startEmbeddedGraph } from './start-embedded-graph.js';
import { DEVELOPMENT_TOKENS } from './development-tokens.js';

const { values } = parseArgs({
  options: {
    fresh: { type: 'boolean', default: false },
    'data-dir': { type: 'string', default: process.env.ANTQ_DATA_DIR ?? '.data' },
    port: { type: 'string', default: process.env.PORT ?? '4000' },
    host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
  },
});

const started = Date.now();
console.log(`Starting ANTQ Graph (data in ${values['data-dir']}${values.fresh ? ', starting fresh' : ''})…`);
const graph = await startEmbeddedGraph({
  dataDir: values['data-dir'],
  fresh: values.fresh,
  port: Number(values.port),
  host: values.host,
  allowedHosts: parseAllowedHosts(process.env.ANTQ_ALLOWED_HOSTS) ?? [],
  authDisabled: process.env.ANTQ_AUTH === 'off',
  responseCache: process.env.ANTQ_RESPONSE_CACHE !== 'false',
  onProgress: (line) => console.log(`… ${line}`),
}).catch((error: unknown) => {
  console.error(`Could not start the graph: ${(error as Error).message}`);
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error(`Port ${values.port} is taken: pass --port <another>.`);
  process.exit(1);
});

console.log(`\nANTQ Graph is up in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
console.log(`GraphiQL and the GraphQL endpoint: ${graph.gateway.url}`);
console.log("(GraphiQL opens with the police editor's token in its Headers pane.)");
if (graph.dashboardUrl) console.log(`The analysts' dashboard: ${graph.dashboardUrl}  (sign in with a development identity)`);
console.log('');
console.log('Development tokens (send as "Authorization: Bearer <token>"):');
for (const token of DEVELOPMENT_TOKENS) {
  console.log(`\n  ${token.label}\n  ${await graph.issuer.mint(token.claims)}`);
}
console.log('\nMint others with: npm run -s token -- --agency police --area 28177 --role analyst   (--help lists the options)');
console.log('Press Ctrl-C to stop.');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log('\nStopping…');
    void graph.close().then(() => process.exit(0));
  });
}
