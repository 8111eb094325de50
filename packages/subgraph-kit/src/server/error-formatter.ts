import type { GraphQLFormattedError } from 'graphql';
import type { FastifyBaseLogger } from 'fastify';
import type { MercuriusCommonOptions } from 'mercurius';
import { ErrorCode } from '@antq/sdk';
import { isGraphQLError, toSafeGraphQLError } from '../errors.js';

/** Mercurius's `errorFormatter` option. */
export type MercuriusErrorFormatter = NonNullable<MercuriusCommonOptions['errorFormatter']>;

export interface ErrorFormatterOptions {
  /** Used when the context carries no request logger (subscription events). */
  readonly log: FastifyBaseLogger;
  /** The body limit, for the PAYLOAD_TOO_LARGE message. */
  readonly bodyLimit: number;
}

/** The HTTP status of a request that failed before execution, by error code. */
const REQUEST_STATUS: Partial<Record<string, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_OWNING_AGENCY]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.INTERNAL_SERVER_ERROR]: 500,
  [ErrorCode.DOWNSTREAM_SERVICE_ERROR]: 502,
  [ErrorCode.GATEWAY_TIMEOUT]: 504,
};

/** Messages of graphql-js's variable coercion (`getVariableValues`): bad input, not a bad document. */
const VARIABLE_VALUE_ERROR = /^Variable "\$[^"]+" (got invalid value|of required type .+ was not provided|of non-null type .+ must not be null)/;
const DEPTH_ERROR = /\((\d+)\) exceeds the query depth limit of (\d+)/;
const TOKEN_LIMIT_ERROR = /Document contains more that (\d+) tokens/;

interface Classified {
  readonly error: GraphQLFormattedError;
  readonly status: number;
}

type ErrorLike = Error & {
  code?: unknown;
  statusCode?: unknown;
  errors?: unknown;
  validation?: unknown;
  locations?: GraphQLFormattedError['locations'];
};

function formatted(message: string, code: string, extra: { locations?: GraphQLFormattedError['locations']; extensions?: Record<string, unknown> } = {}): GraphQLFormattedError {
  return {
    message,
    ...(extra.locations && extra.locations.length > 0 ? { locations: extra.locations } : {}),
    extensions: { ...extra.extensions, code },
  };
}

/** One problem with the operation document or its variables (mercurius's MER_ERR_GQL_VALIDATION list). */
function classifyDocumentError(inner: unknown): Classified {
  const error = inner as ErrorLike;
  const message = typeof error?.message === 'string' ? error.message : String(inner);
  if (error?.code === 'MER_ERR_GQL_QUERY_DEPTH') {
    const [, depth, limit] = DEPTH_ERROR.exec(message) ?? [];
    return {
      status: 400,
      error: formatted(
        `The operation is ${depth ?? 'too many'} levels deep; this subgraph allows ${limit ?? 'fewer'}. Ask for fewer nested fields, or split the operation.`,
        ErrorCode.QUERY_TOO_COMPLEX,
        { extensions: depth && limit ? { depth: Number(depth), maxDepth: Number(limit) } : {} },
      ),
    };
  }
  if (isGraphQLError(inner)) {
    const locations = inner.locations;
    const ownCode = inner.extensions?.code;
    if (typeof ownCode === 'string') return { status: REQUEST_STATUS[ownCode] ?? 400, error: inner.toJSON() };
    if (message.startsWith('Syntax Error:')) {
      const tokens = TOKEN_LIMIT_ERROR.exec(message);
      if (tokens) {
        return {
          status: 400,
          error: formatted(`The operation has more than ${tokens[1]} tokens, which this subgraph refuses. Send a smaller operation.`, ErrorCode.QUERY_TOO_COMPLEX, {
            extensions: { maxTokens: Number(tokens[1]) },
          }),
        };
      }
      return { status: 400, error: formatted(message, ErrorCode.GRAPHQL_PARSE_FAILED, { ...(locations ? { locations } : {}) }) };
    }
    if (VARIABLE_VALUE_ERROR.test(message)) {
      return { status: 400, error: formatted(message, ErrorCode.BAD_USER_INPUT, { ...(locations ? { locations } : {}) }) };
    }
    return { status: 400, error: formatted(message, ErrorCode.GRAPHQL_VALIDATION_FAILED, { ...(locations ? { locations } : {}) }) };
  }
  if (error?.validation !== undefined) {
    // Fastify's JSON-schema check of the request body or query string.
    return {
      status: 400,
      error: formatted(`The request is not a GraphQL request: ${message}. Send { "query": "…", "variables": { … } }.`, ErrorCode.BAD_USER_INPUT),
    };
  }
  return { status: 400, error: formatted(message, ErrorCode.GRAPHQL_VALIDATION_FAILED) };
}

/** A failure raised by Fastify or mercurius before the operation ran (status < 500). */
function classifyRequestError(original: ErrorLike, bodyLimit: number): Classified | undefined {
  const code = typeof original.code === 'string' ? original.code : '';
  const statusCode = typeof original.statusCode === 'number' ? original.statusCode : undefined;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || statusCode === 413) {
    return {
      status: 413,
      error: formatted(
        `The request body is larger than this subgraph accepts (${bodyLimit} bytes). Send a smaller operation, or fewer entity representations per request.`,
        ErrorCode.PAYLOAD_TOO_LARGE,
        { extensions: { maxBytes: bodyLimit } },
      ),
    };
  }
  if (code === 'MER_ERR_METHOD_NOT_ALLOWED') {
    return {
      status: 405,
      error: formatted('Mutations cannot be sent with GET. Send them with POST.', ErrorCode.BAD_USER_INPUT),
    };
  }
  if (code === 'MER_ERR_GQL_VALIDATION' && !Array.isArray(original.errors)) {
    return {
      status: 400,
      error: formatted('The variables or extensions in the query string are not valid JSON. Send them as JSON, or send the operation with POST.', ErrorCode.BAD_USER_INPUT),
    };
  }
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500 && (code.startsWith('FST_') || code.startsWith('MER_ERR_') || original.name === 'SyntaxError')) {
    const hint = statusCode === 415 ? 'Send the operation as JSON (content-type: application/json).' : 'Send a JSON body { "query": "…", "variables": { … } }.';
    return {
      status: statusCode,
      error: formatted(`The request could not be read: ${original.message}. ${hint}`, ErrorCode.BAD_USER_INPUT),
    };
  }
  return undefined;
}

