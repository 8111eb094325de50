// ANTQ_TOKEN=<jwt> npm run webhooks -- [--port 8787] [--public-url https://partner.example/antq-webhook] [--area 80] [--agency POLICE]
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { createAntqClient, graphql, type ClientResult, type VariablesOf } from '@antq/client';
import { createWebhookHandler, type WebhookChange } from './webhook-receiver.js';

const USAGE = `Usage: ANTQ_TOKEN=<jwt> partner-webhooks [--url <gateway GraphQL URL>] [--port 8787] [--host 127.0.0.1] [--public-url <url>] [--area <code>] [--agency POLICE|FRONT|VETERANS|YOUTH]...

Listens for ANTQ Graph webhook deliveries, registers a webhook pointing at itself (registerWebhook
returns its secret once), verifies every delivery with @antq/client's verifyWebhook and prints
one line per change to stdout:
  <occurredAt>  <agency>  <change>  <recordKind>  <recordId>  <area>
Ctrl-C removes the webhook and stops.

  --url          the gateway, default http://127.0.0.1:4000/graphql ($ANTQ_URL)
  --port, --host where to listen, default 8787 on 127.0.0.1 (0: any free port)
  --public-url   the URL the gateway posts to, default http://<host>:<port>/antq-webhook
  --area         only changes in this area's subtree (e.g. 80, Tây Ninh)
  --agency       only this agency's changes; repeat for several
  --kind         only this record kind (e.g. security_model); repeat for several
The token comes from $ANTQ_TOKEN (npm start prints development tokens).`;

const PATH = '/antq-webhook';
const REGISTER = graphql('mutation Register($input: WebhookInput!) { registerWebhook(input: $input) { id secret } }');
const REMOVE = graphql('mutation Remove($id: ID!) { removeWebhook(id: $id) { id active } }');

function readOptions() {
  try {
    const { values } = parseArgs({
      options: {
        url: { type: 'string', default: process.env.ANTQ_URL ?? 'http://127.0.0.1:4000/graphql' },
        port: { type: 'string', default: '8787' },
        host: { type: 'string', default: '127.0.0.1' },
        'public-url': { type: 'string' },
        area: { type: 'string' },
        agency: { type: 'string', multiple: true },
        kind: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    if (!process.env.ANTQ_TOKEN) throw new Error('A token is needed in ANTQ_TOKEN (npm start prints development tokens).');
    return values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}

/** The data of an answer, or a throw naming each error with its code. */
function dataOf<T>(result: ClientResult<T>): T {
  if (result.errors.length > 0 || !result.data) throw new Error(result.errors.map((error) => `${error.message} (${error.code})`).join('; ') || 'no data');
  return result.data;
}

const options = readOptions();
const client = createAntqClient({ url: options.url, token: process.env.ANTQ_TOKEN });
const line = (change: WebhookChange) => [change.occurredAt, change.agency, change.change, change.recordKind, change.recordId, change.areaCode ?? '-'].join('\t');
const log = (text: string) => console.error(`[partner] ${new Date().toISOString()} ${text}`);

// Listen first (the URL must answer before it is registered); deliveries before the secret is known get 503 and come again.
let handler: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
const server = createServer((request, response) => {
  if (request.url?.split('?')[0] !== PATH) return void response.writeHead(404).end();
  if (!handler) return void response.writeHead(503).end();
  handler(request, response);
});
await new Promise<void>((resolve, reject) => server.once('error', reject).listen(Number(options.port), options.host, resolve));
const { port } = server.address() as { port: number };
const endpoint = options['public-url'] ?? `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}${PATH}`;

type Filter = NonNullable<VariablesOf<typeof REGISTER>['input']['filter']>;
const filter: Filter = {
  ...(options.area ? { area: options.area } : {}),
  ...(options.agency?.length ? { agencies: options.agency.map((agency) => agency.toUpperCase() as NonNullable<Filter['agencies']>[number]) } : {}),
  ...(options.kind?.length ? { recordKinds: options.kind } : {}),
};
let webhookId: string;
try {
  const { registerWebhook } = dataOf(await client.request(REGISTER, { input: { url: endpoint, filter } }));
  webhookId = registerWebhook.id;
  handler = createWebhookHandler({
    secret: registerWebhook.secret!,
    onChange: (change) => void process.stdout.write(`${line(change)}\n`),
    onRefused: (reason) => log(`refused a request: ${reason}`),
  });
  log(`listening on ${endpoint}; webhook ${webhookId} registered at ${options.url}`);
} catch (error) {
  log(`could not register the webhook: ${(error as Error).message}`);
  server.close();
  process.exit(1);
}

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  try {
    dataOf(await client.request(REMOVE, { id: webhookId }));
    log(`webhook ${webhookId} removed`);
  } catch (error) {
    log(`could not remove webhook ${webhookId}: ${(error as Error).message}`);
    process.exitCode = 1;
  }
  server.closeAllConnections();
  server.close();
}
// `on`, not `once`: Ctrl-C reaches both npm and this process, and npm passes it on too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop());
