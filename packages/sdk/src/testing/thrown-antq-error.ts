import { AntqError } from '../errors.js';

/** For the SDK's tests: the `AntqError` that `call` throws. Anything else it throws is rethrown, and nothing thrown fails the test. */
export function thrownAntqError(call: () => unknown): AntqError {
  try {
    call();
  } catch (error) {
    if (error instanceof AntqError) return error;
    throw error;
  }
  throw new Error('expected the call to throw an AntqError, and nothing was thrown');
}
