import { createHmac, timingSafeEqual } from 'node:crypto';
import { parse, print, stripIgnoredCharacters, type DocumentNode } from 'graphql';

/**
 * Chữ ký cổng — the HMAC signature with which the gateway signs every subgraph request.
 *
 * Format (Hive Gateway's upstream HMAC signature, `@graphql-mesh/hmac-upstream-signature`,
 * graphql-hive/gateway `packages/plugins/hmac-upstream-signature/src/index.ts`):
 * - the gateway serializes the request with json-stable-stringify (keys sorted, undefined
 *   dropped) as `{ query, variables }`, `variables` left out when empty;
 * - signs those UTF-8 bytes with HMAC-SHA256 and the shared secret;
 * - puts the signature, standard base64 with padding, in `extensions["hmac-signature"]` of the
 *   GraphQL request body (there is no HTTP header);
 * - the subgraph re-serializes the params it received the same way and compares.
 *
 * One addition, through Hive's own extension point (`serializeExecutionRequest` on the gateway,
 * `serializeParams` on the subgraph): when the gateway forwards the caller's JWT payload in
 * `extensions.jwt` (Hive's `useJWT({ forward: { payload: true } })` shape, `{ payload, token? }`),
 * the signed object also carries `jwt`, so a forwarded identity cannot be swapped on a signed
 * query. Without `extensions.jwt` the signed bytes are exactly Hive's default.
 */

/** Hive's default extension name for the signature. */
export const HMAC_SIGNATURE_EXTENSION = 'hmac-signature';
/** Hive's default extension name for the forwarded JWT (`{ payload, token? }`). */
export const JWT_EXTENSION = 'jwt';

/**
 * JSON with object keys sorted and `undefined` members dropped — the same bytes as the
 * `json-stable-stringify` package that Hive uses (no options). `undefined` at the top level.
 */
export function canonicalJson(value: unknown): string | undefined {
  return stringifyNode(value, new Set());
}

function stringifyNode(input: unknown, seen: Set<object>): string | undefined {
  let node = input;
  if (node !== null && typeof node === 'object' && typeof (node as { toJSON?: unknown }).toJSON === 'function') {
    node = (node as { toJSON: () => unknown }).toJSON();
  }
  if (node === undefined) return undefined;
  if (typeof node !== 'object' || node === null) return JSON.stringify(node) as string | undefined;
  if (Array.isArray(node)) {
    return `[${node.map((item: unknown) => stringifyNode(item, seen) ?? 'null').join(',')}]`;
  }
  if (seen.has(node)) throw new TypeError('Converting circular structure to JSON');
  seen.add(node);
  const members: string[] = [];
  const record = node as Record<string, unknown>;
  for (const key of Object.keys(record).sort()) {
    const value = stringifyNode(record[key], seen);
    if (value !== undefined) members.push(`${JSON.stringify(key)}:${value}`);
  }
  seen.delete(node);
  return `{${members.join(',')}}`;
}

