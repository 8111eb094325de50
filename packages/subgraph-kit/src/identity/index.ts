export { Clearance, NATIONAL_JURISDICTION, parseCallerClaims, requireCaller, type Caller, type CallerClaims, type ParsedCaller } from './caller.js';
export {
  createMemoryNonceStore,
  createSignatureVerifier,
  deriveSubgraphKey,
  JWT_EXTENSION,
  SIGNATURE_EXTENSION,
  signExecutionRequest,
  signRequestParams,
  type GraphQLRequestParams,
  type NonceStore,
  type RequestSignature,
  type SignableExecutionRequest,
  type SignatureCheck,
  type SignatureProblem,
  type SignatureVerifierOptions,
} from './gateway-signature.js';
export { createSqlNonceStore, requestNonceMigrations } from './sql-nonce-store.js';
export { createGatewayRequestVerifier, type AdmittedRequest, type GatewayRequestVerdict, type GatewayRequestVerifierOptions, type RefusedRequest } from './gateway-request.js';
