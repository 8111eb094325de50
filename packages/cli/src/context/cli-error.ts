import { ExitCode } from './exit-codes.js';

/**
 * A failure the user can act on: what went wrong and what to do next, with the exit code that
 * says which kind it is. Anything else that reaches the top is a bug and exits 1 with its stack.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.FAILED,
  ) {
    super(message);
  }
}

/** A usage error: the command line or its input is wrong. */
export const usageError = (message: string): CliError => new CliError(message, ExitCode.USAGE);
