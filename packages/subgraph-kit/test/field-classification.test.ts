import { AntqError } from '@antq/sdk';
import { loadAreaRegistry } from '@antq/sdk/areas';
import { buildSchema, execute, parse, type ExecutionResult } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAreaScopes, enforceFieldClassification, type AccessGrant, type AreaScopes, type Caller, type ClassifiedContext } from '../src/index.js';

const schema = buildSchema(`
  directive @authenticated on FIELD_DEFINITION
  directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION
  directive @policy(policies: [[String!]!]!) on FIELD_DEFINITION
  type Query {
    open: String
    signedIn: String @authenticated
    restricted(area: ID): String @requiresScopes(scopes: [["restricted"]]) @policy(policies: [["police:restricted"]])
  }
`);
enforceFieldClassification(schema);

const caller = (agency: 'police' | 'front', clearance: Caller['clearance']): Caller => ({
  subject: `${agency}-analyst`,
  agency,
  organisation: agency === 'front' ? 'fatherland_front' : agency,
  jurisdiction: 'VN',
  roles: ['analyst'],
  clearance,
  claims: {},
});

const grant = (areaCode: string | null): AccessGrant => ({
  id: 'g1',
  owner: 'police',
  grantee: 'front',
  areaCode,
  validFrom: '2020-01-01T00:00:00Z',
  validUntil: '2099-01-01T00:00:00Z',
  grantedBy: 'police-admin',
  grantedAt: '2020-01-01T00:00:00Z',
  revokedAt: null,
  revokedBy: null,
  note: null,
});

let scopes: AreaScopes;
beforeAll(async () => {
  scopes = createAreaScopes(await loadAreaRegistry());
});

/** Runs `query` as `who`, counting the grant reads; the result as execute gave it (a promise or not). */
function run(query: string, who: Caller | undefined, grants: readonly AccessGrant[] = []) {
  const reads = { count: 0 };
  const context: ClassifiedContext = {
    caller: who,
    scopes,
    accessGrants: async () => {
      reads.count++;
      return grants;
    },
  };
  const result = execute({ schema, document: parse(query), rootValue: { open: 'o', signedIn: 's', restricted: 'r' }, contextValue: context });
  return { result, reads };
}

/** The error code of each error, as the subgraph's error formatter will read it. */
const codes = (result: ExecutionResult) => result.errors?.map((error) => (error.originalError instanceof AntqError ? error.originalError.code : error.message));

describe("a subgraph's own check of the SDL's classification", () => {
  it('answers without waiting when no grant has to be read: the owner, a signed-in caller', () => {
    const owner = run('{ open signedIn restricted(area: "80") }', caller('police', 'restricted'));
    expect(owner.result).not.toBeInstanceOf(Promise);
    expect(owner.result).toEqual({ data: { open: 'o', signedIn: 's', restricted: 'r' } });
    expect(owner.reads.count).toBe(0);
  });

  it('refuses an anonymous caller and a clearance below the field, at once and without a read', () => {
    const anonymous = run('{ open signedIn }', undefined);
    expect(anonymous.result).not.toBeInstanceOf(Promise);
    expect(codes(anonymous.result as ExecutionResult)).toEqual(['UNAUTHENTICATED']);
    expect((anonymous.result as ExecutionResult).data).toEqual({ open: 'o', signedIn: null });
    const shared = run('{ restricted(area: "80") }', caller('police', 'shared'));
    expect(codes(shared.result as ExecutionResult)).toEqual(['FORBIDDEN']);
    expect(shared.reads.count).toBe(0);
  });

  it("reads another agency's grants (the context keeps them per request) and lets it read only the area they cover", async () => {
    const front = caller('front', 'restricted');
    const granted = run('{ a: restricted(area: "80") b: restricted(area: "80") }', front, [grant('80')]);
    expect(await granted.result).toEqual({ data: { a: 'r', b: 'r' } });
    expect(granted.reads.count).toBe(2);
    const elsewhere = await run('{ restricted(area: "01") }', front, [grant('80')]).result;
    expect(codes(elsewhere)).toEqual(['FORBIDDEN']);
    expect(elsewhere.errors?.[0]?.message).toContain('restricted to the police for area 01');
    expect(await run('{ restricted(area: "01") }', front, [grant(null)]).result).toEqual({ data: { restricted: 'r' } });
    expect(codes(await run('{ restricted(area: "80") }', front).result)).toEqual(['FORBIDDEN']);
  });
});
