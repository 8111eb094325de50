import { readFileSync } from 'node:fs';
import { mergeTypeDefs } from '@graphql-tools/merge';
import { Kind, parse, print, type DefinitionNode, type DocumentNode } from 'graphql';
import { AGENCIES, ORGANISATIONS, requireAgency, type Agency } from '@antq/sdk';

/**
 * Hợp đồng phân hệ — builds the SDL a subgraph serves from the parts that own each piece:
 *   - `contract/shared.graphql`: what every agency shares (scalars, `Area`, interfaces, inputs, domain enums);
 *   - `contract/agency.graphql`: what every agency serves under its own names, filled in per agency;
 *   - the agency registry of @antq/sdk: the `Agency` and `Organisation` enums, `LinkedRecord` and the
 *     references to other agencies' records;
 *   - the agency's own file: its own types, and fields it adds to its records (`extend type PoliceModel`).
 * A type the shared contract only refers to (`@key(…, resolvable: false)`, such as `ResidentialArea`) is
 * defined in full by the agency that owns it, and that definition takes its place.
 */

/** Federation 2 directives the contract uses; one link for every subgraph of the graph. */
const FEDERATION_LINK = `extend schema
  @link(
    url: "https://specs.apollo.dev/federation/v2.6"
    import: ["@key", "@shareable", "@external", "@inaccessible", "@authenticated", "@requiresScopes", "@policy"]
  )
`;

// The contract files sit beside src/ and dist/ alike, so the package carries them wherever it is installed.
const contractFile = (name: string): string => readFileSync(new URL(`../contract/${name}`, import.meta.url), 'utf8');
let sharedContract: DocumentNode | undefined;
let agencyTemplate: string | undefined;

/** The GraphQL enum value of a catalogue code: `fatherland_front` → `FATHERLAND_FRONT`. */
export function enumValueOf(code: string): string {
  return code.toUpperCase();
}

/** The SDL a given agency's subgraph serves: the shared contract, its own names and its own file. */
export function buildAgencyContract(agency: Agency, ownTypeDefs = ''): string {
  return renderAgencyContract(requireAgency(agency), {
    ownTypeDefs,
    ownFile: `${agency}'s own contract file (services/${agency}/schema/${agency}.graphql)`,
    linkable: AGENCIES,
    others: AGENCIES.filter((a) => a.code !== agency),
  });
}

/**
 * The placeholder agency the kit's resolvers are typed against: `TemplateModel`, `templateModels` …
 * No name of the shared contract contains `Template`, so renaming it to an agency's prefix is exact.
 */
export const TEMPLATE_AGENCY = { code: 'template', typePrefix: 'Template', label: { vi: 'Cơ quan mẫu', en: 'Template agency' } } as const;
/** Stands for every other agency in the template's contract: the records a record may link to elsewhere. */
const OTHER_AGENCY = { code: 'other', typePrefix: 'Other' } as const;

/** The contract of the placeholder agency, that the kit's resolver types are generated from (scripts/resolver-types.ts). */
export function buildTemplateContract(): string {
  return renderAgencyContract(TEMPLATE_AGENCY, { ownTypeDefs: '', ownFile: 'template', linkable: [TEMPLATE_AGENCY, OTHER_AGENCY], others: [OTHER_AGENCY] });
}

interface ContractParts {
  readonly ownTypeDefs: string;
  readonly ownFile: string;
  /** Every agency whose records a record may link to, in the registry's order. */
  readonly linkable: readonly { readonly typePrefix: string }[];
  /** The other agencies, whose records this subgraph only refers to. */
  readonly others: readonly { readonly typePrefix: string }[];
}

/** The names the agency template is filled in with: a registered agency's, or the placeholder's. */
interface TemplateNames {
  readonly code: string;
  readonly typePrefix: string;
  readonly label: { readonly vi: string; readonly en: string };
}

function renderAgencyContract(info: TemplateNames, { ownTypeDefs, ownFile, linkable, others }: ContractParts): string {
  agencyTemplate ??= contractFile('agency.graphql');
  const own = parseOwn(ownTypeDefs);
  const ownedHere = new Set(own.definitions.flatMap((definition) => (definition.kind === Kind.OBJECT_TYPE_DEFINITION ? [definition.name.value] : [])));
  const shared = sharedDocument();
  return printContract(ownFile, [
    { ...shared, definitions: shared.definitions.filter((definition) => !('name' in definition && definition.name && ownedHere.has(definition.name.value))) },
    parse(fillTemplate(agencyTemplate, info)),
    parse(registryTypeDefs(linkable, others)),
    own,
  ]);
}

/** The SDL of a subgraph that is not an agency's (the change stream): its own file and the registry's enums. */
export function buildPlatformContract(ownTypeDefs: string): string {
  return printContract("the subgraph's own contract file", [parse(agencyEnum()), parseOwn(ownTypeDefs)]);
}

function sharedDocument(): DocumentNode {
  return (sharedContract ??= parse(contractFile('shared.graphql')));
}

function fillTemplate(template: string, info: TemplateNames): string {
  return template.replaceAll('{{Agency}}', info.typePrefix).replaceAll('{{agency}}', info.code).replaceAll('{{labelVi}}', info.label.vi).replaceAll('{{label}}', info.label.en);
}

function agencyEnum(): string {
  return `"Cơ quan — the agencies of the graph, one subgraph each."\nenum Agency {\n${AGENCIES.map((a) => `  ${enumValueOf(a.code)}`).join('\n')}\n}`;
}

function organisationEnum(): string {
  return `"Tổ chức — the organisations that run records; the Front's subgraph carries its member organisations."\nenum Organisation {\n${ORGANISATIONS.map((o) => `  ${enumValueOf(o.code)}`).join('\n')}\n}`;
}

/** What the registry decides for one agency's SDL: the enums, the records it may link to, and references to others' records. */
function registryTypeDefs(linkable: ContractParts['linkable'], others: ContractParts['others']): string {
  const recordTypes = linkable.flatMap((a) => [`${a.typePrefix}Model`, `${a.typePrefix}Force`]);
  const references = others.flatMap((a) => [`${a.typePrefix}Model`, `${a.typePrefix}Force`].map((type) => `type ${type} @key(fields: "id", resolvable: false) {\n  id: ID!\n}`));
  return [agencyEnum(), organisationEnum(), `"A record of any agency that a record may link to."\nunion LinkedRecord = ${recordTypes.join(' | ')}`, ...references].join('\n\n');
}

function parseOwn(typeDefs: string): DocumentNode {
  // A file of comments only is an agency that adds nothing of its own (yet).
  const hasDefinitions = typeDefs.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  return hasDefinitions ? parse(typeDefs) : { kind: Kind.DOCUMENT, definitions: [] };
}

function printContract(ownFile: string, documents: readonly DocumentNode[]): string {
  let merged: DocumentNode;
  try {
    merged = mergeTypeDefs([...documents], { sort: false, throwOnConflict: true });
  } catch (error) {
    throw new Error(
      `The ${ownFile} contradicts the shared contract of @antq/subgraph-kit: ${(error as Error).message}. Add fields and types of its own; change shared ones in packages/subgraph-kit/contract/.`,
    );
  }
  const definitions = merged.definitions.filter((definition: DefinitionNode) => definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION);
  return `${FEDERATION_LINK}\n${print({ kind: Kind.DOCUMENT, definitions })}\n`;
}
