import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgencyFeed } from '@antq/subgraph-kit';
import type { Gateway } from '../src/index.js';
import { grantFrontPoliceAccess, post, revokePoliceAccess, startTwoAgencyGraph, type TwoAgencyGraph } from './two-agency-graph.js';

/** Restricted police data in Tây Ninh (80): a front caller reads it only under a police grant. */
const RESTRICTED = '{ area(code: "80") { police { complexAreaDesignations { id } } } }';
let graph: TwoAgencyGraph;
let gateway: Gateway;
/** A second gateway on the same subgraphs, as another replica behind a load balancer. */
let other: Gateway;
let policeAdmin: string;
let frontRestricted: string;

const readCode = async (through: Gateway) => (await post(through.url, RESTRICTED, frontRestricted)).body.errors?.[0]?.extensions?.code ?? 'shown';

const grant = (through: Gateway) => grantFrontPoliceAccess(through.url, policeAdmin);
const revoke = (through: Gateway, id: string) => revokePoliceAccess(through.url, policeAdmin, id);

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
