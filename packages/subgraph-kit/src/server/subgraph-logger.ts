import { pino, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';
import { logAsClientErrors } from './error-formatter.js';

/** pino's number for `error`. */
const ERROR_LEVEL = 50;

/**
 * The logger of a subgraph (`antq-<name>-subgraph`): pino at `level`, with the errors a caller
 * caused on `info` lines, as the error formatter logs them for queries — mercurius logs a
 * subscription its resolver refused at `error` level, which would page an operator for a
 * partner's typo.
 */
export function createSubgraphLogger(options: { readonly name: string; readonly level?: LevelWithSilent; readonly destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      name: `antq-${options.name}-subgraph`,
      hooks: {
        logMethod(args, method, level) {
          if (level === ERROR_LEVEL && args.length === 1 && logAsClientErrors(this, args[0])) return;
          method.apply(this, args);
        },
      },
    },
    options.destination,
  );
}
