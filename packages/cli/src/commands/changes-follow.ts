import { readFile, rename, writeFile } from 'node:fs/promises';
import { ChangeFollowError, followChanges, graphql, type ChangeEvent, type CursorStore } from '@antq/client';
import { AGENCY_CODES, encodeStreamCursor } from '@antq/sdk';
import type { Command } from 'commander';
import { usageError } from '../context/cli-error.js';
import { connect } from '../context/connection.js';
import { checkAgencies, checkArea, collect } from '../context/domain-checks.js';
import { graphQLErrorsToCliError } from '../context/explain-error.js';
import { ExitCode } from '../context/exit-codes.js';
import { dataOrThrow } from '../context/graph-request.js';
import { write } from '../context/output.js';
import { action } from '../context/run-action.js';

/** The cursor kept in a file, replaced whole on each save (write, then rename), so a crash never leaves half of one. */
export function fileCursorStore(path: string): CursorStore {
  return {
    async load() {
      try {
        return (await readFile(path, 'utf8')).trim() || undefined;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async save(cursor) {
      await writeFile(`${path}.tmp`, `${cursor}\n`);
      await rename(`${path}.tmp`, path);
    },
  };
}

const PING = graphql('query AntqPing { __typename }');

interface FollowOptions {
  readonly after?: string;
  readonly cursorFile?: string;
  readonly fromStart?: boolean;
  readonly area?: string;
  readonly agency?: string[];
  readonly recordKind?: string[];
  readonly change?: string[];
  readonly transport: string;
}

/** Stops on SIGINT (exit 130) or SIGTERM (exit 0) once the event in hand is printed and its cursor saved. */
function stopOnSignals(stop: () => Promise<void>): Promise<ExitCode> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals, code: ExitCode) => process.once(signal, () => void stop().then(() => resolve(code)));
    on('SIGINT', ExitCode.INTERRUPTED);
    on('SIGTERM', ExitCode.OK);
  });
}

async function follow(options: FollowOptions & { quiet?: boolean; url?: string; token?: string; dataDir?: string; timeout?: string }): Promise<ExitCode> {
  if ([options.after !== undefined, options.fromStart === true].filter(Boolean).length > 1) throw usageError('Give --after or --from-start, not both.');
  if (options.transport !== 'sse' && options.transport !== 'ws') throw usageError(`--transport takes sse or ws, got "${options.transport}".`);
  if (options.area !== undefined) await checkArea(options.area);
  const agencies = options.agency?.length ? checkAgencies(options.agency) : undefined;
  const connection = await connect(options, { role: 'analyst', ...(agencies?.length === 1 ? { agency: agencies[0] } : {}) });
  // A first request, so a graph that is not there or a refused token fail now with what to do, not in a retry loop.
  dataOrThrow(await connection.client.request(PING));
  const after = options.fromStart ? encodeStreamCursor(Object.fromEntries(AGENCY_CODES.map((agency) => [agency, 0]))) : options.after;
  const filter = {
    ...(options.area ? { area: options.area } : {}),
    ...(agencies ? { agencies: agencies.map((agency) => agency.toUpperCase()) } : {}),
    ...(options.recordKind?.length ? { recordKinds: options.recordKind } : {}),
    ...(options.change?.length ? { changes: options.change } : {}),
  };
  const follower = followChanges(connection.client, {
    ...(after ? { after } : {}),
    filter,
    transport: options.transport,
    ...(options.cursorFile ? { cursorStore: fileCursorStore(options.cursorFile) } : {}),
    onEvent: (event: ChangeEvent) => write(process.stdout, `${JSON.stringify(event)}\n`),
    onReconnect: (attempt, reason) => {
      if (!options.quiet)
        process.stderr.write(`antq: the change stream dropped (${(reason as Error)?.message ?? String(reason)}); reconnecting from the last cursor (attempt ${attempt})\n`);
    },
  });
  process.stdout.on('error', () => void follower.stop()); // the reader went away (| head): stop quietly
  try {
    return await Promise.race([follower.done.then(() => ExitCode.OK), stopOnSignals(() => follower.stop())]);
  } catch (error) {
    if (error instanceof ChangeFollowError) throw graphQLErrorsToCliError(error.errors);
    throw error;
  } finally {
    await connection.close();
  }
}

export function registerChangesFollow(program: Command): void {
  program
    .command('changes')
    .description('The change stream of the graph')
    .command('follow')
    .description('Print every change as one JSON line (NDJSON) as it commits; with --cursor-file, a restart goes on after the last change printed')
    .option('--after <cursor>', 'start after this cursor (default: from now)')
    .option('--cursor-file <file>', 'keep the cursor of the last change printed here, and start from it when it exists')
    .option('--from-start', "start at the beginning of every agency's changes")
    .option('--area <code>', 'only changes in this area (its subtree and its pre-2025 units)')
    .option('--agency <code>', `only these agencies (repeat or comma list: ${AGENCY_CODES.join(', ')})`, collect)
    .option('--record-kind <kind>', 'only these record kinds, e.g. observation, security_model (repeat or comma list)', collect)
    .option('--change <change>', 'only these changes, e.g. created, corrected (repeat or comma list)', collect)
    .option('--transport <transport>', 'sse | ws', 'sse')
    .addHelpText(
      'after',
      `
Ctrl-C or SIGTERM stop it after the change in hand is printed and its cursor saved, so a restart
with the same --cursor-file repeats and misses nothing. After a hard kill (SIGKILL) the last change
may be printed again: its cursor tells it apart.

Example:
  npx antq changes follow --area 80 --agency police --cursor-file police-80.cursor >> changes.ndjson`,
    )
    .action(action<FollowOptions>((_args, options) => follow(options)));
}
