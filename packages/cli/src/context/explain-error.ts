import { AntqClientError, type ClientGraphQLError } from '@antq/client';
import { CliError } from './cli-error.js';
import { ExitCode } from './exit-codes.js';

const MINT =
  'Against `npm start`, leave ANTQ_TOKEN unset (antq mints a development token) or mint one with `npx antq token --agency <agency> --role <role>`; elsewhere get a new token from your identity provider and set ANTQ_TOKEN.';

/** Which exit code a GraphQL error code maps to. */
function exitCodeOf(code: string): ExitCode {
  switch (code) {
    case 'UNAUTHENTICATED':
      return ExitCode.UNAUTHENTICATED;
    case 'FORBIDDEN':
    case 'NOT_OWNING_AGENCY':
      return ExitCode.FORBIDDEN;
    case 'BAD_USER_INPUT':
    case 'UNKNOWN_AREA':
    case 'UNKNOWN_INDICATOR':
    case 'GRAPHQL_VALIDATION_FAILED':
    case 'GRAPHQL_PARSE_FAILED':
      return ExitCode.USAGE;
    default:
      return ExitCode.FAILED;
  }
}

/** What to do next, for the codes where the server's message does not say it for a command-line user. */
function nextStep(error: ClientGraphQLError): string | undefined {
  switch (error.code) {
    case 'UNAUTHENTICATED':
      return MINT;
    case 'FORBIDDEN': {
      const clearance = /clearance|restricted/i.test(error.message);
      return clearance
        ? 'This needs a token with clearance restricted (or a grant from the owning agency): `npx antq token --agency <agency> --clearance restricted`.'
        : 'Use a token with the role, jurisdiction or clearance the message names, e.g. `npx antq token --agency <agency> --role editor --area <code>`.';
    }
    case 'UNKNOWN_AREA':
      return 'Find the code with `npx antq areas search "<name>"`.';
    default:
      return undefined;
  }
}

/** One line per error: its code, the agency whose subgraph failed when there is one, and its message. */
export function describeGraphQLErrors(errors: readonly ClientGraphQLError[]): string {
  return errors
    .map((error) => {
      const where = error.agency ? ` (${error.agency})` : '';
      const step = nextStep(error);
      return `${error.code}${where}: ${error.message}${step && !error.message.includes(step) ? `\n  → ${step}` : ''}`;
    })
    .join('\n');
}

/** The errors of an answer as one CliError, with the exit code of the most telling one. */
export function graphQLErrorsToCliError(errors: readonly ClientGraphQLError[]): CliError {
  const codes = errors.map((error) => exitCodeOf(String(error.code)));
  const order: readonly ExitCode[] = [ExitCode.UNAUTHENTICATED, ExitCode.FORBIDDEN, ExitCode.USAGE, ExitCode.FAILED];
  const exitCode = order.find((code) => codes.includes(code)) ?? ExitCode.FAILED;
  return new CliError(describeGraphQLErrors(errors), exitCode);
}

/** Any failure, explained: a CliError as it is, a client failure with what to do about it. */
export function toCliError(error: unknown, url: string | undefined): CliError | undefined {
  if (error instanceof CliError) return error;
  if (error instanceof AntqClientError) {
    if (error.code === 'NETWORK_ERROR') {
      return new CliError(
        `No ANTQ Graph answers at ${url ?? error.message}. Start it with \`npm start\` (it listens on http://127.0.0.1:4000/graphql), or set ANTQ_URL (or --url) to your gateway's GraphQL endpoint.`,
        ExitCode.UNREACHABLE,
      );
    }
    if (error.code === 'REQUEST_TIMEOUT') {
      return new CliError(`${error.message} The graph may be starting or overloaded: try again, or raise --timeout.`, ExitCode.UNREACHABLE);
    }
    if (error.code === 'BAD_RESPONSE') {
      return new CliError(`${error.message}\nIs ${url ?? 'the URL'} the gateway's GraphQL endpoint (it ends in /graphql)? Set ANTQ_URL or --url.`, ExitCode.UNREACHABLE);
    }
    return new CliError(error.message, exitCodeOf(String(error.code)));
  }
  return undefined;
}
