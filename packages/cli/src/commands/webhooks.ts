import { graphql } from '@antq/client';
import type { Command } from 'commander';
import { usageError } from '../context/cli-error.js';
import { connect, type GlobalOptions } from '../context/connection.js';
import { checkAgencies, checkArea, collect } from '../context/domain-checks.js';
import { dataOrThrow } from '../context/graph-request.js';
import { formatRows, openOutput, parseFormat, write, type Row } from '../context/output.js';
import { actingAgency } from '../context/owning-agency.js';
import { action } from '../context/run-action.js';

const WEBHOOK = graphql(`
  fragment AntqWebhook on Webhook @_unmask {
    id
    url
    agency
    active
    createdAt
    deliveredThrough
    secret
    filter {
      area {
        code
      }
      agencies
      recordKinds
      changes
    }
  }
`);

const REGISTER = graphql(
  `
    mutation AntqRegisterWebhook($input: WebhookInput!) {
      registerWebhook(input: $input) {
        ...AntqWebhook
      }
    }
  `,
  [WEBHOOK],
);

const LIST = graphql(
  `
    query AntqWebhooks {
      webhooks {
        ...AntqWebhook
      }
    }
  `,
  [WEBHOOK],
);

const DELIVERIES = graphql(`
  query AntqWebhookDeliveries($id: ID!, $first: Int) {
    webhookDeliveries(webhookId: $id, first: $first) {
      id
      cursor
      attempt
      status
      error
      deliveredAt
      durationMs
    }
  }
`);

type Webhook = {
  id: string;
  url: string;
  agency: string;
  active: boolean;
  createdAt: string;
  deliveredThrough: string | null;
  secret: string | null;
  filter: { area: { code: string } | null; agencies: string[] | null; recordKinds: string[] | null; changes: string[] | null };
};

const rowOf = (webhook: Webhook): Row => ({
  id: webhook.id,
  url: webhook.url,
  agency: webhook.agency.toLowerCase(),
  active: webhook.active,
  area: webhook.filter.area?.code ?? '',
  agencies: webhook.filter.agencies?.map((agency) => agency.toLowerCase()) ?? [],
  record_kinds: webhook.filter.recordKinds ?? [],
  changes: webhook.filter.changes ?? [],
  created: webhook.createdAt,
  ...(webhook.secret ? { secret: webhook.secret } : {}),
});

interface WebhookOptions {
  readonly agency?: string;
  readonly format: string;
}

async function run<T>(options: WebhookOptions & GlobalOptions, body: (connection: Awaited<ReturnType<typeof connect>>) => Promise<T>): Promise<T> {
  const connection = await connect(options, { role: 'analyst', agency: actingAgency(options.agency) });
  try {
    return await body(connection);
  } finally {
    await connection.close();
  }
}

const show = async (rows: readonly Row[], format: string) => write(openOutput(undefined).stream, formatRows(rows, parseFormat(format)));

interface RegisterOptions extends WebhookOptions {
  readonly area?: string;
  readonly onlyAgency?: string[];
  readonly recordKind?: string[];
  readonly change?: string[];
  readonly after?: string;
}

export function registerWebhooks(program: Command): void {
  const webhooks = program.command('webhooks').description('Webhooks: the change stream delivered to a URL, signed the Standard Webhooks way');
  const common = (command: Command) =>
    command.option('--agency <code>', "the agency the webhook belongs to (default the token's)").option('--format <format>', 'table | json | ndjson | csv', 'table');

  common(
    webhooks.command('register').description('Register a URL for the changes the filter selects; prints the signing secret once').argument('<url>', 'where deliveries are POSTed'),
  )
    .option('--area <code>', 'only changes in this area')
    .option('--only-agency <code>', 'only changes of these agencies (repeat or comma list)', collect)
    .option('--record-kind <kind>', 'only these record kinds (repeat or comma list)', collect)
    .option('--change <change>', 'only these changes (repeat or comma list)', collect)
    .option('--after <cursor>', 'deliver the changes after this cursor first')
    .addHelpText(
      'after',
      '\nKeep the secret it prints: verify deliveries with verifyWebhook of @antq/client.\n\nExample:\n  npx antq webhooks register https://partner.example/antq --area 80 --format json',
    )
    .action(
      action<RegisterOptions>(async ([url], options) => {
        if (options.area !== undefined) await checkArea(options.area);
        const filter = {
          ...(options.area ? { area: options.area } : {}),
          ...(options.onlyAgency?.length ? { agencies: checkAgencies(options.onlyAgency).map((agency) => agency.toUpperCase() as 'POLICE') } : {}),
          ...(options.recordKind?.length ? { recordKinds: options.recordKind } : {}),
          ...(options.change?.length ? { changes: options.change } : {}),
        };
        const input = { url: url!, filter, ...(options.after ? { after: options.after } : {}) };
        const data = await run(options, async (connection) => dataOrThrow(await connection.client.request(REGISTER, { input })));
        await show([rowOf(data.registerWebhook as Webhook)], options.format);
      }),
    );

  common(webhooks.command('list').description('The webhooks the caller registered (an admin: every webhook of its agency)'))
    .addHelpText('after', '\nExample:\n  npx antq webhooks list --agency police')
    .action(
      action<WebhookOptions>(async (_args, options) => {
        const data = await run(options, async (connection) => dataOrThrow(await connection.client.request(LIST)));
        await show((data.webhooks as Webhook[]).map(rowOf), options.format);
      }),
    );

  common(webhooks.command('deliveries').description("A webhook's latest delivery attempts, newest first").argument('<id>', 'the webhook id (webhooks list shows it)'))
    .option('--first <n>', 'at most this many', '50')
    .addHelpText('after', '\nExample:\n  npx antq webhooks deliveries <webhook id> --first 20')
    .action(
      action<WebhookOptions & { first: string }>(async ([id], options) => {
        const first = Number(options.first);
        if (!Number.isInteger(first) || first < 1) throw usageError(`--first takes a whole number of 1 or more, got "${options.first}".`);
        const data = await run(options, async (connection) => dataOrThrow(await connection.client.request(DELIVERIES, { id: id!, first })));
        await show(data.webhookDeliveries, options.format);
      }),
    );
}
