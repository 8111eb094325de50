export {
  assertJurisdiction,
  assertOwningAgency,
  Clearance,
  NATIONAL_JURISDICTION,
  parseCallerClaims,
  requireCaller,
  type Caller,
  type CallerClaims,
  type ParsedCaller,
} from './caller.js';
export {
  canonicalJson,
  computeSignature,
  createSignatureVerifier,
  HMAC_SIGNATURE_EXTENSION,
  JWT_EXTENSION,
  serializeSignedParams,
  serializeSignedRequest,
  type GraphQLRequestParams,
  type SignableExecutionRequest,
  type SignatureCheck,
  type SignatureVerifierOptions,
} from './gateway-signature.js';
export {
  createGatewayRequestVerifier,
  type AdmittedRequest,
  type GatewayRequestVerdict,
  type GatewayRequestVerifierOptions,
  type RefusedRequest,
} from './gateway-request.js';
