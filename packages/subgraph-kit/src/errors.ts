import { GraphQLError } from 'graphql';
import { AntqError, ErrorCode, isAntqError } from '@antq/sdk';

/*
 * One error API (house style §2.4): resolvers throw the SDK's `AntqError` with an `ErrorCode`,
 * whose message says what to do next and whose details go to `extensions`. Anything else that
 * reaches the error formatter is logged and masked as INTERNAL_SERVER_ERROR.
 */

/** The message every masked failure gets: no stack, no internal detail. */
const INTERNAL_ERROR_MESSAGE = 'Internal server error. The subgraph logged the details; retry later, and quote the request id if you report it.';

/** Why a request was refused as not coming from the gateway. */
export type GatewaySignatureProblem = 'MISSING_SIGNATURE' | 'INVALID_SIGNATURE' | 'WRONG_AUDIENCE' | 'STALE_SIGNATURE' | 'REPLAYED_SIGNATURE' | 'INVALID_CALLER' | 'EXPIRED_CALLER';

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
  return toGraphQLError(
    new AntqError(
      ErrorCode.UNAUTHENTICATED,
      `This subgraph accepts only gateway-signed requests: ${SIGNATURE_PROBLEM_TEXT[problem]}` +
        `${detail ? ` (${detail})` : ''}. Send the operation to the ANTQ gateway, not to the subgraph directly.`,
      { details: { reason: problem } },
    ),
  );
}

/** Converts an SDK {@link AntqError} into the GraphQL error that carries it, with `err.toExtensions()`. */
function toGraphQLError(err: AntqError): GraphQLError {
  return new GraphQLError(err.message, { extensions: err.toExtensions(), originalError: err });
}

/**
 * Whether `value` is a GraphQLError — also one from another copy of graphql-js (a bundler that
 * resolves `graphql` to its ESM build next to mercurius's CommonJS one), as Yoga's `isGraphQLError`.
 */
export function isGraphQLError(value: unknown): value is GraphQLError {
  return value instanceof GraphQLError || (value instanceof Error && value.name === 'GraphQLError' && typeof (value as { toJSON?: unknown }).toJSON === 'function');
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
    return new GraphQLError(INTERNAL_ERROR_MESSAGE, { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
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
