/**
 * One map of error codes shared by every server and client of ANTQ Graph. A code is the
 * `extensions.code` of a GraphQL error; codes are never renamed once shipped.
 * Where Apollo already has a name for a code we use the same spelling.
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  UNKNOWN_AREA: 'UNKNOWN_AREA',
  UNKNOWN_INDICATOR: 'UNKNOWN_INDICATOR',
  INVALID_PERIOD: 'INVALID_PERIOD',
  NOT_SUMMABLE: 'NOT_SUMMABLE',
  NOT_OWNING_AGENCY: 'NOT_OWNING_AGENCY',
  CONFLICT: 'CONFLICT',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  RATE_LIMITED: 'RATE_LIMITED',
  DOWNSTREAM_SERVICE_ERROR: 'DOWNSTREAM_SERVICE_ERROR',
  GATEWAY_TIMEOUT: 'GATEWAY_TIMEOUT',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** One problem with one field of an input, as reported to the caller. */
export interface FieldIssue {
  /** Dotted path of the field, e.g. `funding.0.amountVnd`. Empty for the input as a whole. */
  readonly path: string;
  /** What is wrong and what is expected, in plain words. */
  readonly message: string;
}

/**
 * An expected failure of an SDK operation. Servers turn it into a GraphQL error with
 * `extensions.code`; the client rebuilds it from such an error.
 */
export class AntqError extends Error {
  override readonly name = 'AntqError';
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;
  readonly issues: readonly FieldIssue[];

  constructor(code: ErrorCode, message: string, options: { details?: Record<string, unknown>; issues?: readonly FieldIssue[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
    this.issues = options.issues ?? [];
  }

  /** The `extensions` object of the GraphQL error that carries this failure. */
  toExtensions(): Record<string, unknown> {
    return {
      ...this.details,
      ...(this.issues.length > 0 ? { issues: this.issues } : {}),
      // Last: a detail named `code` must not pass for the error's code, which callers and the
      // gateway read to tell one failure from another.
      code: this.code,
    };
  }
}

/** Type guard for {@link AntqError}, also true for errors from another copy of the SDK. */
export function isAntqError(value: unknown): value is AntqError {
  return (
    value instanceof AntqError ||
    (typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'AntqError' && typeof (value as { code?: unknown }).code === 'string')
  );
}

/** How a value that was given is shown in a message: `"abc"`, `1.5`, `null`, `a list` … */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return typeof value;
}
