import type { Command } from 'commander';
import { resolveUrl, type GlobalOptions } from './connection.js';
import { toCliError } from './explain-error.js';
import { ExitCode } from './exit-codes.js';

/** What a command's handler gets: its positional arguments, its options merged with the global ones. */
export type Handler<O> = (args: readonly string[], options: O & GlobalOptions, command: Command) => Promise<ExitCode | void>;

/**
 * Wraps a handler for commander: a failure becomes its message on stderr and its exit code
 * (a CliError, a client failure), or — for a bug — the stack and exit code 1.
 */
export function action<O>(handler: Handler<O>) {
  return async (...received: unknown[]): Promise<void> => {
    const command = received.at(-1) as Command;
    const options = command.optsWithGlobals() as O & GlobalOptions;
    try {
      const code = await handler(command.args, options, command);
      process.exitCode = code ?? ExitCode.OK;
    } catch (error) {
      const explained = toCliError(error, urlOf(options));
      if (explained) {
        process.stderr.write(`antq: ${explained.message}\n`);
        process.exitCode = explained.exitCode;
      } else {
        process.stderr.write(`antq: unexpected failure (a bug; please report it with this output):\n${(error as Error)?.stack ?? String(error)}\n`);
        process.exitCode = ExitCode.FAILED;
      }
    }
  };
}

function urlOf(options: GlobalOptions): string | undefined {
  try {
    return resolveUrl(options);
  } catch {
    return undefined;
  }
}