/** The GraphQL-over-HTTP params of one request, as they arrive (body, query string or websocket). */
export interface GraphQLRequestParams {
  readonly query?: unknown;
  readonly variables?: unknown;
  readonly operationName?: unknown;
  readonly extensions?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The bytes that are signed, from the params a subgraph received: Hive's `defaultParamsSerializer`
 * (`{ query, variables }`) plus the forwarded `jwt` extension when there is one.
 */
export function serializeSignedParams(params: GraphQLRequestParams, jwtExtensionName: string = JWT_EXTENSION): string {
  const { variables } = params;
  const jwt = isRecord(params.extensions) ? params.extensions[jwtExtensionName] : undefined;
  return canonicalJson({
    query: params.query,
    variables: variables != null && Object.keys(variables).length > 0 ? variables : undefined,
    jwt,
  }) as string;
}

/** The parts of Hive's `ExecutionRequest` that are signed. */
export interface SignableExecutionRequest {
  readonly document: DocumentNode;
  readonly variables?: Readonly<Record<string, unknown>> | undefined;
  readonly extensions?: Readonly<Record<string, unknown>> | undefined;
}

const canonicalDocuments = new WeakMap<DocumentNode, string>();

/** The document printed without ignored characters — the same text however it was formatted. */
function canonicalQueryOf(document: DocumentNode): string {
  let text = canonicalDocuments.get(document);
  if (text === undefined) {
    text = stripIgnoredCharacters(print(document));
    canonicalDocuments.set(document, text);
  }
  return text;
}

/**
 * For the gateway: pass as `serializeExecutionRequest` to Hive's `useHmacUpstreamSignature`,
 * registered after the plugin that forwards `extensions.jwt`. It signs the document in its
 * canonical form (`stripIgnoredCharacters(print(document))`), so the signature does not depend
 * on how the transport prints the document (the Rust planner sends its own operation text);
 * the subgraph accepts either the text it received or that canonical form.
 */
export function serializeSignedRequest(request: SignableExecutionRequest, jwtExtensionName: string = JWT_EXTENSION): string {
  return serializeSignedParams(
    { query: canonicalQueryOf(request.document), variables: request.variables, extensions: request.extensions },
    jwtExtensionName,
  );
}

/** HMAC-SHA256 of `serialized` with `signingKey`, base64 — what Hive puts in `extensions["hmac-signature"]`. */
export function computeSignature(serialized: string, signingKey: string): string {
  return createHmac('sha256', signingKey).update(serialized, 'utf8').digest('base64');
}

/** What a signature check found. */
export type SignatureCheck = 'valid' | 'missing' | 'invalid';

export interface SignatureVerifierOptions {
  readonly signingKey: string;
  /** Default `hmac-signature`, as in Hive. */
  readonly extensionName?: string;
  /** Default `jwt`, as in Hive's `useJWT`. */
  readonly jwtExtensionName?: string;
  /** Token limit when the query is re-parsed to its canonical form. Default 20,000. */
  readonly maxTokens?: number;
}

const CANONICAL_CACHE_SIZE = 500;

/** Checks the gateway signature of request params, in constant time. */
export function createSignatureVerifier(options: SignatureVerifierOptions): (params: GraphQLRequestParams) => SignatureCheck {
  const extensionName = options.extensionName ?? HMAC_SIGNATURE_EXTENSION;
  const jwtExtensionName = options.jwtExtensionName ?? JWT_EXTENSION;
  const maxTokens = options.maxTokens ?? 20_000;
  const canonicalCache = new Map<string, string | null>();

  const canonicalQuery = (query: string): string | null => {
    const cached = canonicalCache.get(query);
    if (cached !== undefined) return cached;
    let canonical: string | null;
    try {
      canonical = stripIgnoredCharacters(print(parse(query, { noLocation: true, maxTokens })));
    } catch {
      canonical = null;
    }
    if (canonicalCache.size >= CANONICAL_CACHE_SIZE) {
      const oldest = canonicalCache.keys().next().value;
      if (oldest !== undefined) canonicalCache.delete(oldest);
    }
    canonicalCache.set(query, canonical);
    return canonical;
  };

  const matches = (provided: Buffer, params: GraphQLRequestParams): boolean => {
    const expected = createHmac('sha256', options.signingKey).update(serializeSignedParams(params, jwtExtensionName), 'utf8').digest();
    return expected.length === provided.length && timingSafeEqual(expected, provided);
  };

  return (params) => {
    const signature = isRecord(params.extensions) ? params.extensions[extensionName] : undefined;
    if (typeof signature !== 'string' || signature.length === 0) return 'missing';
    const provided = Buffer.from(signature, 'base64');
    if (provided.length !== 32) return 'invalid';
    let serializable = true;
    try {
      if (matches(provided, params)) return 'valid';
    } catch {
      serializable = false;
    }
    if (!serializable || typeof params.query !== 'string') return 'invalid';
    const canonical = canonicalQuery(params.query);
    if (canonical === null || canonical === params.query) return 'invalid';
    return matches(provided, { ...params, query: canonical }) ? 'valid' : 'invalid';
  };
}
