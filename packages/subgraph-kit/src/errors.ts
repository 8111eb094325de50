import { GraphQLError } from 'graphql';
import { AntqError, ErrorCode, isAntqError, type FieldIssue } from '@antq/sdk';

/**
 * One factory per expected failure (house style §2.4). Each error says what to do next and
 * carries structured data in `extensions`; resolvers throw these, never a bare `Error`.
 * Anything else that reaches the error formatter is logged and masked as INTERNAL_SERVER_ERROR.
 */

/** The message every masked failure gets: no stack, no internal detail. */
export const INTERNAL_ERROR_MESSAGE =
  'Internal server error. The subgraph logged the details; retry later, and quote the request id if you report it.';

/** The area code is not in the national registry (or any sub-commune registry of this subgraph). */
export function unknownAreaError(areaCode: string): GraphQLError {
  return new GraphQLError(`Unknown area code "${areaCode}". Search with Query.areas(search:) and use a code it returns.`, {
    extensions: { code: ErrorCode.UNKNOWN_AREA, areaCode },
  });
}

/** The input is invalid; `issues` name each field that is wrong and why. */
export function badUserInputError(message: string, issues: readonly FieldIssue[] = []): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, ...(issues.length > 0 ? { issues } : {}) },
  });
}

/** What {@link notOwningAgencyError} reports: who owns the record and who tried to change it. */
export interface NotOwningAgencyDetails {
  /** The agency that owns the record (or the subgraph). */
  readonly owner: string;
  /** The caller's agency. */
  readonly callerAgency: string;
  /** The kind of record, e.g. `PoliceModel`. */
  readonly kind?: string;
  readonly id?: string;
}

/** Chỉ cơ quan sở hữu mới được ghi — only the owning agency may write its records. */
export function notOwningAgencyError(details: NotOwningAgencyDetails): GraphQLError {
  const what = details.kind ? `this ${details.kind}` : 'its records';
  return new GraphQLError(
    `Only the ${details.owner} may change ${what}; the caller belongs to the ${details.callerAgency}. ` +
      `Write to your own agency's records, or ask the ${details.owner} to make the change.`,
    {
      extensions: {
        code: ErrorCode.NOT_OWNING_AGENCY,
        owner: details.owner,
        callerAgency: details.callerAgency,
        ...(details.kind === undefined ? {} : { kind: details.kind }),
        ...(details.id === undefined ? {} : { id: details.id }),
      },
    },
  );
}

/** The area lies outside the caller's jurisdiction (địa bàn phụ trách). */
export function outsideJurisdictionError(details: { readonly areaCode: string; readonly jurisdiction: string | undefined }): GraphQLError {
  const jurisdiction = details.jurisdiction ?? '(none)';
  return new GraphQLError(
    `Area ${details.areaCode} is outside the caller's jurisdiction ${jurisdiction}. ` +
      'Only a caller whose jurisdiction covers the area may do this; ask an officer of that area.',
    {
      extensions: { code: ErrorCode.OUTSIDE_JURISDICTION, areaCode: details.areaCode, jurisdiction: details.jurisdiction ?? null },
    },
  );
}

/**
 * The caller is known but may not do this. `reason` must say what would be allowed,
 * e.g. "Writing needs the role editor or admin; the caller has analyst."
 */
export function forbiddenError(reason: string, details: Readonly<Record<string, unknown>> = {}): GraphQLError {
  return new GraphQLError(reason, { extensions: { ...details, code: ErrorCode.FORBIDDEN } });
}

/** No signed-in caller where one is needed. */
export function unauthenticatedError(
  reason = 'This operation needs a signed-in caller. Send it through the gateway with a bearer token.',
  details: Readonly<Record<string, unknown>> = {},
): GraphQLError {
  return new GraphQLError(reason, { extensions: { ...details, code: ErrorCode.UNAUTHENTICATED } });
}

/** Why a request was refused as not coming from the gateway. */
export type GatewaySignatureProblem =
  | 'MISSING_SIGNATURE'
  | 'INVALID_SIGNATURE'
  | 'WRONG_AUDIENCE'
  | 'STALE_SIGNATURE'
  | 'REPLAYED_SIGNATURE'
  | 'INVALID_CALLER'
  | 'EXPIRED_CALLER';

const SIGNATURE_PROBLEM_TEXT: Record<GatewaySignatureProblem, string> = {
  MISSING_SIGNATURE: 'this request carries no gateway signature',
  INVALID_SIGNATURE: 'the gateway signature does not match the request',
  WRONG_AUDIENCE: 'the request was signed for another subgraph',
  STALE_SIGNATURE: 'the signature is outside the replay window (too old, or dated ahead of this clock)',
  REPLAYED_SIGNATURE: 'this signed request was already received once',
  INVALID_CALLER: 'the caller forwarded by the gateway is not valid',
  EXPIRED_CALLER: 'the caller forwarded by the gateway is not signed in now',
};

