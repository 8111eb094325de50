import { createHmac, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';

/*
 * Written from the scheme `@antq/subgraph-kit` documents (identity/gateway-signature.ts),
 * independently of its code, so tests that use it check the kit against the documented format
 * rather than against itself.
 */

const SIGNATURE_EXTENSION = 'antq-signature';
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

/** HKDF-SHA256 of the graph's signing key for one subgraph (info `antq-subgraph:<name>`, salt `antq-graph`). */
function audienceKey(signingKey: string, audience: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(signingKey, 'utf8'), Buffer.from('antq-graph'), Buffer.from(`antq-subgraph:${audience}`), 32));
}

/** The documented signature base. */
function signatureBase(body: GraphQLRequestBody, header: { aud: string; created: number; nonce: string }): string {
  const variables = body.variables && Object.keys(body.variables).length > 0 ? body.variables : undefined;
  const { [SIGNATURE_EXTENSION]: _dropped, ...extensions } = body.extensions ?? {};
  const request = canonicalize({ query: body.query, operationName: body.operationName, variables, extensions: Object.keys(extensions).length > 0 ? extensions : undefined });
  return `"@signature-params": antq-request/1\n"aud": ${header.aud}\n"created": ${header.created}\n"nonce": ${header.nonce}\n"request": ${request}`;
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
  const now = Math.floor(Date.now() / 1000);
  return { sub: `test-${randomUUID()}`, roles: [], iat: now, exp: now + 3600, ...caller };
}

/** How a test signs: for which subgraph, with which key, and (to test refusals) when and with which nonce. */
export interface SigningOptions {
  readonly signingKey: string;
  /** The subgraph's name in the supergraph (`police`, …, `stream`). */
  readonly audience: string;
  readonly caller?: TestCaller;
  /** Unix seconds; default now. */
  readonly created?: number;
  readonly nonce?: string;
}

/**
 * What the gateway sends to a subgraph: the body with the caller's JWT payload in
 * `extensions.jwt` (Hive `useJWT({ forward: { payload: true } })`) and the gateway's signature in
 * `extensions["antq-signature"]`, made for one subgraph, now, with a fresh nonce.
 */
export function signSubgraphRequest(input: { readonly body: GraphQLRequestBody } & SigningOptions): GraphQLRequestBody {
  const { body, signingKey, caller, audience } = input;
  const extensions: Record<string, unknown> = { ...body.extensions };
  delete extensions[SIGNATURE_EXTENSION];
  if (caller) extensions[JWT_EXTENSION] = { payload: callerClaims(caller) };
  const unsigned: GraphQLRequestBody = { ...body, extensions };
  const header = { aud: audience, created: input.created ?? Math.floor(Date.now() / 1000), nonce: input.nonce ?? randomBytes(16).toString('base64url') };
  const sig = createHmac('sha256', audienceKey(signingKey, audience)).update(signatureBase(unsigned, header), 'utf8').digest('base64url');
  return { ...unsigned, extensions: { ...extensions, [SIGNATURE_EXTENSION]: { v: 1, ...header, sig } } };
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
export function postSignedGraphQL<TData = Record<string, unknown>>(url: string, request: GraphQLRequestBody & SigningOptions): Promise<GraphQLResponse<TData>> {
  const { signingKey, caller, audience, created, nonce, ...body } = request;
  return send<TData>(
    url,
    signSubgraphRequest({ body, signingKey, audience, ...(caller ? { caller } : {}), ...(created === undefined ? {} : { created }), ...(nonce === undefined ? {} : { nonce }) }),
  );
}
