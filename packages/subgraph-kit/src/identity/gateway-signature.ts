import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import canonicalize from 'canonicalize';
import { parse, print, stripIgnoredCharacters, type DocumentNode } from 'graphql';

/**
 * Chữ ký cổng — how the gateway signs every request it sends to a subgraph, so that a subgraph
 * answers only the gateway, only fresh requests, each once, and only requests meant for it.
 *
 * The signature travels in the GraphQL request itself, `extensions["antq-signature"]`, so the
 * same scheme covers HTTP requests and the `subscribe` messages of graphql-ws:
 *
 * ```json
 * { "v": 1, "aud": "police", "created": 1764645600, "nonce": "3q2-7wAAAAAAAAAAAAAAAA", "sig": "…" }
 * ```
 *
 * `sig` is base64url HMAC-SHA256, keyed with the audience's own key, over the signature base
 * (one line each, as RFC 9421 §2.5 lays out a signature base):
 *
 * ```
 * "@signature-params": antq-request/1
 * "aud": police
 * "created": 1764645600
 * "nonce": 3q2-7wAAAAAAAAAAAAAAAA
 * "request": <RFC 8785 JSON of { query, operationName, variables, extensions without "antq-signature" }>
 * ```
 *
 * - The audience key is HKDF-SHA256 of the shared signing key with the info `antq-subgraph:<aud>`:
 *   a signature made for one subgraph does not verify at another, and a subgraph can be given
 *   only its own key (`deriveSubgraphKey`), so it cannot sign for the others.
 * - `created` (unix seconds) must be within the subgraph's window (default 30 s back, 5 s ahead);
 *   `nonce` (128 random bits) must not have been seen in that window.
 * - Every extension is covered: the forwarded caller (`jwt`), the idempotency key, anything a
 *   gateway plugin adds before signing.
 * - A subgraph accepts a signature over the `query` text it received or over that text's
 *   canonical form (`stripIgnoredCharacters(print(parse(query)))`). A gateway that knows how its
 *   transport prints a document signs that text, which verifies at the first check; otherwise
 *   it signs the canonical form, which verifies however the transport prints.
 */

/** The extension that carries the signature. */
export const SIGNATURE_EXTENSION = 'antq-signature';
/** Hive's extension name for the forwarded JWT payload (`{ payload, token? }`). */
export const JWT_EXTENSION = 'jwt';
/** The version of the signature base this module writes and reads. */
const SIGNATURE_VERSION = 1;

/** The signature as it travels in `extensions["antq-signature"]`. */
export interface RequestSignature {
  readonly v: number;
  /** The subgraph the request is for (its name in the supergraph). */
  readonly aud: string;
  /** Unix seconds at signing. */
  readonly created: number;
  /** 128 random bits, base64url. */
  readonly nonce: string;
  /** base64url HMAC-SHA256 of the signature base. */
  readonly sig: string;
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
 * The key that signs requests for one subgraph: HKDF-SHA256 of the graph's signing key. The
 * gateway derives one per subgraph; a subgraph needs only its own.
 */
export function deriveSubgraphKey(signingKey: string, audience: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(signingKey, 'utf8'), Buffer.from('antq-graph'), Buffer.from(`antq-subgraph:${audience}`), 32));
}

