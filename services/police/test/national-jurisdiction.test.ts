import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postSignedGraphQL, type GraphQLResponse, type TestCaller } from '@antq/testing';
import type { AgencySubgraph } from '@antq/subgraph-kit';
import { createPoliceSubgraph } from '../src/index.js';

/*
 * Phạm vi toàn quốc — every place the police subgraph reads a caller's jurisdiction (grants,
 * revocations, designations and the shared record writes) gives nationwide rights only to the
 * explicit national value "VN", never to a token without a jurisdiction claim.
 */

const signingKey = randomBytes(24).toString('base64');
let subgraph: AgencySubgraph;

const ask = (caller: TestCaller, query: string, variables: Record<string, unknown>) =>
  postSignedGraphQL<Record<string, { id: string }>>(subgraph.url, { query, variables, signingKey, audience: 'police', caller });
const code = (response: GraphQLResponse<unknown>) => response.errors?.[0]?.extensions?.code ?? 'ok';

const admin = (jurisdiction?: string): TestCaller => ({ agency: 'police', roles: ['admin'], clearance: 'restricted', ...(jurisdiction ? { jurisdiction } : {}) });
const editor = (jurisdiction?: string): TestCaller => ({ agency: 'police', roles: ['editor'], clearance: 'restricted', ...(jurisdiction ? { jurisdiction } : {}) });

const GRANT = 'mutation ($input: AccessGrantInput!) { grantPoliceAccess(input: $input) { id } }';
const REVOKE = 'mutation ($id: ID!) { revokePoliceAccessGrant(id: $id) { id } }';
const grant = (caller: TestCaller, areaCode?: string) =>
  ask(caller, GRANT, { input: { grantee: 'FRONT', validUntil: new Date(Date.now() + 3_600_000).toISOString(), note: randomUUID(), ...(areaCode ? { areaCode } : {}) } });
const designate = (caller: TestCaller, areaCode: string) =>
  ask(caller, 'mutation ($input: ComplexAreaDesignationInput!) { designateComplexArea(input: $input) { id } }', {
    input: { areaCode, list: 'ANTT', problemTypes: ['other'], year: 2031, note: randomUUID() },
  });
const createModel = (caller: TestCaller, areaCode: string) =>
  ask(caller, 'mutation ($input: SecurityModelInput!) { createPoliceModel(input: $input) { id } }', {
    input: { kind: 'safe_boarding_house', status: 'ACTIVE', areaCode, name: `Model ${randomUUID()}` },
  });

beforeAll(async () => {
  subgraph = await createPoliceSubgraph({ port: 0, signingKey, logLevel: 'silent' });
});
afterAll(async () => {
  await subgraph?.close();
});

describe('a national scope only when the token says so', () => {
  it('refuses every grant of an administrator without a jurisdiction, national or for an area', async () => {
    expect(code(await grant(admin()))).toBe('FORBIDDEN');
    expect(code(await grant(admin(), '80'))).toBe('FORBIDDEN');
    const refused = await grant(admin());
    expect(refused.errors?.[0]?.message).toContain('"VN"');
  });

  it('lets an administrator with jurisdiction "VN" grant nationwide and for any area, and revoke', async () => {
    const national = await grant(admin('VN'));
    expect(national.errors).toBeUndefined();
    const hanoi = await grant(admin('VN'), '01');
    expect(hanoi.errors).toBeUndefined();
    // Revoking a national grant needs the same national scope.
    expect(code(await ask(admin(), REVOKE, { id: national.data!.grantPoliceAccess!.id }))).toBe('FORBIDDEN');
    expect(code(await ask(admin('80'), REVOKE, { id: national.data!.grantPoliceAccess!.id }))).toBe('FORBIDDEN');
    expect(code(await ask(admin('VN'), REVOKE, { id: national.data!.grantPoliceAccess!.id }))).toBe('ok');
  });

  it('keeps a provincial administrator to its province', async () => {
    expect(code(await grant(admin('80')))).toBe('FORBIDDEN');
    expect(code(await grant(admin('80'), '01'))).toBe('FORBIDDEN');
    expect(code(await grant(admin('80'), '28159'))).toBe('ok');
  });

  it('refuses designations and record writes of an editor without a jurisdiction, and allows them anywhere with "VN"', async () => {
    for (const areaCode of ['28177', '01']) {
      expect(code(await designate(editor(), areaCode))).toBe('FORBIDDEN');
      expect(code(await createModel(editor(), areaCode))).toBe('FORBIDDEN');
      expect(code(await designate(editor('VN'), areaCode))).toBe('ok');
      expect(code(await createModel(editor('VN'), areaCode))).toBe('ok');
    }
    expect(code(await designate(editor('80'), '01'))).toBe('FORBIDDEN');
  });

  it('refuses a forwarded caller whose jurisdiction is neither an area code nor "VN"', async () => {
    for (const jurisdiction of ['vn', 'national', '*']) {
      const response = await designate(editor(jurisdiction), '28177');
      expect(response.status).toBe(401);
      expect(code(response)).toBe('UNAUTHENTICATED');
    }
  });
});
