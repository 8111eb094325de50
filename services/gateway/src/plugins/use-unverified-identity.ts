import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { decodeJwt } from 'jose';
import { identityProblem, malformedIdentityError, malformedIdentityResponse } from '../identity/caller-of-context.js';

/** Reads the bearer token unverified into `context.jwt` (once), or hands `refuse` what is wrong with its claims. */
function refuseUnverified(request: Request, context: unknown, refuse: (problem: string) => void): void {
  const target = context as { jwt?: unknown; unverifiedRead?: true };
  if (target.unverifiedRead) return;
  target.unverifiedRead = true;
  const token = request.headers.get('authorization')?.replace(/^Bearer\s+/i, '');
  if (!token) return;
  let payload: object;
  try {
    payload = decodeJwt(token);
  } catch {
    return; // Not a JWT: anonymous.
  }
  target.jwt = { payload };
  const problem = identityProblem(target);
  if (problem !== undefined) {
    delete target.jwt;
    refuse(problem);
  }
}

/**
 * Local development with authentication switched off: the bearer token is read without
 * checking signature, issuer or audience — but its claims go through the same parser (expiry
 * included) as a verified token's, and a token whose claims do not parse is refused.
 */
export function useUnverifiedIdentity(): GatewayPlugin {
  return {
    // At request parsing (HTTP, where a refusal can still be a 401) or in onParams (websocket
    // operations): before context building, where the runtime's auth directives look for the caller.
    onRequestParse({ request, serverContext, endResponse, fetchAPI }) {
      refuseUnverified(request, serverContext, (problem) => endResponse(malformedIdentityResponse(problem, fetchAPI)));
    },
    onParams({ request, context, setResult }) {
      if (request) refuseUnverified(request, context, (problem) => setResult({ errors: [malformedIdentityError(problem)] }));
    },
    // Forwarded the way the JWT plugin forwards a verified payload.
    onSubgraphExecute({ executionRequest, setExecutionRequest }) {
      const payload = (executionRequest.context as { jwt?: { payload?: unknown } } | undefined)?.jwt?.payload;
      if (payload) setExecutionRequest({ ...executionRequest, extensions: { ...executionRequest.extensions, jwt: { payload } } });
    },
  };
}
