import { AntqError, ErrorCode, type Caller } from '@antq/sdk';

/*
 * The caller and its one parser live in the SDK (`@antq/sdk`), so the gateway and every
 * subgraph read a token the same way; re-exported here for the kit's users.
 */
export { Clearance, NATIONAL_JURISDICTION, parseCallerClaims, type Caller, type CallerClaims, type ParsedCaller } from '@antq/sdk';

/** The caller of this operation; throws UNAUTHENTICATED when the gateway forwarded none. */
export function requireCaller(context: { readonly caller?: Caller | undefined }): Caller {
  if (!context.caller) {
    throw new AntqError(ErrorCode.UNAUTHENTICATED, 'This operation needs a signed-in caller. Send it through the gateway with a bearer token.');
  }
  return context.caller;
}
