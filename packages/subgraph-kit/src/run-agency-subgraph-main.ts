import { requireAgency, type Agency } from '@antq/sdk';
import type { LevelWithSilent } from 'pino';
import type { AgencySubgraph, AgencySubgraphOptions } from './agency-subgraph.js';
import { storageFromEnv } from './storage/index.js';

/**
 * The body of every agency's `main.ts`: reads the environment, starts the subgraph, and
 * closes it on SIGINT/SIGTERM.
 *
 * - `PORT` (default: the agency's port in the SDK's registry), `HOST` (default 127.0.0.1)
 * - `DATABASE_URL` for PostgreSQL, else `ANTQ_DATA_DIR` for an embedded store in `<dir>/<agency>`
 * - `ANTQ_SIGNING_KEY`, the secret shared with the gateway (required)
 * - `ANTQ_SIGNATURE_MAX_AGE` — the replay window in seconds (default 30)
 * - `ANTQ_EXAMPLE_DATA=true` to load the example dataset, `LOG_LEVEL`
 */
export async function runAgencySubgraphMain(options: {
  agency: Agency;
  start: (options: AgencySubgraphOptions) => Promise<AgencySubgraph>;
  env?: NodeJS.ProcessEnv;
}): Promise<AgencySubgraph> {
  const env = options.env ?? process.env;
  const signingKey = env.ANTQ_SIGNING_KEY;
  if (!signingKey && env.ANTQ_ALLOW_UNSIGNED !== 'true') {
    console.error(`ANTQ_SIGNING_KEY is not set: set it to the secret the ${options.agency} subgraph shares with the gateway.`);
    process.exit(1);
  }
  const maxAge = env.ANTQ_SIGNATURE_MAX_AGE === undefined ? undefined : Number(env.ANTQ_SIGNATURE_MAX_AGE);
  if (maxAge !== undefined && !(Number.isInteger(maxAge) && maxAge >= 1 && maxAge <= 600)) {
    console.error(`ANTQ_SIGNATURE_MAX_AGE must be a whole number of seconds from 1 to 600; got "${env.ANTQ_SIGNATURE_MAX_AGE}".`);
    process.exit(1);
  }
  const subgraph = await options.start({
    ...(maxAge === undefined ? {} : { signatureMaxAgeSeconds: maxAge }),
    port: Number(env.PORT ?? requireAgency(options.agency).defaultPort),
    host: env.HOST ?? '127.0.0.1',
    ...(signingKey ? { signingKey } : { allowUnsigned: true }),
    storage: storageFromEnv(env, { agency: options.agency }),
    exampleData: env.ANTQ_EXAMPLE_DATA === 'true',
    logLevel: (env.LOG_LEVEL as LevelWithSilent | undefined) ?? 'info',
  });
  console.log(`${options.agency} subgraph listening on ${subgraph.url}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void subgraph.close().then(() => process.exit(0)));
  }
  return subgraph;
}
