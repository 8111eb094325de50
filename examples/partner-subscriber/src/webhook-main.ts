// ANTQ_TOKEN=<jwt> npm run webhooks -- [--port 8787] [--public-url https://partner.example/antq-webhook] [--area 80] [--agency POLICE]
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { createWebhookHandler, type WebhookChange } from './webhook-receiver.js';

const USAGE = `Usage: ANTQ_TOKEN=<jwt> partner-webhooks [--url <gateway GraphQL URL>] [--port 8787] [--host 127.0.0.1] [--public-url <url>] [--area <code>] [--agency POLICE|FRONT|VETERANS|YOUTH]...

Listens for ANTQ Graph webhook deliveries, registers a webhook pointing at itself (registerWebhook
returns its secret once), verifies every delivery with the standardwebhooks library and prints
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

interface GraphQLAnswer<T> {
  readonly data?: T | null;
  readonly errors?: readonly { readonly message: string; readonly extensions?: { readonly code?: string } }[];
}

/** One GraphQL request with the bearer token; a GraphQL error is thrown with its code. */
async function ask<T>(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json().catch(() => ({}))) as GraphQLAnswer<T>;
  if (answer.errors?.length) throw new Error(answer.errors.map((error) => `${error.message} (${error.extensions?.code ?? 'no code'})`).join('; '));
  if (!response.ok || !answer.data) throw new Error(`The gateway answered HTTP ${response.status} without data.`);
  return answer.data;
}

const line = (change: WebhookChange) => [change.occurredAt, change.agency, change.change, change.recordKind, change.recordId, change.areaCode ?? '-'].join('\t');
const log = (text: string) => console.error(`[partner] ${new Date().toISOString()} ${text}`);

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
    return values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}

const values = readOptions();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const token = process.env.ANTQ_TOKEN;
if (!token) {
  console.error(`A token is needed in ANTQ_TOKEN (npm start prints development tokens).\n\n${USAGE}`);
  process.exit(2);
}

// Listen first (the URL must answer before it is registered); deliveries before the secret is known get 503 and come again.
let handler: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
const server = createServer((request, response) => {
  if (request.url?.split('?')[0] !== PATH) return void response.writeHead(404).end();
  if (!handler) return void response.writeHead(503).end();
  handler(request, response);
});
await new Promise<void>((resolve, reject) => server.once('error', reject).listen(Number(values.port), values.host, resolve));
const { port } = server.address() as { port: number };
const endpoint = values['public-url'] ?? `http://${values.host.includes(':') ? `[${values.host}]` : values.host}:${port}${PATH}`;

const filter = {
  ...(values.area ? { area: values.area } : {}),
  ...(values.agency?.length ? { agencies: values.agency.map((agency) => agency.toUpperCase()) } : {}),
  ...(values.kind?.length ? { recordKinds: values.kind } : {}),
};
let webhookId: string;
try {
  const { registerWebhook } = await ask<{ registerWebhook: { id: string; secret: string } }>(
    values.url,
    token,
    'mutation ($input: WebhookInput!) { registerWebhook(input: $input) { id secret } }',
    { input: { url: endpoint, filter } },
  );
  webhookId = registerWebhook.id;
  handler = createWebhookHandler({
    secret: registerWebhook.secret,
    onChange: (change) => void process.stdout.write(`${line(change)}\n`),
    onRefused: (reason) => log(`refused a request: ${reason}`),
  });
  log(`listening on ${endpoint}; webhook ${webhookId} registered at ${values.url}`);
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
    await ask(values.url, token!, 'mutation ($id: ID!) { removeWebhook(id: $id) { id active } }', { id: webhookId });
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
