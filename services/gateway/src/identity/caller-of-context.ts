import { ErrorCode, parseCallerClaims, type Caller, type ParsedCaller } from '@antq/sdk';
import { GraphQLError } from 'graphql';

/** Where the verified token's payload sits in a request's context (Hive's `useJWT`, and `useUnverifiedIdentity`). */
interface JwtContext {
  readonly jwt?: { readonly payload?: unknown };
}

/** The verified token's payload in a request's context, as the identity plugins put it there. */
export function tokenPayloadOf(context: unknown): unknown {
  return (context as JwtContext | undefined)?.jwt?.payload;
}

// One reading per payload, so every plugin of a request sees the same caller.
const parsedPayloads = new WeakMap<object, ParsedCaller>();

/** The SDK's parse of a token payload, once per payload object. */
export function parsePayload(payload: object): ParsedCaller {
  let parsed = parsedPayloads.get(payload);
  if (!parsed) {
    parsed = parseCallerClaims(payload);
    parsedPayloads.set(payload, parsed);
  }
  return parsed;
}

/**
 * The caller of a request, read from its token by the SDK's parser — the one reading the
 * gateway's access rules, response cache and audit use, as the subgraphs do. Undefined for an
 * anonymous request, and for claims that do not parse (refused before this is asked; see
 * `identityProblem`).
 */
export function callerOfContext(context: unknown): Caller | undefined {
  const payload = tokenPayloadOf(context);
  if (typeof payload !== 'object' || payload === null) return undefined;
  const parsed = parsePayload(payload);
  return parsed.ok ? parsed.caller : undefined;
}

const refusal = (problem: string) =>
  `The bearer token's claims do not describe an ANTQ caller: ${problem}. Ask your identity provider for a token with valid claims (npm run token in the embedded mode).`;

/** UNAUTHENTICATED with HTTP 401, for a token whose signature holds but whose claims do not. */
export function malformedIdentityError(problem: string): GraphQLError {
  return new GraphQLError(refusal(problem), { extensions: { code: ErrorCode.UNAUTHENTICATED, reason: 'INVALID_CALLER', http: { status: 401 } } });
}

/** The same refusal as a whole HTTP response, for hooks that can end the request before GraphQL runs. */
export function malformedIdentityResponse(problem: string, fetchAPI: { Response: typeof Response }): Response {
  return unauthenticatedResponse(refusal(problem), 'INVALID_CALLER', fetchAPI);
}

/** A 401 whose body is one UNAUTHENTICATED error. */
export function unauthenticatedResponse(message: string, reason: string, fetchAPI: { Response: typeof Response }): Response {
  const body = { errors: [{ message, extensions: { code: ErrorCode.UNAUTHENTICATED, reason } }] };
  return new fetchAPI.Response(JSON.stringify(body), { status: 401, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

/** What is wrong with the claims of the token payload in a context; undefined when they parse or there is none. */
export function identityProblem(context: unknown): string | undefined {
  const payload = tokenPayloadOf(context);
  if (payload === undefined || payload === null) return undefined;
  if (typeof payload !== 'object') return 'the JWT payload is not an object';
  const parsed = parsePayload(payload);
  return parsed.ok ? undefined : parsed.problem;
}
