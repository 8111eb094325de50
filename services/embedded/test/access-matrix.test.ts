import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCIES as ALL_AGENCIES, AGENCY_CODES, INDICATORS, type Agency } from '@antq/sdk';
import { postGraphQL, type GraphQLResponse } from '@antq/testing';
import { startEmbeddedGraph, type EmbeddedGraph } from '../src/index.js';

/*
 * Ma trận phân quyền — every agency × role and clearance × field classification × grant state,
 * through the gateway, asserting exactly what is shown and what is refused. The expected
 * outcome comes from the access rules as written in the README, not from the implementation:
 *   public      — anyone, signed in or not;
 *   shared      — a caller of any agency with clearance shared or restricted;
 *   restricted  — a caller with clearance restricted of the owning agency, or of an agency the
 *                 owner granted access to for an area covering the data, while the grant runs.
 */

const AGENCIES = AGENCY_CODES;
const PREFIX = Object.fromEntries(ALL_AGENCIES.map((agency) => [agency.code, agency.typePrefix])) as Record<Agency, string>;

type Clearance = 'public' | 'shared' | 'restricted';
interface Caller {
  readonly name: string;
  readonly agency?: Agency;
  readonly role?: string;
  readonly clearance?: Clearance;
}
const CALLERS: readonly Caller[] = [
  { name: 'anonymous' },
  ...AGENCIES.flatMap((agency) => [
    { name: `${agency} analyst (public)`, agency, role: 'analyst', clearance: 'public' as const },
    { name: `${agency} analyst (shared)`, agency, role: 'analyst', clearance: 'shared' as const },
    { name: `${agency} analyst (restricted)`, agency, role: 'analyst', clearance: 'restricted' as const },
    { name: `${agency} editor (restricted)`, agency, role: 'editor', clearance: 'restricted' as const },
  ]),
];

type Classification = 'public' | 'shared' | 'restricted';
/** One field of each class per owning agency, read under Tây Ninh (80), which holds the seed communes. */
function probe(owner: Agency, classification: Classification): string {
  const P = PREFIX[owner];
  switch (classification) {
    case 'public':
      return `{ area(code: "80") { ${owner} { models(first: 1) { totalCount } } } }`;
    case 'shared':
      return `{ area(code: "80") { ${owner} { observations(first: 1) { totalCount } } } }`;
    case 'restricted':
      return owner === 'police'
        ? '{ area(code: "80") { police { complexAreaDesignations { id } } } }'
        : `{ ${owner}Observations(filter: { area: "80", period: "1991" }, first: 5) { nodes { ... on ${P}Observation { id history { revision } } } } }`;
  }
}

type GrantState = 'none' | 'active for 80' | 'active for another area' | 'revoked' | 'expired';
const GRANT_STATES: readonly GrantState[] = ['none', 'active for 80', 'active for another area', 'revoked', 'expired'];

function expected(caller: Caller, owner: Agency, classification: Classification, grant: GrantState): 'shown' | 'UNAUTHENTICATED' | 'FORBIDDEN' {
  if (classification === 'public') return 'shown';
  if (!caller.agency) return 'UNAUTHENTICATED';
  if (classification === 'shared') return caller.clearance === 'public' ? 'FORBIDDEN' : 'shown';
  if (caller.clearance !== 'restricted') return 'FORBIDDEN';
  if (caller.agency === owner) return 'shown';
  return grant === 'active for 80' ? 'shown' : 'FORBIDDEN';
}

function outcome(response: GraphQLResponse<unknown>): string {
  const codes = (response.errors ?? []).map((error) => String(error.extensions?.code));
  if (codes.length === 0) return 'shown';
  return codes.includes('UNAUTHENTICATED') ? 'UNAUTHENTICATED' : codes.includes('FORBIDDEN') ? 'FORBIDDEN' : `other: ${codes.join(', ')}`;
}

