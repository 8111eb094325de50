import { parseArgs } from 'node:util';
import { AGENCY_CODES, Classification, getAgency, isAgencyCode, isOrganisationCode, agencyCarriesOrganisation, type Agency, type Organisation } from '@antq/sdk';
import { NATIONAL_JURISDICTION } from '@antq/sdk';
import type { AreaRegistry } from '@antq/sdk/areas';
import type { CallerTokenClaims } from '@antq/gateway/development-issuer';

/** The roles a caller token may carry (writes need `editor` or `admin`; grants need `admin`). */
export const TOKEN_ROLES = ['analyst', 'editor', 'admin'] as const;
const CLEARANCES: readonly string[] = Object.values(Classification);
/** jose's lifetime syntax, restricted to the plain forms: 90s, 30m, 12h, 7d, 2w. */
const LIFETIME = /^[1-9]\d*(s|m|h|d|w)$/;

export const TOKEN_USAGE = `Mint a development token for the graph that \`npm start\` runs (signed with the key in <data-dir>/issuer).

Usage: npm run -s token -- --agency <agency> [options]

  --agency <code>        ${AGENCY_CODES.join(' | ')} (required)
  --role <role>          analyst | editor | admin; repeat for several (default analyst)
  --area <code>          jurisdiction: an area code of the national register, e.g. 80 (Tây Ninh) or 28159,
                         or VN for the whole country; writes and grants need one covering the record's
                         area (default: none, reads only)
  --clearance <class>    public | shared | restricted (default shared)
  --organisation <code>  member organisation (default the agency's own), e.g. womens_union for the front
  --expires <lifetime>   90s, 30m, 12h, 7d or 2w (default 12h)
  --data-dir <dir>       the data folder of \`npm start\` (default $ANTQ_DATA_DIR or .data)
  --help                 this text

Prints only the token on stdout, so TOKEN=$(npm run -s token -- --agency police --role editor --area 80) works.`;

export type TokenArguments =
  { readonly kind: 'help' } | { readonly kind: 'invalid'; readonly message: string } | { readonly kind: 'mint'; readonly claims: CallerTokenClaims; readonly dataDir: string };

const invalid = (message: string): TokenArguments => ({ kind: 'invalid', message: `${message}\nRun npm run token -- --help for the options.` });

/** Reads and checks the flags of `npm run token`; nothing is minted from a flag that does not exist. */
export function parseTokenArguments(argv: readonly string[], registry: AreaRegistry, env: NodeJS.ProcessEnv = process.env): TokenArguments {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        agency: { type: 'string' },
        area: { type: 'string' },
        role: { type: 'string', multiple: true },
        organisation: { type: 'string' },
        clearance: { type: 'string', default: Classification.SHARED },
        expires: { type: 'string', default: '12h' },
        'data-dir': { type: 'string', default: env.ANTQ_DATA_DIR ?? '.data' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    return invalid((error as Error).message);
  }
  if (values.help) return { kind: 'help' };
  if (!values.agency || !isAgencyCode(values.agency)) {
    return invalid(
      values.agency ? `Unknown agency "${values.agency}": use one of ${AGENCY_CODES.join(', ')}.` : `Say which agency the token is for: --agency ${AGENCY_CODES.join('|')}.`,
    );
  }
  const agency: Agency = values.agency;
  const roles = values.role ?? ['analyst'];
  const badRole = roles.find((role) => !(TOKEN_ROLES as readonly string[]).includes(role));
  if (badRole !== undefined) return invalid(`Unknown role "${badRole}": use ${TOKEN_ROLES.join(', ')}.`);
  if (!CLEARANCES.includes(values.clearance)) return invalid(`Unknown clearance "${values.clearance}": use ${CLEARANCES.join(', ')}.`);
  if (!LIFETIME.test(values.expires)) return invalid(`Unreadable lifetime "${values.expires}": use a number and a unit, e.g. 90s, 30m, 12h, 7d, 2w.`);
  if (values.area !== undefined && values.area !== NATIONAL_JURISDICTION && registry.get(values.area) === undefined) {
    return invalid(`Unknown area code "${values.area}": use a code of the national register (e.g. 80 for Tây Ninh, 28159 for Xã Cần Giuộc); Query.areas searches by name.`);
  }
  const organisation = values.organisation ?? getAgency(agency)?.organisation;
  if (values.organisation !== undefined && !(isOrganisationCode(values.organisation) && agencyCarriesOrganisation(agency, values.organisation))) {
    return invalid(`Organisation "${values.organisation}" is not one of the ${agency}'s.`);
  }
  return {
    kind: 'mint',
    dataDir: values['data-dir'],
    claims: {
      agency,
      ...(organisation ? { organisation: organisation as Organisation } : {}),
      ...(values.area !== undefined ? { jurisdiction: values.area } : {}),
      roles,
      clearance: values.clearance,
      expiresIn: values.expires,
    },
  };
}
