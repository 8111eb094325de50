import { requireAgency, type Agency } from '@antq/sdk';
import { z } from 'zod';
import type { AgencySubgraph, AgencySubgraphOptions } from './agency-subgraph.js';
import { envFlag, envLogLevel, envPort, readConfig } from './process/config.js';
import { handleShutdownSignals } from './process/shutdown.js';
import { storageFromEnv } from './storage/index.js';

/** The environment every agency's main reads. */
function agencyMainEnv(agency: Agency, defaultPort: number) {
  return z
    .object({
      PORT: envPort(defaultPort),
      HOST: z.string().default('127.0.0.1'),
      ANTQ_SIGNING_KEY: z.string().optional(),
      ANTQ_ALLOW_UNSIGNED: envFlag(false),
      ANTQ_SIGNATURE_MAX_AGE: z
        .string()
        .optional()
        .transform((value, context) => {
          if (value === undefined) return undefined;
          const seconds = Number(value);
          if (Number.isInteger(seconds) && seconds >= 1 && seconds <= 600) return seconds;
          context.addIssue({ code: 'custom', message: `must be a whole number of seconds from 1 to 600; got "${value}".` });
          return z.NEVER;
        }),
      ANTQ_EXAMPLE_DATA: envFlag(false),
      LOG_LEVEL: envLogLevel(),
    })
    .refine((env) => env.ANTQ_SIGNING_KEY || env.ANTQ_ALLOW_UNSIGNED, {
      path: ['ANTQ_SIGNING_KEY'],
      error: `is not set: set it to the secret the ${agency} subgraph shares with the gateway.`,
    });
}

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
  let config: z.output<ReturnType<typeof agencyMainEnv>>;
  try {
    config = readConfig(agencyMainEnv(options.agency, requireAgency(options.agency).defaultPort), env);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  const subgraph = await options.start({
    ...(config.ANTQ_SIGNATURE_MAX_AGE === undefined ? {} : { signatureMaxAgeSeconds: config.ANTQ_SIGNATURE_MAX_AGE }),
    port: config.PORT,
    host: config.HOST,
    ...(config.ANTQ_SIGNING_KEY ? { signingKey: config.ANTQ_SIGNING_KEY } : { allowUnsigned: true }),
    storage: storageFromEnv(env, { agency: options.agency }),
    exampleData: config.ANTQ_EXAMPLE_DATA,
    logLevel: config.LOG_LEVEL,
  });
  console.log(`${options.agency} subgraph listening on ${subgraph.url}`);
  handleShutdownSignals({ program: `antq-${options.agency}`, steps: [{ name: `the ${options.agency} subgraph`, close: () => subgraph.close() }] });
  return subgraph;
}
