import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT, importPKCS8 } from 'jose';
import { NATIONAL_JURISDICTION, type Agency } from '@antq/sdk';

/**
 * Thẻ thử — tokens of the development issuer that `npm start` runs. The key is the one `npm start`
 * keeps in `<data dir>/issuer/development-issuer.json`; the token has the shape
 * `@antq/gateway/development-issuer` mints (same issuer, audience, claims and ES256), so a token
 * of `antq token` and one of `npm run token` are interchangeable. The gateway itself is not
 * imported: its runtime is large and not published.
 */
export const DEVELOPMENT_ISSUER = 'urn:antq:development-issuer';
export const GRAPH_AUDIENCE = 'antq-graph';

export interface DevelopmentClaims {
  readonly agency: Agency;
  readonly organisation?: string;
  /** An area code, or "VN" for the whole country; left out, the token only reads. */
  readonly jurisdiction?: string;
  readonly roles: readonly string[];
  readonly clearance: string;
  /** Lifetime in jose's syntax: 90s, 30m, 12h, 7d, 2w. */
  readonly expiresIn: string;
}

interface StoredKey {
  readonly kid: string;
  readonly privateKeyPem: string;
}

/** Where `npm start` keeps the development issuer's key, under a data folder. */
export const developmentKeyFile = (dataDir: string): string => join(dataDir, 'issuer', 'development-issuer.json');

/** The stored key, or undefined when the data folder has none (not `npm start`'s, or never started). */
export async function readDevelopmentKey(dataDir: string): Promise<StoredKey | undefined> {
  try {
    return JSON.parse(await readFile(developmentKeyFile(dataDir), 'utf8')) as StoredKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Signs a caller token with the development key. */
export async function mintDevelopmentToken(key: StoredKey, claims: DevelopmentClaims): Promise<string> {
  const scope = claims.jurisdiction === NATIONAL_JURISDICTION ? 'national' : (claims.jurisdiction ?? 'no-area');
  return new SignJWT({
    agency: claims.agency,
    ...(claims.organisation ? { organisation: claims.organisation } : {}),
    ...(claims.jurisdiction ? { jurisdiction: claims.jurisdiction } : {}),
    roles: [...claims.roles],
    clearance: claims.clearance,
  })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setIssuer(DEVELOPMENT_ISSUER)
    .setAudience(GRAPH_AUDIENCE)
    .setSubject(`${claims.agency}:${scope}:${claims.roles.join('+')}`)
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn)
    .sign(await importPKCS8(key.privateKeyPem, 'ES256'));
}
