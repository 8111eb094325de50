import { decodeJwt, decodeProtectedHeader, errors as joseErrors, importSPKI, jwtVerify } from 'jose';
import type { CallerIdentityOptions } from './caller-identity-options.js';

const MINT_AGAIN = 'Mint a new one: use a token `npm start` printed, or npm run -s token -- --agency <agency> … (or get one from your identity provider).';

/**
 * Why a token the JWT plugin refused was refused, in words that say what to do next. Runs only
 * for a refused token, so the cost of a second look never falls on an accepted request. With a
 * configured public key (the development issuer) the signature is checked again to tell a token
 * of another key — one minted before `npm start -- --fresh` made a new key — from an expired one.
 */
export async function explainRefusedToken(token: string, options: CallerIdentityOptions): Promise<string | undefined> {
  let claims;
  let algorithm;
  try {
    claims = decodeJwt(token);
    algorithm = decodeProtectedHeader(token).alg;
  } catch {
    return undefined;
  }
  if (options.keys.kind === 'key') {
    try {
      const key = await importSPKI(options.keys.publicKeyPem, algorithm ?? 'ES256');
      await jwtVerify(token, key, { issuer: options.issuer, audience: options.audience });
    } catch (error) {
      if (error instanceof joseErrors.JWSSignatureVerificationFailed || error instanceof TypeError || error instanceof joseErrors.JOSENotSupported) {
        return `The bearer token is signed by a key this graph no longer has (npm start -- --fresh makes a new development key; or the token is from another graph). ${MINT_AGAIN}`;
      }
    }
  }
  if (typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now()) {
    return `The bearer token expired at ${new Date(claims.exp * 1000).toISOString()}. ${MINT_AGAIN}`;
  }
  if (claims.iss !== options.issuer) return `The bearer token was issued by "${claims.iss ?? '(none)'}"; this graph accepts tokens of "${options.issuer}". ${MINT_AGAIN}`;
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(options.audience)) return `The bearer token is for audience "${audiences.join(', ')}"; this graph is "${options.audience}". ${MINT_AGAIN}`;
  if (options.keys.kind === 'jwks') return `The bearer token's signature does not verify with the keys of the identity provider (${options.keys.url}). ${MINT_AGAIN}`;
  return undefined;
}

/** The bearer token of a request, if it sends one. */
export const bearerOf = (request: Request | undefined): string | undefined => /^Bearer\s+(\S+)$/i.exec(request?.headers.get('authorization')?.trim() ?? '')?.[1];
