// ANTQ_URL=http://127.0.0.1:4000/graphql ANTQ_TOKEN=<jwt> npm start -- [--cursor-file .partner-cursor] [--area 80] [--agency POLICE]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ChangeStreamError, followChanges, type ChangeStreamFilter, type FollowProgress, type StreamEvent } from './partner-subscriber.js';

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

let values;
try {
  ({ values } = parseArgs({
    options: {
      url: { type: 'string', default: process.env.ANTQ_URL ?? 'http://127.0.0.1:4000/graphql' },
      token: { type: 'string', default: process.env.ANTQ_TOKEN },
      'cursor-file': { type: 'string', default: '.partner-cursor' },
      area: { type: 'string' },
      agency: { type: 'string', multiple: true },
      kind: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.token) {
  console.error(`A token is needed: set ANTQ_TOKEN (npm start prints development tokens) or pass --token <jwt>.\n\n${USAGE}`);
  process.exit(2);
}

const filter: ChangeStreamFilter = {
  ...(values.area ? { area: values.area } : {}),
  ...(values.agency?.length ? { agencies: values.agency.map((agency) => agency.toUpperCase()) } : {}),
  ...(values.kind?.length ? { recordKinds: values.kind } : {}),
};
const cursorFile = resolve(values['cursor-file']);

const line = (event: StreamEvent) => [event.occurredAt, event.agency, event.change, event.recordKind, event.recordId, event.area?.code ?? '-'].join('\t');

const log = (text: string) => console.error(`[partner] ${new Date().toISOString()} ${text}`);
const report = (progress: FollowProgress) => {
  switch (progress.kind) {
    case 'connecting':
      log(
        progress.attempt === 1
          ? `connecting to ${values.url}, ${progress.after ? `resuming after the cursor in ${cursorFile}` : 'from now (no saved cursor yet)'}`
          : `reconnecting (attempt ${progress.attempt})`,
      );
      break;
    case 'connected':
      log('connected; following changes');
      break;
    case 'disconnected':
      log(`disconnected: ${progress.reason}; retrying in ${(progress.retryInMs / 1000).toFixed(1)} s`);
      break;
    case 'duplicate-skipped':
      log(`skipped ${progress.event.agency} #${progress.event.seq}, handled already`);
      break;
    case 'stopped':
      log(`stopped; ${progress.cursor ? `the cursor is saved in ${cursorFile}` : 'no change received, no cursor saved'}`);
      break;
  }
};

const stop = new AbortController();
// `on`, not `once`: Ctrl-C reaches both npm and this process, and npm passes it on too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop.abort());

let count = 0;
try {
  await followChanges({
    url: values.url,
    token: values.token,
    cursorFile,
    filter,
    signal: stop.signal,
    onProgress: report,
    onChange: (event) => {
      process.stdout.write(`${line(event)}\n`);
      count += 1;
      if (count % 100 === 0) log(`${count} changes so far`);
    },
  });
  log(`${count} change${count === 1 ? '' : 's'} this run`);
} catch (error) {
  log(error instanceof ChangeStreamError ? `${error.message} (${error.code ?? 'no code'})` : `failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
}