/**
 * A request that the gateway did not sign (or signed with another key) — the subgraph is
 * never called directly, and a signed request is good once, for one subgraph, for a few seconds.
 * `detail` says which claim is wrong for INVALID_CALLER and EXPIRED_CALLER.
 */
export function gatewaySignatureError(problem: GatewaySignatureProblem, detail?: string): GraphQLError {
  return unauthenticatedError(
    `This subgraph accepts only gateway-signed requests: ${SIGNATURE_PROBLEM_TEXT[problem]}` +
      `${detail ? ` (${detail})` : ''}. Send the operation to the ANTQ gateway, not to the subgraph directly.`,
    { reason: problem },
  );
}

/** No record of this kind with this id (or the caller may not know that it exists). */
export function notFoundError(kind: string, id: string): GraphQLError {
  return new GraphQLError(`No ${kind} with id "${id}". Check the id, or list the ${kind} records with a query to find it.`, {
    extensions: { code: ErrorCode.NOT_FOUND, kind, id },
  });
}

/**
 * The write conflicts with what is stored (a duplicate, a stale revision, a retired record).
 * `message` must say how to resolve it, e.g. "reload the record and apply the change again".
 */
export function conflictError(message: string, details: Readonly<Record<string, unknown>> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...details, code: ErrorCode.CONFLICT } });
}

/** The operation is too deep or too large for this subgraph's limits. */
export function queryTooComplexError(message: string, details: Readonly<Record<string, unknown>> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...details, code: ErrorCode.QUERY_TOO_COMPLEX } });
}

/** The masked form of an unexpected failure. */
export function internalServerError(details: Readonly<Record<string, unknown>> = {}): GraphQLError {
  return new GraphQLError(INTERNAL_ERROR_MESSAGE, { extensions: { ...details, code: ErrorCode.INTERNAL_SERVER_ERROR } });
}

/** Converts an SDK {@link AntqError} into the GraphQL error that carries it, with `err.toExtensions()`. */
export function toGraphQLError(err: AntqError): GraphQLError {
  return new GraphQLError(err.message, { extensions: err.toExtensions(), originalError: err });
}

/**
 * The error a resolver (or a scalar, or a subscription source) actually threw: graphql-js wraps it
 * in a located GraphQLError whose `originalError` is the thrown value (Apollo's `unwrapResolverError`).
 */
export function unwrapResolverError(error: unknown): unknown {
  return isGraphQLError(error) && error.originalError != null ? error.originalError : error;
}

/**
 * Whether `value` is a GraphQLError — also one from another copy of graphql-js (a bundler that
 * resolves `graphql` to its ESM build next to mercurius's CommonJS one), as Yoga's `isGraphQLError`.
 */
export function isGraphQLError(value: unknown): value is GraphQLError {
  return (
    value instanceof GraphQLError ||
    (value instanceof Error && value.name === 'GraphQLError' && typeof (value as { toJSON?: unknown }).toJSON === 'function')
  );
}

/**
 * Whether a failure was planned: a GraphQLError (thrown by a factory above, or produced by
 * graphql-js itself) or an SDK AntqError. Everything else is unexpected and gets masked.
 */
export function isDeliberateError(error: unknown): error is GraphQLError | AntqError {
  return isGraphQLError(error) || isAntqError(error);
}

/**
 * Returns a GraphQLError that is safe to send (Yoga's `maskError` rule): a GraphQLError keeps
 * its message and extensions unless it wraps a non-GraphQL error, an AntqError is converted,
 * anything else becomes INTERNAL_SERVER_ERROR after `onUnexpected` has logged the original
 * with its stack. Path and locations are kept so the caller knows which field failed.
 */
export function toSafeGraphQLError(error: unknown, onUnexpected: (original: unknown) => void): GraphQLError {
  if (isAntqError(error)) return toGraphQLError(error);
  if (!isGraphQLError(error)) {
    onUnexpected(error);
    return internalServerError();
  }
  const original = error.originalError;
  if (original == null || isGraphQLError(original)) return error;
  const located = { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path };
  if (isAntqError(original)) {
    return new GraphQLError(original.message, { ...located, originalError: original, extensions: original.toExtensions() });
  }
  onUnexpected(original);
  return new GraphQLError(INTERNAL_ERROR_MESSAGE, { ...located, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
}
