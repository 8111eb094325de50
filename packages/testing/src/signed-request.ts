import { createHmac, randomUUID } from 'node:crypto';

/*
 * Written from Hive Gateway's format (graphql-hive/gateway
 * packages/plugins/hmac-upstream-signature/src/index.ts), independently of
 * @antq/subgraph-kit, so tests that use it check the kit against the format rather than
 * against itself.
 */

/** Hive's extension names. */
const HMAC_SIGNATURE_EXTENSION = 'hmac-signature';
const JWT_EXTENSION = 'jwt';

/** The JWT claims the gateway forwards for a caller. */
export interface CallerClaims {
  readonly sub: string;
  readonly agency: string;
  readonly organisation?: string;
  readonly jurisdiction?: string;
  readonly roles?: readonly string[];
  readonly clearance?: string;
  readonly [claim: string]: unknown;
}

/** json-stable-stringify without options: keys sorted, undefined members dropped. */
function stableStringify(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return stableStringify((value as { toJSON: () => unknown }).toJSON());
  }
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => stableStringify(item) ?? 'null').join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .sort()
    .flatMap((key) => {
      const member = stableStringify(record[key]);
      return member === undefined ? [] : [`${JSON.stringify(key)}:${member}`];
    });
  return `{${members.join(',')}}`;
}

/** The signed bytes: Hive's `{ query, variables }` (variables only when not empty) plus the forwarded `jwt`. */
function signedPayload(body: GraphQLRequestBody): string {
  const variables = body.variables && Object.keys(body.variables).length > 0 ? body.variables : undefined;
  return stableStringify({ query: body.query, variables, jwt: body.extensions?.[JWT_EXTENSION] }) as string;
}

/** A GraphQL-over-HTTP request body. */
export interface GraphQLRequestBody {
  readonly query: string;
  readonly variables?: Readonly<Record<string, unknown>>;
  readonly operationName?: string;
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** One error of a GraphQL response, as a client sees it. */
export interface GraphQLResponseError {
  readonly message: string;
  readonly locations?: ReadonlyArray<{ readonly line: number; readonly column: number }>;
  readonly path?: ReadonlyArray<string | number>;
  readonly extensions?: Readonly<Record<string, unknown>> & { readonly code?: string };
}

/** The parsed response plus the HTTP status. */
export interface GraphQLResponse<TData = Record<string, unknown>> {
  readonly status: number;
  readonly data?: TData | null;
  readonly errors?: readonly GraphQLResponseError[];
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** Caller claims for tests: anything left out gets a default (a random subject, no jurisdiction, an hour to live). */
export type TestCaller = Partial<CallerClaims> & Pick<CallerClaims, 'agency'>;

/** The JWT payload the gateway would forward for `caller`. */
export function callerClaims(caller: TestCaller): CallerClaims {
  return { sub: `test-${randomUUID()}`, roles: [], exp: Math.floor(Date.now() / 1000) + 3600, ...caller };
}

/**
 * What the gateway sends to a subgraph: the body with the caller's JWT payload in
 * `extensions.jwt` (Hive `useJWT({ forward: { payload: true } })`) and the HMAC signature in
 * `extensions["hmac-signature"]` (Hive `useHmacUpstreamSignature`), signed over
 * `{ query, variables, jwt }` as `@antq/subgraph-kit` documents (without a caller: exactly
 * Hive's default).
 */
export function signSubgraphRequest(input: {
  readonly body: GraphQLRequestBody;
  readonly signingKey: string;
  readonly caller?: TestCaller;
}): GraphQLRequestBody {
  const { body, signingKey, caller } = input;
  const extensions: Record<string, unknown> = { ...body.extensions };
  delete extensions[HMAC_SIGNATURE_EXTENSION];
  if (caller) extensions[JWT_EXTENSION] = { payload: callerClaims(caller) };
  const unsigned: GraphQLRequestBody = { ...body, extensions };
  return {
    ...unsigned,
    extensions: {
      ...extensions,
      [HMAC_SIGNATURE_EXTENSION]: createHmac('sha256', signingKey).update(signedPayload(unsigned), 'utf8').digest('base64'),
    },
  };
}

async function send<TData>(url: string, body: unknown, headers: Readonly<Record<string, string>> = {}): Promise<GraphQLResponse<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: Omit<GraphQLResponse<TData>, 'status'>;
  try {
    parsed = JSON.parse(text) as Omit<GraphQLResponse<TData>, 'status'>;
  } catch {
    throw new Error(`${url} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return { ...parsed, status: response.status };
}

/** POSTs an operation as is — without a gateway signature unless the body carries one. */
export function postGraphQL<TData = Record<string, unknown>>(
  url: string,
  request: string | GraphQLRequestBody,
  options: { readonly headers?: Readonly<Record<string, string>> } = {},
): Promise<GraphQLResponse<TData>> {
  return send<TData>(url, typeof request === 'string' ? { query: request } : request, options.headers);
}

/** POSTs an operation signed as the gateway signs it, on behalf of `caller` (none: the gateway itself). */
export function postSignedGraphQL<TData = Record<string, unknown>>(
  url: string,
  request: GraphQLRequestBody & { readonly signingKey: string; readonly caller?: TestCaller },
): Promise<GraphQLResponse<TData>> {
  const { signingKey, caller, ...body } = request;
  return send<TData>(url, signSubgraphRequest({ body, signingKey, ...(caller ? { caller } : {}) }));
}