function withoutSignature(extensions: unknown): Record<string, unknown> | undefined {
  if (!isRecord(extensions)) return undefined;
  const { [SIGNATURE_EXTENSION]: _signature, ...rest } = extensions;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/** The signature base for `params` (see the module comment). */
function signatureBase(params: GraphQLRequestParams, header: Pick<RequestSignature, 'aud' | 'created' | 'nonce'>): string {
  const variables = isRecord(params.variables) && Object.keys(params.variables).length > 0 ? params.variables : undefined;
  const request = canonicalize({
    query: params.query,
    operationName: typeof params.operationName === 'string' ? params.operationName : undefined,
    variables,
    extensions: withoutSignature(params.extensions),
  });
  return `"@signature-params": antq-request/${SIGNATURE_VERSION}\n` + `"aud": ${header.aud}\n"created": ${header.created}\n"nonce": ${header.nonce}\n"request": ${request}`;
}

function hmac(key: Buffer, base: string): Buffer {
  return createHmac('sha256', key).update(base, 'utf8').digest();
}

/** Signs `params` for `audience` now: returns the params with `extensions["antq-signature"]` set. */
export function signRequestParams<T extends GraphQLRequestParams>(
  params: T,
  options: { readonly key: Buffer; readonly audience: string; readonly now?: number },
): T & { extensions: Record<string, unknown> } {
  const header = {
    aud: options.audience,
    created: Math.floor((options.now ?? Date.now()) / 1000),
    nonce: randomBytes(16).toString('base64url'),
  };
  const signature: RequestSignature = { v: SIGNATURE_VERSION, ...header, sig: hmac(options.key, signatureBase(params, header)).toString('base64url') };
  return { ...params, extensions: { ...(withoutSignature(params.extensions) ?? {}), [SIGNATURE_EXTENSION]: signature } };
}

/** The parts of Hive's `ExecutionRequest` that are signed. */
export interface SignableExecutionRequest {
  readonly document: DocumentNode;
  readonly operationName?: string | undefined;
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
 * For the gateway: the signed extensions of an execution request bound for `audience`. The
 * document is signed as `print` gives it: pass the transport's own printer, so the subgraph
 * verifies the text it receives at its first check instead of printing and checking twice.
 * Without `print` it is signed in its canonical form, which the subgraph accepts however the
 * transport prints.
 */
export function signExecutionRequest(
  request: SignableExecutionRequest,
  options: { readonly key: Buffer; readonly audience: string; readonly now?: number; readonly print?: (document: DocumentNode) => string },
): Record<string, unknown> {
  const query = (options.print ?? canonicalQueryOf)(request.document);
  return signRequestParams({ query, operationName: request.operationName, variables: request.variables, extensions: request.extensions }, options).extensions;
}

/** How far a stale signature's date is from this clock, and what to do when every request is refused so. */
function staleDetail(offsetMs: number, maxAgeMs: number, skewMs: number): string {
  const seconds = Math.round(Math.abs(offsetMs) / 1000);
  const when = offsetMs > 0 ? `${seconds} s ahead of` : `${seconds} s behind`;
  return `signed ${when} this subgraph's clock, which takes ${maxAgeMs / 1000} s behind and ${skewMs / 1000} s ahead; if every request is refused so, the gateway's and this subgraph's clocks are out of step: keep them in sync (NTP)`;
}

/** Why a signature was refused. */
export type SignatureProblem = 'MISSING_SIGNATURE' | 'INVALID_SIGNATURE' | 'WRONG_AUDIENCE' | 'STALE_SIGNATURE' | 'REPLAYED_SIGNATURE';

/** What a signature check found. */
export type SignatureCheck =
  | { readonly ok: true; readonly signature: RequestSignature }
  /** `detail`: for a stale signature, how far its date is from this clock, which tells a replay from clocks out of step. */
  | { readonly ok: false; readonly problem: SignatureProblem; readonly detail?: string };

/**
 * Nonces seen inside the replay window. `claim` answers false when the nonce was seen before
 * (a replay). The default keeps them in memory; subgraph replicas that share a database share
 * a store (`createSqlNonceStore`).
 */
export interface NonceStore {
  claim(nonce: string, expiresAtMs: number): boolean | Promise<boolean>;
  close?(): void | Promise<void>;
}

/** Nonces in this process's memory, each forgotten once its window has passed. */
export function createMemoryNonceStore(): NonceStore {
  const seen = new Map<string, number>();
  let nextSweep = 0;
  return {
    claim(nonce, expiresAtMs) {
      const now = Date.now();
      if (now >= nextSweep) {
        for (const [key, expiry] of seen) if (expiry <= now) seen.delete(key);
        nextSweep = now + 1_000;
      }
      const known = seen.get(nonce);
      if (known !== undefined && known > now) return false;
      seen.set(nonce, expiresAtMs);
      return true;
    },
  };
}

export interface SignatureVerifierOptions {
  /** This subgraph's name in the supergraph: signatures for any other audience are refused. */
  readonly audience: string;
  /** The graph's signing key (the audience key is derived from it), or the audience key itself. */
  readonly signingKey?: string;
  readonly audienceKey?: Buffer;
  /** How old a signature may be, in seconds. Default 30. */
  readonly maxAgeSeconds?: number;
  /** How far ahead of this clock a signature may be dated, in seconds. Default 5. */
  readonly clockSkewSeconds?: number;
  readonly nonces?: NonceStore;
  /** Token limit when the query is re-parsed to its canonical form. Default 20,000. */
  readonly maxTokens?: number;
}

const CANONICAL_CACHE_SIZE = 500;

function readSignature(extensions: unknown): RequestSignature | undefined {
  const value = isRecord(extensions) ? extensions[SIGNATURE_EXTENSION] : undefined;
  if (!isRecord(value)) return undefined;
  const { v, aud, created, nonce, sig } = value;
  if (v !== SIGNATURE_VERSION || typeof aud !== 'string' || !Number.isSafeInteger(created) || typeof nonce !== 'string' || typeof sig !== 'string') return undefined;
  if (!/^[\w-]{16,64}$/.test(nonce) || !/^[\w-]{43}$/.test(sig)) return undefined;
  return { v, aud, created: created as number, nonce, sig };
}

/**
 * Checks the gateway's signature of request params: the HMAC over the request (constant time),
 * the audience, the age, and that the nonce is new. The nonce is claimed only once the
 * signature is known to be good, so unsigned traffic cannot fill the store.
 */
export function createSignatureVerifier(options: SignatureVerifierOptions): (params: GraphQLRequestParams) => Promise<SignatureCheck> {
  const key = options.audienceKey ?? (options.signingKey ? deriveSubgraphKey(options.signingKey, options.audience) : undefined);
  if (!key) throw new TypeError('createSignatureVerifier needs signingKey or audienceKey.');
  const maxAgeMs = (options.maxAgeSeconds ?? 30) * 1000;
  const skewMs = (options.clockSkewSeconds ?? 5) * 1000;
  const nonces = options.nonces ?? createMemoryNonceStore();
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

  const matches = (signature: RequestSignature, params: GraphQLRequestParams): boolean => {
    const provided = Buffer.from(signature.sig, 'base64url');
    let expected: Buffer;
    try {
      expected = hmac(key, signatureBase(params, signature));
    } catch {
      return false;
    }
    return expected.length === provided.length && timingSafeEqual(expected, provided);
  };

  return async (params) => {
    const signature = readSignature(params.extensions);
    if (!signature) return { ok: false, problem: isRecord(params.extensions) && SIGNATURE_EXTENSION in params.extensions ? 'INVALID_SIGNATURE' : 'MISSING_SIGNATURE' };
    if (signature.aud !== options.audience) return { ok: false, problem: 'WRONG_AUDIENCE' };
    let valid = matches(signature, params);
    if (!valid && typeof params.query === 'string') {
      const canonical = canonicalQuery(params.query);
      valid = canonical !== null && canonical !== params.query && matches(signature, { ...params, query: canonical });
    }
    if (!valid) return { ok: false, problem: 'INVALID_SIGNATURE' };
    const createdMs = signature.created * 1000;
    const now = Date.now();
    if (createdMs < now - maxAgeMs || createdMs > now + skewMs) return { ok: false, problem: 'STALE_SIGNATURE', detail: staleDetail(createdMs - now, maxAgeMs, skewMs) };
    if (!(await nonces.claim(signature.nonce, createdMs + maxAgeMs + skewMs))) return { ok: false, problem: 'REPLAYED_SIGNATURE' };
    return { ok: true, signature };
  };
}
