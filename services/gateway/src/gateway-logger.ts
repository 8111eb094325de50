import { ConsoleLogWriter, Logger, type Attributes, type LogLevel, type LogWriter } from '@graphql-hive/gateway-runtime';
import { ErrorCode } from '@antq/sdk';

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];
/** Codes that mean the gateway or an agency failed, not the caller: these stay errors. */
const SERVER_FAULTS = new Set<string>([ErrorCode.INTERNAL_SERVER_ERROR, ErrorCode.DOWNSTREAM_SERVICE_ERROR, ErrorCode.GATEWAY_TIMEOUT]);

/** The `extensions.code` of a GraphQL error the runtime logs as attributes, when it has one. */
function clientErrorCode(attrs: Attributes | null | undefined): string | undefined {
  const code = (attrs as { extensions?: { code?: unknown } } | null | undefined)?.extensions?.code;
  return typeof code === 'string' && !SERVER_FAULTS.has(code) ? code : undefined;
}

/**
 * Yoga logs every error its mask rewrote at `error` level — with our mask that is every subgraph
 * error, as a dozen-line block, though a FORBIDDEN or BAD_USER_INPUT is the caller's business and
 * already in the answer. This writer puts such client errors on one `info` line
 * (`FORBIDDEN grantPoliceAccess (police): <message>`) and leaves server faults as errors.
 */
export class ClientErrorDemotingWriter implements LogWriter {
  readonly #threshold: number;
  constructor(
    level: LogLevel,
    private readonly writer: LogWriter = new ConsoleLogWriter(),
  ) {
    this.#threshold = LEVELS.indexOf(level);
  }

  write(level: LogLevel, attrs: Attributes | null | undefined, msg: string | null | undefined): void | Promise<void> {
    const code = level === 'error' ? clientErrorCode(attrs) : undefined;
    if (code === undefined) return this.writer.write(level, attrs, msg);
    if (LEVELS.indexOf('info') < this.#threshold) return;
    const error = attrs as { message?: unknown; path?: unknown; extensions?: { serviceName?: unknown; agency?: unknown } };
    const path = Array.isArray(error.path) ? ` ${error.path.join('.')}` : '';
    const agency = error.extensions?.serviceName ?? error.extensions?.agency;
    return this.writer.write('info', null, `${code}${path}${typeof agency === 'string' ? ` (${agency})` : ''}: ${String(error.message ?? msg ?? '')}`);
  }
}

/** The runtime's logger at `level` (false: silent), with client errors on one info line. */
export function createGatewayLogger(level: LogLevel | false, writer?: LogWriter): Logger {
  if (level === false) return new Logger({ level: false });
  return new Logger({ level, writers: [new ClientErrorDemotingWriter(level, writer)] });
}
