import { randomBytes, randomUUID } from 'node:crypto';
import { buildASTSchema, parse, type GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCIES, ORGANISATIONS } from '@antq/sdk';
import { loadAreaRegistry } from '@antq/sdk/areas';
import { postSignedGraphQL } from '@antq/testing';
import { buildAgencyContract, buildPlatformContract, createAgencySubgraph, type AgencySubgraph } from '../src/index.js';

const schemaOf = (sdl: string) =>
  buildASTSchema(
    parse(`directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @shareable on OBJECT | FIELD_DEFINITION
directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ENUM | ENUM_VALUE | SCALAR | INPUT_OBJECT | INPUT_FIELD_DEFINITION | ARGUMENT_DEFINITION
directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @policy(policies: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @link(url: String!, import: [String!]) repeatable on SCHEMA
${sdl}`),
  );

describe('an agency contract built from the shared contract, the registry and the agency’s own file', () => {
  it('names everything the agency serves after the agency, and the enums after the registry', () => {
    const schema = schemaOf(buildAgencyContract('veterans'));
    const query = schema.getQueryType()!.getFields();
    expect(Object.keys(query)).toEqual(expect.arrayContaining(['area', 'veteransModel', 'veteransModels', 'veteransObservations', '_veteransChangesAfter']));
    expect(Object.keys(query).some((field) => field.startsWith('police'))).toBe(false);
    expect((schema.getType('Area') as GraphQLObjectType).getFields().veterans?.type.toString()).toBe('VeteransAreaView');
    expect(schema.getType('Agency')!.toJSON()).toBe('Agency');
    expect((schema.getType('Agency') as unknown as { getValues(): { name: string }[] }).getValues().map((value) => value.name)).toEqual(
      AGENCIES.map((agency) => agency.code.toUpperCase()),
    );
    expect((schema.getType('Organisation') as unknown as { getValues(): { name: string }[] }).getValues()).toHaveLength(ORGANISATIONS.length);
    const history = (schema.getType('VeteransObservation') as GraphQLObjectType).getFields().history!;
    expect(history.astNode!.directives!.map((directive) => directive.name.value)).toEqual(['requiresScopes', 'policy']);
    expect(JSON.stringify(history.astNode!.directives![1]!.arguments)).toContain('veterans:restricted');
  });

  it('refers to the other agencies’ records by key and links to every agency’s', () => {
    const sdl = buildAgencyContract('youth');
    expect(sdl).toContain('type PoliceModel @key(fields: "id", resolvable: false)');
    expect(sdl).not.toContain('type YouthModel @key(fields: "id", resolvable: false)');
    expect(sdl).toMatch(new RegExp(`union LinkedRecord = ${AGENCIES.map((agency) => `${agency.typePrefix}Model \\| ${agency.typePrefix}Force`).join(' \\| ')}`));
  });

  it('lets the owner of a type the shared contract only refers to define it in full', () => {
    const own = 'type ResidentialArea @key(fields: "id") {\n  id: ID!\n  name: String!\n}';
    const schema = schemaOf(buildAgencyContract('police', own));
    expect(Object.keys((schema.getType('ResidentialArea') as GraphQLObjectType).getFields())).toEqual(['id', 'name']);
    expect(buildAgencyContract('front')).toContain('type ResidentialArea @key(fields: "id", resolvable: false)');
  });

  it('refuses an own file that contradicts the shared contract, naming the field', () => {
    expect(() => buildAgencyContract('front', 'extend type Area { name: Int }')).toThrow(/front's own contract file .*contradicts the shared contract.*"Area": Field "name"/);
  });

  it('gives a platform subgraph the registry’s Agency enum and nothing of the agencies', () => {
    const sdl = buildPlatformContract('type Query { ping(agency: Agency): Boolean }');
    expect(sdl).toContain(`enum Agency {\n${AGENCIES.map((agency) => `  ${agency.code.toUpperCase()}`).join('\n')}\n}`);
    expect(sdl).not.toContain('SecurityModel');
  });
});

/** The extension point: an agency adds a field to its records with its own file and resolvers, and no change to the kit. */
describe('an agency that extends its records', () => {
  let subgraph: AgencySubgraph;
  const signingKey = randomBytes(32).toString('base64');
  const editor = { agency: 'veterans', jurisdiction: '80', roles: ['editor'] } as const;

  beforeAll(async () => {
    subgraph = await createAgencySubgraph(
      {
        agency: 'veterans',
        typeDefs: 'extend type VeteransModel {\n  "How many letters the model’s name has (an example of an agency’s own field)."\n  nameLength: Int!\n}',
        resolvers: { VeteransModel: { nameLength: (model: { name: string }) => [...model.name].length } },
      },
      { signingKey, registry: await loadAreaRegistry(), logLevel: 'silent' },
    );
  });
  afterAll(async () => subgraph?.close());

  it('serves the added field beside the shared ones', async () => {
    const name = `Câu lạc bộ ${randomUUID().slice(0, 8)}`;
    const created = await postSignedGraphQL<{ createVeteransModel: { id: string; name: string; nameLength: number } }>(subgraph.url, {
      query: 'mutation ($input: SecurityModelInput!) { createVeteransModel(input: $input) { id name nameLength } }',
      variables: { input: { kind: 'veterans_crime_shock_force', status: 'ACTIVE', areaCode: '28177', name } },
      signingKey,
      audience: 'veterans',
      caller: editor,
    });
    expect(created.errors).toBeUndefined();
    expect(created.data!.createVeteransModel).toMatchObject({ name, nameLength: [...name].length });
    expect(subgraph.sdl).toMatch(/type VeteransModel implements SecurityModel @key\(fields: "id"\) \{[^}]*nameLength: Int!/);
  });
});
