import type { GraphQLError } from 'graphql';
import { gatewaySignatureError, type GatewaySignatureProblem } from '../errors.js';
import { parseCallerClaims, type Caller } from './caller.js';
import { createSignatureVerifier, JWT_EXTENSION, type GraphQLRequestParams, type NonceStore, type SignatureCheck } from './gateway-signature.js';

export interface GatewayRequestVerifierOptions {
  /** This subgraph's name in the supergraph (the audience signatures must name). */
  readonly audience: string;
  /** The graph's signing key, shared with the gateway. Required unless `allowUnsigned`. */
  readonly signingKey?: string | undefined;
  /**
   * Local development only: accept requests without a signature (a request that carries a
   * signature must still carry a valid one). The caller is then read, unverified, from
   * `extensions.jwt.payload`.
   */
  readonly allowUnsigned?: boolean;
  /** How old a signature may be, in seconds (default 30). */
  readonly maxAgeSeconds?: number;
  /**
   * Tolerance for the gateway's clock ahead of this one, for signatures (default 5 s). A caller's
   * `exp` and `nbf`, dated by the identity provider's clock, take the SDK's tolerance (30 s), as at the gateway.
   */
  readonly clockSkewSeconds?: number;
  /** Where nonces seen inside the window are kept (default: this process's memory). */
  readonly nonces?: NonceStore;
}

/** A request admitted as coming from the gateway, with the caller it forwarded (if any). */
export interface AdmittedRequest {
  readonly ok: true;
  /** False only for unsigned requests admitted under `allowUnsigned`. */
  readonly signed: boolean;
  /** Undefined when the gateway forwarded no JWT (an anonymous caller, or the gateway itself). */
  readonly caller: Caller | undefined;
}

/** A request refused, with the UNAUTHENTICATED error to send back. */
export interface RefusedRequest {
  readonly ok: false;
  readonly problem: GatewaySignatureProblem;
  /** What the problem is in this request (a stale signature's distance from this clock, the caller's wrong claim). */
  readonly detail?: string;
  readonly error: GraphQLError;
}

export type GatewayRequestVerdict = AdmittedRequest | RefusedRequest;

function refuse(problem: GatewaySignatureProblem, detail?: string): RefusedRequest {
  return { ok: false, problem, ...(detail === undefined ? {} : { detail }), error: gatewaySignatureError(problem, detail) };
}

/**
 * Decides whether request params come from the gateway, now, for this subgraph, and who the
 * caller is: the signature must verify (see `gateway-signature.ts`), and the forwarded JWT
 * payload, if any, must hold valid caller claims whose token is in force now — a captured
 * request stops working when its window passes, and so does its caller when the token expires.
 */
export function createGatewayRequestVerifier(options: GatewayRequestVerifierOptions): (params: GraphQLRequestParams) => Promise<GatewayRequestVerdict> {
  const skewSeconds = options.clockSkewSeconds ?? 5;
  const checkSignature: (params: GraphQLRequestParams) => Promise<SignatureCheck> | SignatureCheck = options.signingKey
    ? createSignatureVerifier({
        audience: options.audience,
        signingKey: options.signingKey,
        clockSkewSeconds: skewSeconds,
        ...(options.maxAgeSeconds === undefined ? {} : { maxAgeSeconds: options.maxAgeSeconds }),
        ...(options.nonces ? { nonces: options.nonces } : {}),
      })
    : () => ({ ok: false, problem: 'MISSING_SIGNATURE' });
  const allowUnsigned = options.allowUnsigned === true;

  return async (params) => {
    const check = await checkSignature(params);
    const unsignedAllowed = !check.ok && check.problem === 'MISSING_SIGNATURE' && allowUnsigned;
    if (!check.ok && !unsignedAllowed) return refuse(check.problem, check.detail);

    const extensions = params.extensions;
    const jwt = typeof extensions === 'object' && extensions !== null ? (extensions as Record<string, unknown>)[JWT_EXTENSION] : undefined;
    const payload = typeof jwt === 'object' && jwt !== null ? (jwt as { payload?: unknown }).payload : undefined;
    if (payload === undefined || payload === null) return { ok: true, signed: check.ok, caller: undefined };
    const parsed = parseCallerClaims(payload);
    if (!parsed.ok) return refuse(parsed.outsideLifetime ? 'EXPIRED_CALLER' : 'INVALID_CALLER', parsed.problem);
    return { ok: true, signed: check.ok, caller: parsed.caller };
  };
}
