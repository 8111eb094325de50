import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { SCHEMA_ENUM_VALUES, buildAgencyContract } from '@antq/subgraph-kit';
import { renderResolverTypes } from '@antq/testing/resolver-types';

/**
 * The police's resolver types, generated from its contract as it serves it (the kit's shared
 * contract and template under the police's names, and schema/police.graphql). Run
 * `npm run generate:types -w @antq/police` after changing the contract; a test keeps the file current.
 */

export const RESOLVER_TYPES_FILE = new URL('../src/generated/resolver-types.ts', import.meta.url);

/** Schema type → what the police's resolvers really receive as a parent (src/resolver-parents.ts). */
const MAPPERS = {
  Area: 'AreaReference',
  PoliceAreaView: 'AreaViewParent',
  PoliceModel: 'RecordWithResidentialArea',
  PoliceForce: 'RecordWithResidentialArea',
  PoliceObservation: 'RecordWithResidentialArea',
  ResidentialArea: 'StoredResidentialArea',
  ComplexAreaDesignation: 'StoredDesignation',
  ComplexAreaDesignationConnection: 'DesignationPage',
  TransformationResult: 'StoredDesignation',
  SafetyRecognition: 'StoredDesignation',
  ExemplaryCommunePilot: 'StoredDesignation',
  MovementRating: 'StoredDesignation',
};

export async function renderPoliceResolverTypes(): Promise<string> {
  const own = await readFile(new URL('../schema/police.graphql', import.meta.url), 'utf8');
  return renderResolverTypes({
    sdl: buildAgencyContract('police', own),
    importFrom: '../resolver-parents.js',
    contextType: 'PoliceContext',
    mappers: MAPPERS,
    // Each enum's internal values are the SDK's codes (the kit's SCHEMA_ENUM_VALUES); resolver-parents.ts names their types.
    enumTypes: Object.fromEntries(Object.keys(SCHEMA_ENUM_VALUES).map((name) => [name, name])),
    scalars: {
      Date: 'string',
      DateTime: 'string',
      Vnd: 'number',
      _FieldSet: 'string',
      link__Import: 'unknown',
      federation__FieldSet: 'string',
      federation__Scope: 'string',
      federation__Policy: 'string',
    },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await writeFile(RESOLVER_TYPES_FILE, await renderPoliceResolverTypes());
