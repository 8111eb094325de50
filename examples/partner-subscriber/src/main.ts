// ANTQ_URL=http://127.0.0.1:4000/graphql ANTQ_TOKEN=<jwt> npm start -- [--cursor-file .partner-cursor] [--area 80] [--agency POLICE]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ChangeFollowError, createAntqClient, followChanges, type ChangeEvent } from '@antq/client';
import WebSocket from 'ws';
import { fileCursorStore } from './cursor-file.js';

const USAGE = `Usage: ANTQ_TOKEN=<jwt> partner-subscriber [--url <gateway GraphQL URL>] [--cursor-file .partner-cursor] [--area <code>] [--agency POLICE|FRONT|VETERANS|YOUTH]...

Follows the ANTQ Graph change stream and prints one line per change to stdout:
  <occurredAt>  <agency>  <change>  <recordKind>  <recordId>  <area>
Progress goes to stderr. The cursor of the last change printed is kept in the cursor file, so a
restart (or a dropped connection) resumes right after it. Ctrl-C stops.

  --url          default http://127.0.0.1:4000/graphql ($ANTQ_URL)
  --token        a bearer token, e.g. one that "npm start" prints; better in $ANTQ_TOKEN, as an
                 argument it shows in \`ps\` and npm prints it
  --cursor-file  default .partner-cursor
  --area         only changes in this area's subtree (e.g. 80, Tây Ninh)
  --agency       only this agency's changes; repeat for several
  --kind         only this record kind (e.g. security_model); repeat for several`;

function readOptions() {
  try {
    const { values } = parseArgs({
      options: {
        url: { type: 'string', default: process.env.ANTQ_URL ?? 'http://127.0.0.1:4000/graphql' },
        token: { type: 'string', default: process.env.ANTQ_TOKEN },
        'cursor-file': { type: 'string', default: '.partner-cursor' },
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
    if (!values.token) throw new Error('A token is needed: set ANTQ_TOKEN (npm start prints development tokens) or pass --token <jwt>.');
    return { ...values, token: values.token };
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}

const options = readOptions();
const cursorFile = resolve(options['cursor-file']);
const cursorStore = fileCursorStore(cursorFile);
const log = (text: string) => console.error(`[partner] ${new Date().toISOString()} ${text}`);
const line = (event: ChangeEvent) => [event.occurredAt, event.agency, event.change, event.recordKind, event.recordId, event.area?.code ?? '-'].join('\t');

const client = createAntqClient({ url: options.url, token: options.token, webSocketImpl: WebSocket });
const saved = await cursorStore.load();
log(`connecting to ${options.url}, ${saved ? `resuming after the cursor in ${cursorFile}` : 'from now (no saved cursor yet)'}`);
let count = 0;
const follower = followChanges(client, {
  filter: {
    ...(options.area ? { area: options.area } : {}),
    ...(options.agency?.length ? { agencies: options.agency.map((agency) => agency.toUpperCase()) } : {}),
    ...(options.kind?.length ? { recordKinds: options.kind } : {}),
  },
  cursorStore,
  onConnected: () => log('connected; following changes'),
  onReconnect: (attempt, reason) => log(`disconnected (${(reason as Error).message ?? String(reason)}); reconnecting, attempt ${attempt}`),
  // The cursor is saved after this returns: a restart resumes right after the last line printed.
  onEvent: (event) => {
    process.stdout.write(`${line(event)}\n`);
    if (++count % 100 === 0) log(`${count} changes so far`);
  },
});
// `on`, not `once`: Ctrl-C reaches both npm and this process, and npm passes it on too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void follower.stop());

try {
  await follower.done;
  log(`stopped; ${count > 0 || saved ? `the cursor is saved in ${cursorFile}` : 'no change received, no cursor saved'}; ${count} change${count === 1 ? '' : 's'} this run`);
} catch (error) {
  log(error instanceof ChangeFollowError ? error.message : `failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
} finally {
  await client.close();
}