type Ask = (query: string, token?: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<unknown>>;

/** Every owner grants every other agency, for the state asked; earlier grants are revoked first. */
async function setGrants(ask: Ask, admins: Map<Agency, string>, state: GrantState): Promise<void> {
  for (const owner of AGENCIES) {
    const P = PREFIX[owner];
    const listed = await ask(`{ ${owner}AccessGrants { id } }`, admins.get(owner));
    expect(listed.errors).toBeUndefined();
    for (const { id } of (listed.data as Record<string, { id: string }[]>)[`${owner}AccessGrants`]!) {
      expect((await ask(`mutation ($id: ID!) { revoke${P}AccessGrant(id: $id) { active } }`, admins.get(owner), { id })).errors).toBeUndefined();
    }
    if (state === 'none') continue;
    const hour = 3_600_000;
    for (const grantee of AGENCIES.filter((agency) => agency !== owner)) {
      const input = {
        grantee: grantee.toUpperCase(),
        areaCode: state === 'active for another area' ? '68' : '80',
        ...(state === 'expired'
          ? { validFrom: new Date(Date.now() - 2 * hour).toISOString(), validUntil: new Date(Date.now() - hour).toISOString() }
          : { validUntil: new Date(Date.now() + hour).toISOString() }),
      };
      const granted = await ask(`mutation ($input: AccessGrantInput!) { grant${P}Access(input: $input) { id active } }`, admins.get(owner), { input });
      expect(granted.errors).toBeUndefined();
      const grant = (granted.data as Record<string, { id: string; active: boolean }>)[`grant${P}Access`]!;
      expect(grant.active).toBe(state.startsWith('active') || state === 'revoked');
      if (state === 'revoked') {
        expect((await ask(`mutation ($id: ID!) { revoke${P}AccessGrant(id: $id) { active } }`, admins.get(owner), { id: grant.id })).errors).toBeUndefined();
      }
    }
  }
}

describe('access matrix: agency × role × classification × grant', () => {
  let graph: EmbeddedGraph;
  let dataDir: string;
  const tokens = new Map<string, string>();
  const admins = new Map<Agency, string>();

  const ask: Ask = (query, token, variables) =>
    postGraphQL(graph.gateway.url, { query, ...(variables ? { variables } : {}) }, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'antq-access-'));
    graph = await startEmbeddedGraph({ dataDir, port: 0 });
    for (const caller of CALLERS) {
      if (caller.agency)
        tokens.set(
          caller.name,
          await graph.issuer.mint({ agency: caller.agency, roles: [caller.role!], clearance: caller.clearance!, ...(caller.role === 'editor' ? { jurisdiction: '80' } : {}) }),
        );
    }
    // National administrators: a national scope is the explicit jurisdiction "VN", never a missing claim.
    for (const agency of AGENCIES) admins.set(agency, await graph.issuer.mint({ agency, roles: ['admin'], clearance: 'restricted', jurisdiction: 'VN' }));
    // One figure per agency in Mỹ Lộc (28177), so restricted reads of observations have a record to guard.
    for (const agency of AGENCIES) {
      const indicator = INDICATORS.find((candidate) => candidate.reportedBy === agency)!;
      const reported = await ask(`mutation ($input: ObservationInput!) { report${PREFIX[agency]}Observation(input: $input) { id } }`, tokens.get(`${agency} editor (restricted)`), {
        input: { indicator: indicator.code, areaCode: '28177', period: '1991', value: 1 },
      });
      expect(reported.errors).toBeUndefined();
    }
  }, 120_000);

  afterAll(async () => {
    await graph?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  describe.each(GRANT_STATES)('grants: %s', (state) => {
    beforeAll(() => setGrants(ask, admins, state), 60_000);

    const rows = CALLERS.flatMap((caller) =>
      AGENCIES.flatMap((owner) => (['public', 'shared', 'restricted'] as const).map((classification) => ({ caller, owner, classification }))),
    );
    it.each(rows)('$caller.name reading $owner $classification data', async ({ caller, owner, classification }) => {
      const response = await ask(probe(owner, classification), tokens.get(caller.name));
      expect(outcome(response)).toBe(expected(caller, owner, classification, state));
    });
  });

  it('lets only an administrator of the owning agency grant, within its jurisdiction, and never to itself', async () => {
    const input = { grantee: 'FRONT', areaCode: '80', validUntil: new Date(Date.now() + 60_000).toISOString() };
    const grant = (token: string | undefined, body = input) => ask('mutation ($input: AccessGrantInput!) { grantPoliceAccess(input: $input) { id } }', token, { input: body });
    expect(outcome(await grant(undefined))).toBe('UNAUTHENTICATED');
    expect((await grant(tokens.get('front editor (restricted)'))).errors?.[0]?.extensions?.code).toBe('NOT_OWNING_AGENCY');
    expect((await grant(tokens.get('police editor (restricted)'))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const provincialAdmin = await graph.issuer.mint({ agency: 'police', roles: ['admin'], clearance: 'restricted', jurisdiction: '68' });
    expect((await grant(provincialAdmin)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // No jurisdiction claim is no area-bound right at all: neither national nor for an area.
    const unboundAdmin = await graph.issuer.mint({ agency: 'police', roles: ['admin'], clearance: 'restricted' });
    expect((await grant(unboundAdmin)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await grant(unboundAdmin, { grantee: 'FRONT', validUntil: input.validUntil } as typeof input)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await grant(provincialAdmin, { grantee: 'FRONT', validUntil: input.validUntil } as typeof input)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const national = await grant(admins.get('police'), { grantee: 'FRONT', validUntil: input.validUntil } as typeof input);
    expect(national.errors).toBeUndefined();
    const nationalId = (national.data as { grantPoliceAccess: { id: string } }).grantPoliceAccess.id;
    expect((await ask('mutation ($id: ID!) { revokePoliceAccessGrant(id: $id) { id } }', unboundAdmin, { id: nationalId })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await ask('mutation ($id: ID!) { revokePoliceAccessGrant(id: $id) { id } }', admins.get('police'), { id: nationalId })).errors).toBeUndefined();
    expect((await grant(admins.get('police'), { ...input, grantee: 'POLICE' })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await grant(admins.get('police'), { ...input, areaCode: '99999' })).errors?.[0]?.extensions?.code).toBe('UNKNOWN_AREA');
  });

  itRefusesGrantsThatCannotStand({ ask, graph: () => graph, policeAdmin: () => admins.get('police')! });

  it('hides the grant look-up the gateway uses from clients', async () => {
    const response = await ask('{ _policeActiveGrants(grantee: FRONT) { id } }', admins.get('front'));
    expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

/** Writes and grants whose caller or input cannot stand: refused, nothing stored. */
function itRefusesGrantsThatCannotStand(ctx: { ask: Ask; graph: () => EmbeddedGraph; policeAdmin: () => string }): void {
  it('gives a token whose jurisdiction names no unit no right to write or grant anywhere (FORBIDDEN, not the area of the request)', async () => {
    const editor = await ctx.graph().issuer.mint({ agency: 'police', roles: ['editor', 'admin'], clearance: 'restricted', jurisdiction: '99' });
    const report = await ctx.ask('mutation { reportPoliceObservation(input: { indicator: "fights_prevented", areaCode: "28177", period: "2026-04", value: 1 }) { id } }', editor);
    expect(report.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', jurisdiction: '99', areaCode: '28177' });
    const validUntil = new Date(Date.now() + 60_000).toISOString();
    const grant = await ctx.ask('mutation ($input: AccessGrantInput!) { grantPoliceAccess(input: $input) { id } }', editor, {
      input: { grantee: 'FRONT', areaCode: '80', validUntil },
    });
    expect(grant.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', jurisdiction: '99' });
  });

  it('refuses a grant whose note no store should keep, or whose window ends before it starts, and stores nothing', async () => {
    const count = async () =>
      ((await ctx.ask('{ policeAccessGrants(includeInactive: true) { id } }', ctx.policeAdmin())).data as { policeAccessGrants: unknown[] }).policeAccessGrants.length;
    const before = await count();
    const validUntil = new Date(Date.now() + 60_000).toISOString();
    const refused: [Record<string, unknown>, string][] = [
      ...['a\u0007b', 'x'.repeat(2001)].map((note): [Record<string, unknown>, string] => [{ validUntil, note }, 'note']),
      // The one check of a grant's window is the SDK's validation.
      [{ validFrom: new Date(Date.now() + 120_000).toISOString(), validUntil }, 'validUntil'],
    ];
    for (const [fields, path] of refused) {
      const response = await ctx.ask('mutation ($input: AccessGrantInput!) { grantPoliceAccess(input: $input) { id } }', ctx.policeAdmin(), {
        input: { grantee: 'FRONT', areaCode: '80', ...fields },
      });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path }] });
    }
    expect(await count()).toBe(before);
  });
}
