import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../src/index.js';
import { grantFrontPoliceAccess, post, revokePoliceAccess, startTwoAgencyGraph, type TwoAgencyGraph } from './two-agency-graph.js';

/*
 * Access control walks an operation once per kind of caller; the verdict it gives is kept, and
 * only ever to let the same operation through for the same kind of caller.
 */

/** Observations are classified SHARED: a caller of PUBLIC clearance is refused them. */
const OBSERVATIONS = 'query Observations { policeObservations(first: 1) { totalCount } }';
/** Restricted police data in Tây Ninh (80): a front caller of RESTRICTED clearance reads it under a police grant. */
const RESTRICTED = '{ area(code: "80") { police { complexAreaDesignations { id } } } }';
/** Designations are restricted to the police: included on demand. */
const DESIGNATIONS = 'query Area($full: Boolean!) { area(code: "80") { code police { complexAreaDesignations @include(if: $full) { id } } } }';

let graph: TwoAgencyGraph;
let gateway: Gateway;
const tokens: Record<'policeShared' | 'frontPublic' | 'frontShared' | 'frontRestricted' | 'policeRestricted' | 'policeAdmin', string> = {} as never;

/** The gateway's count of operations access control walked, and of those a kept verdict let through. */
async function verdicts(): Promise<{ walked: number; kept: number }> {
  const metric = await gateway.metricsRegistry!.getSingleMetric('antq_access_verdicts')!.get();
  const count = (verdict: string) => metric.values.find((value) => value.labels.verdict === verdict)?.value ?? 0;
  return { walked: count('walked'), kept: count('kept') };
}

async function codes(query: string, token: string | undefined, variables?: Record<string, unknown>) {
  const answer = await post(gateway.url, query, token, variables);
  return answer.body.errors?.map((error) => error.extensions?.code) ?? [];
}

/** What one operation did to the counts. */
async function counted(run: () => Promise<unknown>): Promise<{ walked: number; kept: number }> {
  const before = await verdicts();
  await run();
  const after = await verdicts();
  return { walked: after.walked - before.walked, kept: after.kept - before.kept };
}

beforeAll(async () => {
  graph = await startTwoAgencyGraph();
  gateway = await graph.gateway({ responseCache: false });
  tokens.policeShared = await graph.issuer.mint({ agency: 'police', roles: ['analyst'], clearance: 'shared' });
  tokens.frontPublic = await graph.issuer.mint({ agency: 'front', roles: ['analyst'], clearance: 'public' });
  tokens.frontShared = await graph.issuer.mint({ agency: 'front', roles: ['analyst'], clearance: 'shared' });
  tokens.policeRestricted = await graph.issuer.mint({ agency: 'police', roles: ['analyst'], clearance: 'restricted' });
  tokens.frontRestricted = await graph.issuer.mint({ agency: 'front', roles: ['analyst'], clearance: 'restricted' });
  tokens.policeAdmin = await graph.issuer.mint({ agency: 'police', roles: ['admin'], clearance: 'restricted', jurisdiction: 'VN' });
}, 300_000);

afterAll(async () => {
  await graph?.close();
}, 120_000);

describe("access control's kept verdicts", () => {
  it('walk an operation once for a kind of caller, and let it through again unwalked with the same answer', async () => {
    const first = await post(gateway.url, OBSERVATIONS, tokens.policeShared);
    expect(first.body.errors).toBeUndefined();
    const again = await counted(async () => expect((await post(gateway.url, OBSERVATIONS, tokens.policeShared)).body).toEqual(first.body));
    expect(again).toEqual({ walked: 0, kept: 1 });
    // Another caller of the same kind (agency, clearance, policies) shares the verdict.
    const other = await graph.issuer.mint({ agency: 'police', roles: ['analyst'], clearance: 'shared', subject: 'another-analyst' });
    expect(await counted(() => codes(OBSERVATIONS, other))).toEqual({ walked: 0, kept: 1 });
  });

  it('never let through a caller of another kind: refusals are walked every time', async () => {
    expect(await codes(OBSERVATIONS, tokens.policeShared)).toEqual([]);
    for (let attempt = 0; attempt < 2; attempt++) {
      let refused: unknown[] = [];
      expect(await counted(async () => (refused = await codes(OBSERVATIONS, tokens.frontPublic)))).toEqual({ walked: 1, kept: 0 });
      expect(refused).toContain('FORBIDDEN');
      expect(await codes(OBSERVATIONS, undefined)).toContain('UNAUTHENTICATED');
    }
    // A front caller of SHARED clearance holds other policies than the police: walked once, its own verdict after.
    expect(await counted(() => codes(OBSERVATIONS, tokens.frontShared))).toEqual({ walked: 1, kept: 0 });
    expect(await counted(() => codes(OBSERVATIONS, tokens.frontShared))).toEqual({ walked: 0, kept: 1 });
  });

  it('keep apart the values of the variables an @include reads', async () => {
    const without = { full: false };
    expect(await codes(DESIGNATIONS, tokens.frontShared, without)).toEqual([]);
    expect(await counted(() => codes(DESIGNATIONS, tokens.frontShared, without))).toEqual({ walked: 0, kept: 1 });
    for (let attempt = 0; attempt < 2; attempt++) {
      let refused: unknown[] = [];
      expect(await counted(async () => (refused = await codes(DESIGNATIONS, tokens.frontShared, { full: true })))).toEqual({ walked: 1, kept: 0 });
      expect(refused).toContain('FORBIDDEN');
    }
    // The police, who own the designations, are let through with them included.
    expect(await codes(DESIGNATIONS, tokens.policeRestricted, { full: true })).toEqual([]);
    expect(await counted(() => codes(DESIGNATIONS, tokens.policeRestricted, { full: true }))).toEqual({ walked: 0, kept: 1 });
  });

  it('are not found again by a caller whose grant was revoked: the walk refuses it at once', async () => {
    expect(await codes(RESTRICTED, tokens.frontRestricted)).toContain('FORBIDDEN');
    const grant = await grantFrontPoliceAccess(gateway.url, tokens.policeAdmin);
    expect(await counted(() => codes(RESTRICTED, tokens.frontRestricted))).toEqual({ walked: 1, kept: 0 });
    expect(await counted(() => codes(RESTRICTED, tokens.frontRestricted))).toEqual({ walked: 0, kept: 1 });
    await revokePoliceAccess(gateway.url, tokens.policeAdmin, grant);
    let refused: unknown[] = [];
    expect(await counted(async () => (refused = await codes(RESTRICTED, tokens.frontRestricted)))).toEqual({ walked: 1, kept: 0 });
    expect(refused).toContain('FORBIDDEN');
  });
});
