import { AGENCY_CODES, Classification, NATIONAL_JURISDICTION, agencyCarriesOrganisation, getAgency, isAgencyCode, isOrganisationCode } from '@antq/sdk';
import { loadAreaRegistry } from '@antq/sdk/areas';
import type { Command } from 'commander';
import { CliError, usageError } from '../context/cli-error.js';
import { resolveDataDir } from '../context/connection.js';
import { developmentKeyFile, mintDevelopmentToken, readDevelopmentKey } from '../context/development-token.js';
import { ExitCode } from '../context/exit-codes.js';
import { action } from '../context/run-action.js';

const ROLES = ['analyst', 'editor', 'admin'];
const CLEARANCES: readonly string[] = Object.values(Classification);
const LIFETIME = /^[1-9]\d*(s|m|h|d|w)$/;

interface TokenOptions {
  readonly agency: string;
  readonly role: readonly string[];
  readonly area?: string;
  readonly clearance: string;
  readonly organisation?: string;
  readonly expires: string;
}

/** Checks the flags as `npm run token` does, so the two mint the same tokens from the same flags. */
async function checkTokenOptions(options: TokenOptions): Promise<void> {
  if (!isAgencyCode(options.agency)) throw usageError(`Unknown agency "${options.agency}": use one of ${AGENCY_CODES.join(', ')}.`);
  const badRole = options.role.find((role) => !ROLES.includes(role));
  if (badRole !== undefined) throw usageError(`Unknown role "${badRole}": use ${ROLES.join(', ')}.`);
  if (!CLEARANCES.includes(options.clearance)) throw usageError(`Unknown clearance "${options.clearance}": use ${CLEARANCES.join(', ')}.`);
  if (!LIFETIME.test(options.expires)) throw usageError(`Unreadable lifetime "${options.expires}": use a number and a unit, e.g. 90s, 30m, 12h, 7d, 2w.`);
  if (options.area !== undefined && options.area !== NATIONAL_JURISDICTION && (await loadAreaRegistry()).get(options.area) === undefined) {
    throw usageError(`Unknown area code "${options.area}": use a code of the national register (e.g. 80 for Tây Ninh), or VN; find one with \`npx antq areas search "<name>"\`.`);
  }
  if (options.organisation !== undefined && !(isOrganisationCode(options.organisation) && agencyCarriesOrganisation(options.agency, options.organisation))) {
    throw usageError(`Organisation "${options.organisation}" is not one of the ${options.agency}'s.`);
  }
}

export function registerToken(program: Command): void {
  program
    .command('token')
    .description("Mint a development token with the key of `npm start`'s data folder (never for production)")
    .option('--agency <code>', AGENCY_CODES.join(' | '), 'police')
    .option('--role <role>', 'analyst | editor | admin; repeat for several', (value: string, all: string[] | undefined) => [...(all ?? []), value])
    .option('--area <code>', 'jurisdiction: an area code (writes and grants need one covering the record), or VN for the whole country')
    .option('--clearance <class>', CLEARANCES.join(' | '), 'shared')
    .option('--organisation <code>', "member organisation (default the agency's own)")
    .option('--expires <lifetime>', '90s, 30m, 12h, 7d or 2w', '12h')
    .addHelpText(
      'after',
      `
Prints only the token, so it composes:
  export ANTQ_TOKEN=$(npx antq token --agency police --role editor --area 80 --clearance restricted)

Example:
  npx antq token --agency front --role analyst --area VN`,
    )
    .action(
      action<TokenOptions>(async (_args, raw) => {
        const options = { ...raw, role: raw.role ?? ['analyst'] };
        await checkTokenOptions(options);
        const dataDir = resolveDataDir(raw);
        const key = await readDevelopmentKey(dataDir);
        if (!key) {
          throw new CliError(
            `No development key at ${developmentKeyFile(dataDir)}. Run \`npm start\` once (it makes the key), run antq from the folder npm start runs in, or pass --data-dir / set ANTQ_DATA_DIR to its data folder. A graph with a real identity provider needs a token from that provider.`,
            ExitCode.USAGE,
          );
        }
        const organisation = options.organisation ?? getAgency(options.agency as never)?.organisation;
        const token = await mintDevelopmentToken(key, {
          agency: options.agency as never,
          ...(organisation ? { organisation } : {}),
          ...(options.area !== undefined ? { jurisdiction: options.area } : {}),
          roles: options.role,
          clearance: options.clearance,
          expiresIn: options.expires,
        });
        process.stdout.write(`${token}\n`);
      }),
    );
}
