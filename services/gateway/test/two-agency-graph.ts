import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FormattedExecutionResult } from 'graphql';
import type { Agency } from '@antq/sdk';
import { loadAreaRegistry } from '@antq/sdk/areas';
import { createAgencySubgraph, type AgencySubgraph } from '@antq/subgraph-kit';
import { composeSupergraph, createDevelopmentIssuer, createGateway, type DevelopmentIssuer, type Gateway, type GatewayOptions } from '../src/index.js';

const schemaDir = new URL('../../../schema/', import.meta.url);

export const agencySdl = (agency: Agency) => readFile(new URL(`${agency}.graphql`, schemaDir), 'utf8');

/** The police and front subgraphs in this process, composed, with an issuer of test tokens. */
export interface TwoAgencyGraph {
  readonly signingKey: string;
  readonly supergraph: string;
  readonly issuer: DevelopmentIssuer;
  readonly subgraphs: readonly AgencySubgraph[];
  /** A gateway on these subgraphs that verifies the issuer's tokens. */
  gateway(options?: Partial<GatewayOptions>): Promise<Gateway>;
  close(): Promise<void>;
}

export async function startTwoAgencyGraph(): Promise<TwoAgencyGraph> {
  const signingKey = randomBytes(32).toString('base64');
  const registry = await loadAreaRegistry();
  const subgraphs: AgencySubgraph[] = [];
  for (const agency of ['police', 'front'] as const) {
    subgraphs.push(await createAgencySubgraph({ agency, typeDefs: await agencySdl(agency) }, { signingKey, registry, logLevel: 'silent' }));
  }
  const supergraph = composeSupergraph(await Promise.all(subgraphs.map(async (s) => ({ name: s.agency, url: s.url, sdl: await agencySdl(s.agency) }))));
  const issuer = await createDevelopmentIssuer();
  const gateways: Gateway[] = [];
  return {
    signingKey,
    supergraph,
    issuer,
    subgraphs,
    async gateway(options = {}) {
      const identity = { keys: { kind: 'key' as const, publicKeyPem: issuer.publicKeyPem }, issuer: issuer.issuer, audience: issuer.audience };
      const gateway = await createGateway({ supergraph, port: 0, signingKey, identity, logLevel: false, ...options });
      gateways.push(gateway);
      return gateway;
    },
    async close() {
      await Promise.all(gateways.map((gateway) => gateway.close()));
      await Promise.all(subgraphs.map((subgraph) => subgraph.close()));
    },
  };
}

export interface Answer {
  readonly status: number;
  readonly body: FormattedExecutionResult<Record<string, unknown>>;
}

export async function post(url: string, query: string, token?: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const GRANT = 'mutation ($input: AccessGrantInput!) { grantPoliceAccess(input: $input) { id } }';
const REVOKE = 'mutation ($id: ID!) { revokePoliceAccessGrant(id: $id) { active } }';

/** A police grant to the front over Tây Ninh (80) for an hour, made through `url` by a police admin; its id. */
export async function grantFrontPoliceAccess(url: string, policeAdmin: string): Promise<string> {
  const input = { grantee: 'FRONT', areaCode: '80', validUntil: new Date(Date.now() + 3_600_000).toISOString() };
  const granted = await post(url, GRANT, policeAdmin, { input });
  if (granted.body.errors) throw new Error(`The grant was refused: ${JSON.stringify(granted.body.errors)}`);
  return (granted.body.data as { grantPoliceAccess: { id: string } }).grantPoliceAccess.id;
}

export async function revokePoliceAccess(url: string, policeAdmin: string, id: string): Promise<void> {
  const revoked = await post(url, REVOKE, policeAdmin, { id });
  if (revoked.body.errors) throw new Error(`The revocation was refused: ${JSON.stringify(revoked.body.errors)}`);
}
