import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgencyFeed } from '@antq/subgraph-kit';
import type { Gateway } from '../src/index.js';
import { post, startTwoAgencyGraph, type TwoAgencyGraph } from './two-agency-graph.js';

/** Restricted police data in Tây Ninh (80): a front caller reads it only under a police grant. */
const RESTRICTED = '{ area(code: "80") { police { complexAreaDesignations { id } } } }';
const GRANT = 'mutation ($input: AccessGrantInput!) { grantPoliceAccess(input: $input) { id } }';
const REVOKE = 'mutation ($id: ID!) { revokePoliceAccessGrant(id: $id) { active } }';

let graph: TwoAgencyGraph;
let gateway: Gateway;
/** A second gateway on the same subgraphs, as another replica behind a load balancer. */
let other: Gateway;
let policeAdmin: string;
let frontRestricted: string;

const readCode = async (through: Gateway) => (await post(through.url, RESTRICTED, frontRestricted)).body.errors?.[0]?.extensions?.code ?? 'shown';

async function grant(through: Gateway): Promise<string> {
  const input = { grantee: 'FRONT', areaCode: '80', validUntil: new Date(Date.now() + 3_600_000).toISOString() };
  const granted = await post(through.url, GRANT, policeAdmin, { input });
  expect(granted.body.errors).toBeUndefined();
  return (granted.body.data as { grantPoliceAccess: { id: string } }).grantPoliceAccess.id;
}

async function revoke(through: Gateway, id: string): Promise<void> {
  expect((await post(through.url, REVOKE, policeAdmin, { id })).body.errors).toBeUndefined();
}

/** Waits until `gateway` has heard of every police change written so far (its outbox head). */
async function policeChangesHeard(): Promise<void> {
  const police = graph.subgraphs.find((subgraph) => subgraph.agency === 'police')!;
  const { head } = await createAgencyFeed({ agency: 'police', url: police.url, signingKey: graph.signingKey }).read(0, 0, 0);
  await gateway.changesHeard('police', head);
}

beforeAll(async () => {
  graph = await startTwoAgencyGraph();
  gateway = await graph.gateway();
  other = await graph.gateway({ metrics: false });
  policeAdmin = await graph.issuer.mint({ agency: 'police', roles: ['admin'], clearance: 'restricted', jurisdiction: 'VN' });
  frontRestricted = await graph.issuer.mint({ agency: 'front', roles: ['analyst'], clearance: 'restricted' });
}, 300_000);

afterAll(async () => {
  await graph?.close();
}, 120_000);

describe("the gateway's grant directory", () => {
  it('applies a grant or a revocation through this gateway to the very next operation', async () => {
    expect(await readCode(gateway)).toBe('FORBIDDEN');
    const id = await grant(gateway);
    expect(await readCode(gateway)).toBe('shown');
    await revoke(gateway, id);
    expect(await readCode(gateway)).toBe('FORBIDDEN');
  });

  it("applies a grant or a revocation through another gateway once the owner's outbox says so", async () => {
    await policeChangesHeard();
    expect(await readCode(gateway)).toBe('FORBIDDEN');
    const id = await grant(other);
    await policeChangesHeard();
    expect(await readCode(gateway)).toBe('shown');
    await revoke(other, id);
    await policeChangesHeard();
    expect(await readCode(gateway)).toBe('FORBIDDEN');
  });
});
