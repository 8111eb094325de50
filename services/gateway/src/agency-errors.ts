import { ErrorCode, isAgencyCode } from '@antq/sdk';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';

/** Whether a subgraph is an agency's (the others, such as the change stream, are the graph's own): agency subgraphs are named by their code. */
export const isAgencySubgraph = (subgraphName: string): boolean => isAgencyCode(subgraphName);

function agencyOf(error: GraphQLError): string | undefined {
  const extensions = error.extensions as Record<string, unknown>;
  const named = extensions.agency ?? extensions.serviceName ?? extensions.subgraph;
  if (typeof named === 'string') return named.toLowerCase();
  const match = /subgraph "?(\w+)"?/i.exec(error.message);
  // Subgraph names are agency codes: the supergraph's join__Graph names them so.
  return match && isAgencyCode(match[1]!.toLowerCase()) ? match[1]!.toLowerCase() : undefined;
}

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/**
 * The HTTP status of a request the gateway could not run (unreadable parameters, a document that
 * does not parse or validate, a mutation over GET): kept on the error, so the runtime answers
 * 400 or 405 as GraphQL over HTTP asks (the runtime never prints `http`). A subgraph's status is
 * not ours to answer with, and refused tokens keep answering 200 with UNAUTHENTICATED.
 */
function isRequestStatus(http: unknown): boolean {
  const { status, spec } = (http ?? {}) as { status?: number; spec?: boolean };
  return spec === true || status === 400 || status === 405;
}

/** The runtime's own codes of a request it cannot run, and ours for them. */
const REQUEST_CODES: Readonly<Record<string, string>> = {
  BAD_REQUEST: ErrorCode.BAD_USER_INPUT,
  OPERATION_RESOLUTION_FAILURE: ErrorCode.BAD_USER_INPUT,
};
/** Extensions the gateway's transport adds for its own logs; they hold the signed upstream request. */
const INTERNAL_EXTENSIONS = new Set(['request', 'response', 'http', 'serviceName', 'subgraph']);

/**
 * What a caller may see of an error: subgraph errors with a known code keep their message and
 * code; a subgraph that did not answer becomes DOWNSTREAM_SERVICE_ERROR naming the agency, one
 * that did not answer in time GATEWAY_TIMEOUT naming it; anything else is masked. Upstream
 * request details (the signed request, with the caller's claims) never leave the gateway.
 */
export function agencyErrorMask(options: { readonly upstreamTimeoutMs: number }): (error: unknown, message: string) => Error {
  return (error, message) => withShortMessage(maskAgencyError(error, message, options.upstreamTimeoutMs));
}

/** The error with its quoted values cut (`withShortQuotes`): a subscription's refusal is not a result `withCodes` sees. */
function withShortMessage(error: Error): Error {
  const message = withShortQuotes(error.message);
  if (message === error.message || !(error instanceof GraphQLError)) return error;
  return new GraphQLError(message, { nodes: error.nodes, path: error.path, originalError: error.originalError, extensions: error.extensions });
}

