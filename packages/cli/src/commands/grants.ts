import { graphql, type ResultOf } from '@antq/client';
import { AGENCY_CODES } from '@antq/sdk';
import type { Command } from 'commander';
import { usageError } from '../context/cli-error.js';
import { connect, type GlobalOptions } from '../context/connection.js';
import { checkAgencies, checkArea } from '../context/domain-checks.js';
import { dataOrThrow } from '../context/graph-request.js';
import { formatRows, openOutput, parseFormat, write } from '../context/output.js';
import { actingAgency, agencyFlags } from '../context/owning-agency.js';
import { action } from '../context/run-action.js';

const GRANT = graphql(`
  fragment AntqGrant on AccessGrant @_unmask {
    id
    owner
    grantee
    area {
      code
      fullName
    }
    validFrom
    validUntil
    grantedBy
    revokedAt
    note
    active
  }
`);

const LIST = graphql(
  `
    query AntqGrants($all: Boolean, $police: Boolean!, $front: Boolean!, $veterans: Boolean!, $youth: Boolean!) {
      policeAccessGrants(includeInactive: $all) @include(if: $police) {
        ...AntqGrant
      }
      frontAccessGrants(includeInactive: $all) @include(if: $front) {
        ...AntqGrant
      }
      veteransAccessGrants(includeInactive: $all) @include(if: $veterans) {
        ...AntqGrant
      }
      youthAccessGrants(includeInactive: $all) @include(if: $youth) {
        ...AntqGrant
      }
    }
  `,
  [GRANT],
);

const GIVE = graphql(
  `
    mutation AntqGrant($input: AccessGrantInput!, $police: Boolean!, $front: Boolean!, $veterans: Boolean!, $youth: Boolean!) {
      grantPoliceAccess(input: $input) @include(if: $police) {
        ...AntqGrant
      }
      grantFrontAccess(input: $input) @include(if: $front) {
        ...AntqGrant
      }
      grantVeteransAccess(input: $input) @include(if: $veterans) {
        ...AntqGrant
      }
      grantYouthAccess(input: $input) @include(if: $youth) {
        ...AntqGrant
      }
    }
  `,
  [GRANT],
);

const REVOKE = graphql(
  `
    mutation AntqRevoke($id: ID!, $police: Boolean!, $front: Boolean!, $veterans: Boolean!, $youth: Boolean!) {
      revokePoliceAccessGrant(id: $id) @include(if: $police) {
        ...AntqGrant
      }
      revokeFrontAccessGrant(id: $id) @include(if: $front) {
        ...AntqGrant
      }
      revokeVeteransAccessGrant(id: $id) @include(if: $veterans) {
        ...AntqGrant
      }
      revokeYouthAccessGrant(id: $id) @include(if: $youth) {
        ...AntqGrant
      }
    }
  `,
  [GRANT],
);

type Grant = ResultOf<typeof GRANT>;

const rowOf = (grant: Grant) => ({
  id: grant.id,
  owner: grant.owner.toLowerCase(),
  grantee: grant.grantee.toLowerCase(),
  area: grant.area ? `${grant.area.fullName} (${grant.area.code})` : 'whole country',
  from: grant.validFrom,
  until: grant.validUntil,
  by: grant.grantedBy,
  active: grant.active,
  revoked: grant.revokedAt ?? '',
  note: grant.note ?? '',
});

/** The grants (or grant) of an answer whose one included field holds them. */
const grantsOf = (data: Record<string, Grant | Grant[] | null | undefined>): Grant[] => Object.values(data).flatMap((value) => (value ? [value].flat() : []));

async function print(grants: readonly Grant[], format: string): Promise<void> {
  await write(openOutput(undefined).stream, formatRows(grants.map(rowOf), parseFormat(format)));
}

interface GrantOptions {
  readonly agency?: string;
  readonly format: string;
}

export function registerGrants(program: Command): void {
  const grants = program.command('grants').description("Grants of read access to an agency's restricted data (chia sẻ dữ liệu)");
  const common = (command: Command) =>
    command.option('--agency <code>', `the owning agency (default the token's; ${AGENCY_CODES.join(', ')})`).option('--format <format>', 'table | json | ndjson | csv', 'table');

  common(grants.command('list').description("The owning agency's grants").option('--all', 'revoked and expired ones too'))
    .addHelpText('after', '\nExample:\n  npx antq grants list --agency police --all')
    .action(
      action<GrantOptions & { all?: boolean }>(async (_args, options) => {
        const agency = actingAgency(options.agency);
        const connection = await connect(options, { role: 'admin', agency });
        try {
          await print(grantsOf(dataOrThrow(await connection.client.request(LIST, { all: options.all ?? false, ...agencyFlags(agency) }))), options.format);
        } finally {
          await connection.close();
        }
      }),
    );

  common(grants.command('grant').description('Let another agency read restricted data of an area until a date (an administrator of the owning agency)'))
    .requiredOption('--to <agency>', 'the grantee agency')
    .option('--area <code>', 'the area (its subtree and pre-2025 units); omitted: the whole country (a national administrator only)')
    .requiredOption('--until <time>', 'end of the grant, a date (YYYY-MM-DD) or an ISO time')
    .option('--from <time>', 'start of the grant (default now)')
    .option('--note <text>', 'why, kept with the grant')
    .addHelpText('after', '\nExample:\n  npx antq grants grant --agency police --to front --area 80 --until 2026-12-31 --note "joint review"')
    .action(action<GrantOptions & { to: string; area?: string; until: string; from?: string; note?: string }>(grant));

  common(grants.command('revoke').description('End a grant now').argument('<id>', 'the grant id (grants list shows it)'))
    .addHelpText('after', '\nExample:\n  npx antq grants revoke <grant id> --agency police')
    .action(
      action<GrantOptions>(async ([id], options) => {
        const agency = actingAgency(options.agency);
        const connection = await connect(options, { role: 'admin', agency });
        try {
          await print(grantsOf(dataOrThrow(await connection.client.request(REVOKE, { id: id!, ...agencyFlags(agency) }))), options.format);
        } finally {
          await connection.close();
        }
      }),
    );
}

const toTime = (text: string, flag: string) => {
  const time = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T23:59:59Z` : text;
  if (Number.isNaN(Date.parse(time))) throw usageError(`${flag} takes a date (YYYY-MM-DD) or an ISO time, got "${text}".`);
  return new Date(time).toISOString();
};

async function grant(_args: readonly string[], options: GrantOptions & GlobalOptions & { to: string; area?: string; until: string; from?: string; note?: string }): Promise<void> {
  const agency = actingAgency(options.agency);
  const [grantee] = checkAgencies([options.to]);
  if (options.area !== undefined) await checkArea(options.area);
  const input = {
    grantee: grantee!.toUpperCase() as 'POLICE',
    ...(options.area !== undefined ? { areaCode: options.area } : {}),
    validUntil: toTime(options.until, '--until'),
    ...(options.from !== undefined ? { validFrom: toTime(options.from, '--from').replace('T23:59:59.000Z', 'T00:00:00.000Z') } : {}),
    ...(options.note !== undefined ? { note: options.note } : {}),
  };
  const connection = await connect(options, { role: 'admin', agency });
  try {
    await print(grantsOf(dataOrThrow(await connection.client.request(GIVE, { input, ...agencyFlags(agency) }))), options.format);
  } finally {
    await connection.close();
  }
}
