import type { ClientResult } from '@antq/client';
import { describeGraphQLErrors, graphQLErrorsToCliError } from './explain-error.js';

/**
 * The data of an answer for a command that needs all of it: any error fails the command with its
 * explanation. For partial answers use {@link warnErrors} and go on with what came.
 */
export function dataOrThrow<T>(result: ClientResult<T>): T {
  if (result.errors.length > 0 || result.data === null) {
    throw graphQLErrorsToCliError(result.errors.length > 0 ? result.errors : [{ code: 'INTERNAL_SERVER_ERROR', message: 'The graph answered without data.', extensions: {} }]);
  }
  return result.data;
}

/** Tells the errors of a partial answer on stderr; returns whether there were any. */
export function warnErrors(result: ClientResult<unknown>): boolean {
  if (result.errors.length === 0) return false;
  process.stderr.write(`antq: the answer is partial:\n${describeGraphQLErrors(result.errors)}\n`);
  return true;
}