function maskAgencyError(error: unknown, message: string, upstreamTimeoutMs: number): Error {
  if (!(error instanceof GraphQLError)) return new GraphQLError(message, { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
  const extensions = (error.extensions ?? {}) as Record<string, unknown>;
  const agency = agencyOf(error);
  const refusal = subscriptionRefusal(error);
  if (refusal) {
    const { message: why, path, extensions: its } = refusal;
    return new GraphQLError(why, { nodes: error.nodes, path: path ?? error.path, extensions: { ...its, ...(agency ? { agency } : {}) } });
  }
  if (extensions.code === ErrorCode.GATEWAY_TIMEOUT) {
    const who = agency ? `The ${agency} service` : 'An agency service';
    return new GraphQLError(
      `${who} did not answer within ${upstreamTimeoutMs} ms, so its fields are missing from this answer. The rest stands; try again later, or ask for less of its data.`,
      {
        nodes: error.nodes,
        path: error.path,
        extensions: { code: ErrorCode.GATEWAY_TIMEOUT, ...(agency ? { agency } : {}) },
      },
    );
  }
  // The planner's runtime names a failed call DOWNSTREAM_SERVICE_ERROR with the failure's own words ("connect ECONNREFUSED 10.0.3.7:4001"): the subgraph's address stays here.
  const callFailed = extensions.code === ErrorCode.DOWNSTREAM_SERVICE_ERROR && raisedBelowGraphQL(error);
  if (extensions.code === 'SUBREQUEST_HTTP_ERROR' || callFailed || (agency && !KNOWN_CODES.has(String(extensions.code))) || !error.message) {
    return new GraphQLError(`The ${agency ?? 'upstream'} service did not answer, so its fields are missing from this answer. The rest stands; try again later.`, {
      nodes: error.nodes,
      path: error.path,
      extensions: { code: ErrorCode.DOWNSTREAM_SERVICE_ERROR, ...(agency ? { agency } : {}) },
    });
  }
  const unexpected = error.originalError && !(error.originalError instanceof GraphQLError) && !KNOWN_CODES.has(String(extensions.code));
  if (unexpected) return new GraphQLError(message, { nodes: error.nodes, path: error.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
  const visible = Object.fromEntries(Object.entries(extensions).filter(([key, value]) => !INTERNAL_EXTENSIONS.has(key) || (key === 'http' && !agency && isRequestStatus(value))));
  if (Object.keys(visible).length === Object.keys(extensions).length) return error;
  return new GraphQLError(error.message, { nodes: error.nodes, path: error.path, extensions: { ...visible, ...(agency ? { agency } : {}) } });
}

/**
 * A subscription a subgraph refused when it started (a filter naming an unknown area, a cursor
 * past the end of the changes): graphql-ws carries the subgraph's errors as one `error` message,
 * which the runtime hands on as one error without a message, the list as its `originalError`.
 * The first of them with one of our codes is what the subscriber is told.
 */
function subscriptionRefusal(error: GraphQLError): (GraphQLFormattedError & { extensions: Record<string, unknown> }) | undefined {
  const upstream: unknown = error.originalError;
  if (!Array.isArray(upstream)) return undefined;
  return upstream.find(
    (item): item is GraphQLFormattedError & { extensions: Record<string, unknown> } =>
      typeof (item as GraphQLFormattedError | null)?.message === 'string' && KNOWN_CODES.has(String((item as GraphQLFormattedError).extensions?.code)),
  );
}

/**
 * Whether an error began below GraphQL — a refused connection, a reset socket — rather than in a
 * subgraph's answer: none of the errors it wraps carries a code (every answer of ours does).
 */
function raisedBelowGraphQL(error: GraphQLError): boolean {
  let cause: unknown = error.originalError;
  if (cause === undefined) return false;
  for (; cause instanceof GraphQLError; cause = cause.originalError) if (cause.extensions?.code !== undefined) return false;
  return true;
}

export const isPromise = <T>(value: unknown): value is Promise<T> => typeof (value as { then?: unknown } | null)?.then === 'function';

/** The error of a subgraph call, with the agency it came from when it does not say. */
export function namedFor(error: unknown, subgraphName: string): unknown {
  if (!(error instanceof GraphQLError) || agencyOf(error)) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, agency: subgraphName },
  });
}

/** The code of an error that has none: from its HTTP status, or where in the request it arose. */
function inferredCode(error: GraphQLError, agency: string | undefined): string {
  const status = (error.extensions?.http as { status?: number } | undefined)?.status;
  // Hive's JWT plugin answers a token that is not a JWT at all with 400.
  if (status === 401 || /^unauthenticated$|authentication token/i.test(error.message)) return ErrorCode.UNAUTHENTICATED;
  if (status === 403) return ErrorCode.FORBIDDEN;
  if (agency || error.path) return ErrorCode.DOWNSTREAM_SERVICE_ERROR;
  // Errors before execution: variables that do not fit their types, and other request errors.
  return ErrorCode.BAD_USER_INPUT;
}

/** A quoted value in an error message is cut to this many characters. */
const QUOTED_VALUE_SHOWN = 60;
/** What is left of a message longer than this once its quoted values are cut is cut too. */
const MESSAGE_MAX = 2_000;

/**
 * A message that quotes what was sent (`Variable "$id" got invalid value "…"`, `"…" is not an
 * area code`) quotes at most the start of it: a 256 kB value (the body limit) is not sent back,
 * twice, in the answer and in every log that keeps it.
 */
export function withShortQuotes(message: string): string {
  if (message.length <= 2 * QUOTED_VALUE_SHOWN) return message;
  const cut = cutQuotedValues(message);
  return cut.length <= MESSAGE_MAX ? cut : `${cut.slice(0, MESSAGE_MAX)}… (${cut.length} characters in all)`;
}

/**
 * The message with each long quoted value cut. Quotes pair from the start, a value's `\"` as JSON
 * writes it (graphql-js quotes values so) inside it; one pass over the message (a regular
 * expression that retries from every later quote would take quadratic time on `"\"\"\"…`).
 */
function cutQuotedValues(message: string): string {
  let cut = '';
  let from = 0;
  for (let open = message.indexOf('"'); open >= 0; open = message.indexOf('"', from)) {
    let close = open + 1;
    while (close < message.length && message[close] !== '"') close += message[close] === '\\' ? 2 : 1;
    if (close >= message.length) break; // no closing quote: the rest stays as it is
    const length = close - open - 1;
    cut +=
      message.slice(from, open) +
      (length <= 2 * QUOTED_VALUE_SHOWN ? message.slice(open, close + 1) : `"${message.slice(open + 1, open + 1 + QUOTED_VALUE_SHOWN)}…" (${length} characters)`);
    from = close + 1;
  }
  return cut + message.slice(from);
}

export function withCodes(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length) return result;
  return {
    ...result,
    errors: result.errors.map((error) => {
      const agency = agencyOf(error);
      const { originalError: _hidden, ...extensions } = error.extensions as Record<string, unknown>;
      const code = extensions.code as string | undefined;
      const requestCode = !agency && code ? REQUEST_CODES[code] : undefined;
      const message = withShortQuotes(
        requestCode
          ? `${error.message.replace(/\.?$/, '.')} Send { "query": "<a GraphQL document>", "variables": { … } } as JSON in a POST, or as URL parameters of a GET for a query.`
          : error.message,
      );
      if (!agency && code && !requestCode && !('originalError' in error.extensions) && message === error.message) return error;
      return new GraphQLError(message, {
        nodes: error.nodes,
        path: error.path,
        originalError: error.originalError,
        extensions: { ...extensions, code: requestCode ?? code ?? inferredCode(error, agency), ...(agency ? { agency } : {}) },
      });
    }),
  };
}
