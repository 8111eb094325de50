import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT, exportJWK, exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, type JWK } from 'jose';
import { NATIONAL_JURISDICTION, type Agency, type Organisation } from '@antq/sdk';

/** The issuer and audience of development tokens. */
export const DEVELOPMENT_ISSUER = 'urn:antq:development-issuer';
export const GRAPH_AUDIENCE = 'antq-graph';
const ALGORITHM = 'ES256';

/** Claims of an ANTQ Graph caller token. */
export interface CallerTokenClaims {
  readonly agency: Agency;
  readonly organisation?: Organisation;
  /**
   * Area code the caller's authority covers (its subtree and lineage), or `"VN"`
   * ({@link NATIONAL_JURISDICTION}) for the whole country. Left out, the token has no
   * area-bound rights: it reads, but neither writes nor grants.
   */
  readonly jurisdiction?: string;
  readonly roles?: readonly string[];
  /** public, shared or restricted. */
  readonly clearance?: string;
  /** Subject; defaults to a name made from the claims. */
  readonly subject?: string;
  /** Lifetime, e.g. "8h". */
  readonly expiresIn?: string;
}

export interface DevelopmentIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** Public key in PEM, for verifiers configured with a key rather than a JWKS URL. */
  readonly publicKeyPem: string;
  readonly jwks: { keys: JWK[] };
  mint(claims: CallerTokenClaims): Promise<string>;
}

interface StoredKey {
  kid: string;
  privateKeyPem: string;
  publicKeyPem: string;
  publicJwk: JWK;
}

/**
 * Nơi cấp thẻ thử — the built-in token issuer of the embedded mode. Its key is kept in the
 * data folder so tokens printed at start keep working across restarts. Never for production:
 * there the gateway verifies tokens of the agencies' own identity provider through JWKS.
 */
export async function createDevelopmentIssuer(options: { keyDir?: string } = {}): Promise<DevelopmentIssuer> {
  const stored = options.keyDir ? await readKey(options.keyDir) : undefined;
  const key = stored ?? (await newKey());
  if (options.keyDir && !stored) {
    await mkdir(options.keyDir, { recursive: true });
    await writeFile(join(options.keyDir, 'development-issuer.json'), JSON.stringify(key, null, 2), { mode: 0o600 });
  }
  const privateKey = await importPKCS8(key.privateKeyPem, ALGORITHM);
  return {
    issuer: DEVELOPMENT_ISSUER,
    audience: GRAPH_AUDIENCE,
    publicKeyPem: key.publicKeyPem,
    jwks: { keys: [{ ...key.publicJwk, kid: key.kid, alg: ALGORITHM, use: 'sig' }] },
    async mint(claims) {
      const scope = claims.jurisdiction === NATIONAL_JURISDICTION ? 'national' : (claims.jurisdiction ?? 'no-area');
      const subject = claims.subject ?? `${claims.agency}:${scope}:${(claims.roles ?? ['analyst']).join('+')}`;
      return new SignJWT({
        agency: claims.agency,
        ...(claims.organisation ? { organisation: claims.organisation } : {}),
        ...(claims.jurisdiction ? { jurisdiction: claims.jurisdiction } : {}),
        roles: [...(claims.roles ?? ['analyst'])],
        clearance: claims.clearance ?? 'shared',
      })
        .setProtectedHeader({ alg: ALGORITHM, kid: key.kid })
        .setIssuer(DEVELOPMENT_ISSUER)
        .setAudience(GRAPH_AUDIENCE)
        .setSubject(subject)
        .setIssuedAt()
        .setExpirationTime(claims.expiresIn ?? '12h')
        .sign(privateKey);
    },
  };
}

async function newKey(): Promise<StoredKey> {
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  return {
    kid: `dev-${Date.now().toString(36)}`,
    privateKeyPem: await exportPKCS8(privateKey),
    publicKeyPem: await exportSPKI(publicKey),
    publicJwk: await exportJWK(publicKey),
  };
}

async function readKey(keyDir: string): Promise<StoredKey | undefined> {
  try {
    return JSON.parse(await readFile(join(keyDir, 'development-issuer.json'), 'utf8')) as StoredKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
