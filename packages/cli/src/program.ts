import { Command, CommanderError } from 'commander';
import { registerAuditVerify } from './commands/audit-verify.js';
import { registerArea } from './commands/area.js';
import { registerAreasSearch } from './commands/areas-search.js';
import { registerChangesFollow } from './commands/changes-follow.js';
import { registerExportObservations } from './commands/export-observations.js';
import { registerImportObservations } from './commands/import-observations.js';
import { registerGrants } from './commands/grants.js';
import { registerQuery } from './commands/query.js';
import { registerRollup } from './commands/rollup.js';
import { registerToken } from './commands/token.js';
import { registerWebhooks } from './commands/webhooks.js';
import { DEFAULT_URL } from './context/connection.js';

declare const __ANTQ_CLI_VERSION__: string;

/** The `antq` program: global options, then one command per file of src/commands. */
export function createProgram(): Command {
  const program = new Command('antq')
    .description('The ANTQ Graph command line: ask the graph, export figures to CSV, follow changes, import spreadsheets')
    .version(typeof __ANTQ_CLI_VERSION__ === 'string' ? __ANTQ_CLI_VERSION__ : '0.0.0-source')
    .option('--url <url>', `the gateway's GraphQL endpoint (env ANTQ_URL; default ${DEFAULT_URL}, npm start's)`)
    .option('--token <jwt>', 'bearer token (env ANTQ_TOKEN); without one, antq mints a development token when it finds the data folder of npm start')
    .option('--data-dir <dir>', "npm start's data folder, for development tokens (env ANTQ_DATA_DIR; default .data)")
    .option('--timeout <seconds>', 'how long one request may take', '30')
    .option('-q, --quiet', 'no notes or progress on stderr')
    .showHelpAfterError('(add --help for the options and an example)')
    .addHelpText(
      'after',
      `
Exit codes: 0 done · 1 the graph answered with errors · 2 wrong command line or input · 3 no graph
at the URL · 4 token missing, expired or refused · 5 not allowed (role, clearance, jurisdiction)
· 6 import found bad rows, wrote nothing · 130 interrupted.

Example (against npm start, no configuration):
  npx antq areas search "can giuoc"`,
    );
  program.configureOutput({ outputError: (text, write) => write(`antq: ${text}`) });
  // Commander's own exits (usage errors, --help, --version) become a thrown CommanderError that runCli turns into a code.
  program.exitOverride();
  registerQuery(program);
  registerAreasSearch(program);
  registerArea(program);
  registerToken(program);
  registerExportObservations(program);
  registerRollup(program);
  registerChangesFollow(program);
  registerImportObservations(program);
  registerAuditVerify(program);
  registerGrants(program);
  registerWebhooks(program);
  return program;
}

/**
 * Runs antq with the given arguments (without node and the script), resolving to the exit code:
 * commander's usage errors are 2, --help and --version 0.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  process.exitCode = 0;
  try {
    await createProgram().parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  }
  return Number(process.exitCode ?? 0);
}