/** Codes of the subgraph's own failures; everything else is the caller's business. */
const SERVER_FAULTS = new Set<string>([ErrorCode.INTERNAL_SERVER_ERROR, ErrorCode.DOWNSTREAM_SERVICE_ERROR, ErrorCode.GATEWAY_TIMEOUT]);

/**
 * One `info` line per client error (FORBIDDEN, BAD_USER_INPUT, …): the answer already tells the
 * caller, and an operator needs the code and the field, not a stack. Server faults were logged as
 * errors, with their stack, where they were masked.
 */
function logClientErrors(log: Pick<FastifyBaseLogger, 'info'>, classified: readonly Pick<Classified, 'error'>[], requestId: string | undefined): void {
  for (const { error } of classified) {
    const code = String(error.extensions?.code);
    if (SERVER_FAULTS.has(code)) continue;
    log.info({ code, ...(error.path ? { path: error.path.join('.') } : {}), ...(requestId !== undefined ? { requestId } : {}) }, `${code}: ${error.message}`);
  }
}

/**
 * Logs `errors` as client errors, one `info` line each, when every one of them has a code that is
 * not a server fault; otherwise leaves them to the caller and returns false. Mercurius logs a
 * subscription its resolver refused (a filter naming an unknown area) as an error, with the list
 * of the refusal's errors, though the subscriber is told.
 */
export function logAsClientErrors(log: Pick<FastifyBaseLogger, 'info'>, errors: unknown): boolean {
  if (!Array.isArray(errors) || errors.length === 0) return false;
  const known = errors.every((error) => isGraphQLError(error) && typeof error.extensions?.code === 'string' && !SERVER_FAULTS.has(error.extensions.code));
  if (!known) return false;
  logClientErrors(
    log,
    (errors as GraphQLFormattedError[]).map((error) => ({ error })),
    undefined,
  );
  return true;
}

/**
 * The mercurius `errorFormatter` of every ANTQ subgraph (house style §2.4):
 * - deliberate GraphQLErrors and SDK AntqErrors keep their message and `extensions.code`;
 * - syntax errors get GRAPHQL_PARSE_FAILED, validation errors GRAPHQL_VALIDATION_FAILED, bad
 *   variable values BAD_USER_INPUT, depth and token limits QUERY_TOO_COMPLEX (all HTTP 400);
 * - anything unexpected is logged with its stack and sent as INTERNAL_SERVER_ERROR with a
 *   generic message; client errors are logged on one `info` line each.
 *
 * Mercurius calls it with an execution result (`data` present: HTTP 200, as GraphQL over HTTP
 * asks for an executed operation) or with `{ errors: [wrapped] }` for a request that failed
 * before execution; mercurius's own validation failures carry the list in
 * `originalError.errors`.
 */
export function createErrorFormatter(options: ErrorFormatterOptions): MercuriusErrorFormatter {
  return (execution, context) => {
    const ctx = context as unknown as { reply?: { log: FastifyBaseLogger; request: { id: string } }; app?: { log: FastifyBaseLogger } };
    const log = ctx.reply?.log ?? ctx.app?.log ?? options.log;
    const requestId = ctx.reply?.request.id;
    const executed = 'data' in execution;
    const classified: Classified[] = [];

    for (const error of execution.errors) {
      const original = (isGraphQLError(error) ? error.originalError : undefined) as ErrorLike | undefined;
      if (!executed && original) {
        if (original.code === 'MER_ERR_GQL_VALIDATION' && Array.isArray(original.errors)) {
          classified.push(...original.errors.map(classifyDocumentError));
          continue;
        }
        const requestError = classifyRequestError(original, options.bodyLimit);
        if (requestError) {
          classified.push(requestError);
          continue;
        }
      }
      if (!executed && isGraphQLError(error) && (error.originalError == null || isGraphQLError(error.originalError))) {
        // graphql-js (or graphql-jit) refused to start executing: bad variables, unknown operation name.
        classified.push(classifyDocumentError(error));
        continue;
      }
      const safe = toSafeGraphQLError(error, (unexpected) => {
        log.error({ err: unexpected, requestId, path: error.path }, 'Unexpected error, sent to the caller as INTERNAL_SERVER_ERROR');
      });
      const json = safe.toJSON();
      const code = typeof json.extensions?.code === 'string' ? json.extensions.code : ErrorCode.INTERNAL_SERVER_ERROR;
      const extensions = {
        ...json.extensions,
        code,
        ...(code === ErrorCode.INTERNAL_SERVER_ERROR && requestId !== undefined ? { requestId } : {}),
      };
      classified.push({ status: REQUEST_STATUS[code] ?? 400, error: { ...json, extensions } });
    }

    logClientErrors(log, classified, requestId);
    const errors = classified.map((entry) => entry.error);
    if (executed) {
      return { statusCode: 200, response: { data: execution.data ?? null, errors } };
    }
    return { statusCode: classified[0]?.status ?? 500, response: { errors } };
  };
}
