import { createAntqClient, type AntqClient } from '@antq/client';
import { NATIONAL_JURISDICTION, type Agency } from '@antq/sdk';
import { decodeJwt } from 'jose';
import { CliError } from './cli-error.js';
import { mintDevelopmentToken, readDevelopmentKey } from './development-token.js';
import { ExitCode } from './exit-codes.js';

/** The options every command takes (declared once on the program). */
export interface GlobalOptions {
  readonly url?: string;
  readonly token?: string;
  readonly dataDir?: string;
  readonly timeout?: string;
  readonly quiet?: boolean;
}

/** What a command needs of the caller when antq mints the token itself (against `npm start`). */
export interface TokenNeed {
  readonly agency?: Agency;
  readonly role: 'analyst' | 'editor' | 'admin';
  readonly clearance?: 'public' | 'shared' | 'restricted';
}

/** Who the token says the caller is (read from its claims, not verified: the gateway verifies). */
export interface CallerClaims {
  readonly agency?: string;
  readonly roles: readonly string[];
  readonly jurisdiction?: string;
  readonly clearance?: string;
}

export interface Connection {
  readonly url: string;
  readonly client: AntqClient;
  readonly caller: CallerClaims | undefined;
  close(): Promise<void>;
}

export const DEFAULT_URL = 'http://127.0.0.1:4000/graphql';

/** The GraphQL endpoint: --url, ANTQ_URL, or `npm start`'s; a bare origin gets `/graphql`. */
export function resolveUrl(globals: GlobalOptions, env: NodeJS.ProcessEnv = process.env): string {
  const given = globals.url ?? env.ANTQ_URL ?? DEFAULT_URL;
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new CliError(`"${given}" is not a URL. Set ANTQ_URL or --url to the gateway's GraphQL endpoint, e.g. ${DEFAULT_URL}.`, ExitCode.USAGE);
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/graphql';
  return url.toString();
}

/** The data folder of `npm start`: --data-dir, ANTQ_DATA_DIR, or `.data` here. */
export const resolveDataDir = (globals: GlobalOptions, env: NodeJS.ProcessEnv = process.env): string => globals.dataDir ?? env.ANTQ_DATA_DIR ?? '.data';

function claimsOf(token: string, source: string): CallerClaims & { exp?: number } {
  let claims;
  try {
    claims = decodeJwt(token);
  } catch {
    throw new CliError(`The token in ${source} is not a JWT. Set ANTQ_TOKEN (or --token) to a bearer token, or leave it unset against \`npm start\`.`, ExitCode.UNAUTHENTICATED);
  }
  return {
    ...(typeof claims.agency === 'string' ? { agency: claims.agency } : {}),
    roles: Array.isArray(claims.roles) ? claims.roles.map(String) : [],
    ...(typeof claims.jurisdiction === 'string' ? { jurisdiction: claims.jurisdiction } : {}),
    ...(typeof claims.clearance === 'string' ? { clearance: claims.clearance } : {}),
    ...(typeof claims.exp === 'number' ? { exp: claims.exp } : {}),
  };
}

/**
 * The token to send: --token, ANTQ_TOKEN, or — with neither, where `npm start`'s data folder holds
 * the development key — one minted for what the command needs. An expired token is refused here,
 * before a request, with what to do next.
 */
async function resolveToken(globals: GlobalOptions, need: TokenNeed, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const source = globals.token !== undefined ? '--token' : 'ANTQ_TOKEN';
  const given = globals.token ?? (env.ANTQ_TOKEN || undefined);
  if (given !== undefined) {
    const { exp } = claimsOf(given, source);
    if (exp !== undefined && exp * 1000 <= Date.now()) {
      throw new CliError(
        `The token in ${source} expired at ${new Date(exp * 1000).toISOString()}. Against \`npm start\`, unset it (antq mints one) or run \`npx antq token --agency <agency>\`; elsewhere get a new one from your identity provider.`,
        ExitCode.UNAUTHENTICATED,
      );
    }
    return given;
  }
  const dataDir = resolveDataDir(globals, env);
  const key = await readDevelopmentKey(dataDir);
  if (!key) return undefined;
  const agency = need.agency ?? 'police';
  const clearance = need.clearance ?? (need.role === 'analyst' ? 'shared' : 'restricted');
  if (!globals.quiet) {
    process.stderr.write(`antq: no ANTQ_TOKEN; using a development token (${agency} ${need.role}, national, clearance ${clearance}) signed with the key in ${dataDir}/issuer\n`);
  }
  return mintDevelopmentToken(key, { agency, jurisdiction: NATIONAL_JURISDICTION, roles: [need.role], clearance, expiresIn: '1h' });
}

/** A client of the graph, with the token the command needs. */
export async function connect(globals: GlobalOptions, need: TokenNeed, env: NodeJS.ProcessEnv = process.env): Promise<Connection> {
  const url = resolveUrl(globals, env);
  const token = await resolveToken(globals, need, env);
  const timeoutMs = globals.timeout === undefined ? 30_000 : Number(globals.timeout) * 1000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new CliError(`--timeout takes seconds, e.g. 30; got "${globals.timeout}".`, ExitCode.USAGE);
  const client = createAntqClient({ url, ...(token ? { token } : {}), timeoutMs });
  return { url, client, caller: token ? claimsOf(token, 'the token') : undefined, close: () => client.close() };
}
