import type { GraphQLError } from 'graphql';
import { gatewaySignatureError, type GatewaySignatureProblem } from '../errors.js';
import { parseCallerClaims, type Caller } from './caller.js';
import {
  createSignatureVerifier,
  JWT_EXTENSION,
  type GraphQLRequestParams,
  type SignatureCheck,
} from './gateway-signature.js';

export interface GatewayRequestVerifierOptions {
  /** The HMAC secret shared with the gateway. Required unless `allowUnsigned`. */
  readonly signingKey?: string | undefined;
  /**
   * Local development only: accept requests without a signature (a request that carries a
   * signature must still carry a valid one). The caller is then read, unverified, from
   * `extensions.jwt.payload`.
   */
  readonly allowUnsigned?: boolean;
  readonly extensionName?: string;
  readonly jwtExtensionName?: string;
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
  readonly error: GraphQLError;
}

export type GatewayRequestVerdict = AdmittedRequest | RefusedRequest;

function refuse(problem: GatewaySignatureProblem, detail?: string): RefusedRequest {
  return { ok: false, problem, error: gatewaySignatureError(problem, detail) };
}

/**
 * Decides whether request params come from the gateway and who the caller is: the HMAC
 * signature must match (see `gateway-signature.ts`), and the forwarded JWT payload, if any,
 * must hold valid caller claims.
 */
export function createGatewayRequestVerifier(options: GatewayRequestVerifierOptions): (params: GraphQLRequestParams) => GatewayRequestVerdict {
  const jwtExtensionName = options.jwtExtensionName ?? JWT_EXTENSION;
  const checkSignature: (params: GraphQLRequestParams) => SignatureCheck = options.signingKey
    ? createSignatureVerifier({
        signingKey: options.signingKey,
        jwtExtensionName,
        ...(options.extensionName === undefined ? {} : { extensionName: options.extensionName }),
      })
    : () => 'missing';
  const allowUnsigned = options.allowUnsigned === true;

  return (params) => {
    const check = checkSignature(params);
    if (check === 'invalid') return refuse('INVALID_SIGNATURE');
    if (check === 'missing' && !allowUnsigned) return refuse('MISSING_SIGNATURE');

    const extensions = params.extensions;
    const jwt =
      typeof extensions === 'object' && extensions !== null ? (extensions as Record<string, unknown>)[jwtExtensionName] : undefined;
    const payload = typeof jwt === 'object' && jwt !== null ? (jwt as { payload?: unknown }).payload : undefined;
    if (payload === undefined || payload === null) {
      return { ok: true, signed: check === 'valid', caller: undefined };
    }
    const parsed = parseCallerClaims(payload);
    if (!parsed.ok) return refuse('INVALID_CALLER', parsed.problem);
    return { ok: true, signed: check === 'valid', caller: parsed.caller };
  };
}
