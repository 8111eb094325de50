import { ErrorCode, getAgency, isAgencyCode, isRecordId, LINKED_RECORD_KINDS, type Agency } from '@antq/sdk';
import { postSignedSystemRequest } from '@antq/subgraph-kit';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import {
  GraphQLError,
  getArgumentValues,
  getNamedType,
  getOperationAST,
  isInputObjectType,
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { GraphOwnership } from '../audit/ownership.js';
import { rootFields } from '../operation-fields.js';

/** How long an owner may take to say which of its records exist. */
const OWNER_TIMEOUT_MS = 5_000;

/** A record an operation's input names, and where it stands in the operation. */
interface Reference {
  /** The root field's response key: where its error goes. */
  readonly field: string;
  /** What the input is, for the message ("security model", "observation"). */
  readonly noun: string;
  /** Where it stands in its argument, as the SDK's issues name it (`linkedRecords.1`, `residentialAreaId`). */
  readonly path: string;
  /** The entity type its owner resolves it as (`FrontModel`, `ResidentialArea`). */
  readonly typeName: string;
  readonly id: string;
  /** What to say when its owner does not hold it. */
  readonly absent: (owner: string) => string;
}

/** The input fields that name records of their owners, and how to read them. */
const REFERENCE_FIELDS: Readonly<Record<string, (value: unknown, path: string) => Omit<Reference, 'field' | 'noun'>[]>> = {
  // Links to models and forces of any agency.
  linkedRecords: (value, path) =>
    (Array.isArray(value) ? (value as { agency?: unknown; kind?: unknown; id?: unknown }[]) : []).flatMap((link, index) => {
      const agency = String(link.agency).toLowerCase();
      // What the SDK refuses anyway (an unknown agency or kind, a malformed id) it names in its own issues.
      if (!isAgencyCode(agency) || !(LINKED_RECORD_KINDS as readonly unknown[]).includes(link.kind) || !isRecordId(link.id)) return [];
      const typeName = `${getAgency(agency)!.typePrefix}${link.kind === 'volunteer_force' ? 'Force' : 'Model'}`;
      const noun = link.kind === 'volunteer_force' ? 'volunteer force' : 'security model';
      return [
        {
          path: `${path}.${index}`,
          typeName,
          id: link.id,
          absent: (owner: string) => `${owner} has no ${noun} ${JSON.stringify(link.id)}; link a record that exists (look it up with ${lowerFirst(typeName)}(id:))`,
        },
      ];
    }),
  // The residential area (ấp, thôn, tổ dân phố) a record is about, registered by its owner.
  residentialAreaId: (value, path) =>
    isRecordId(value)
      ? [
          {
            path,
            typeName: 'ResidentialArea',
            id: value,
            absent: (owner: string) =>
              `${owner} has no residential area ${JSON.stringify(value)}; register it with registerResidentialArea, or pick one of area(code: "${value.split(':')[0]}") { ${owner} { residentialAreas { id } } }`,
          },
        ]
      : [],
};

export interface RecordReferenceCheckOptions {
  /** Subgraph URL of each agency: the owners asked whether a record exists. */
  readonly agencyUrls: Partial<Record<Agency, string>>;
  /** Which agency resolves each entity type. */
  readonly ownership: GraphOwnership;
  readonly signingKey: string;
  readonly timeoutMs?: number;
}

/**
 * Hồ sơ được tham chiếu phải có thật — a write may name only records that exist: links to
 * models and forces of any agency, and the police's residential areas. The writing agency cannot
 * see another agency's store, so the gateway asks each owner, before the write goes on, for the
 * records the write names, and refuses the whole operation, naming each missing one, when one is
 * not there. Without it such a record was stored, and a link to it read back as an object
 * without its fields (the runtime leaves an entity its owner answered null unfilled, with no
 * error). Records are never deleted (only retired), so a reference checked here stays good.
 */
export function useRecordReferenceCheck(options: RecordReferenceCheckOptions): GatewayPlugin {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'mutation') return;
      const references = writtenReferences(args.schema, args.document, operation, args.variableValues ?? {});
      if (references.length === 0) return;
      const errors = await absentReferenceErrors(references, options);
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
  };
}

/** The references in the arguments of a mutation's root fields (arguments of an input type with one of the fields above). */
function writtenReferences(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>>): Reference[] {
  const mutation = schema.getMutationType();
  if (!mutation) return [];
  const references: Reference[] = [];
  for (const selection of rootFields(document, operation.selectionSet, variables)) {
    const field = mutation.getFields()[selection.name.value];
    if (field?.args.some((argument) => referringFields(argument.type).length > 0)) references.push(...fieldReferences(field, selection, variables));
  }
  return references;
}

function referringFields(type: GraphQLInputType): string[] {
  const named = getNamedType(type);
  return isInputObjectType(named) ? Object.keys(named.getFields()).filter((name) => name in REFERENCE_FIELDS) : [];
}

function fieldReferences(field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Readonly<Record<string, unknown>>): Reference[] {
  let values: Record<string, unknown>;
  try {
    values = getArgumentValues(field, node, variables);
  } catch {
    // A value the runtime refuses is refused again, with its message, when the operation runs.
    return [];
  }
  const references: Reference[] = [];
  for (const argument of field.args) {
    const input = values[argument.name] as Record<string, unknown> | null | undefined;
    if (input === null || typeof input !== 'object') continue;
    const noun = inputNoun(getNamedType(argument.type).name);
    for (const name of referringFields(argument.type)) {
      for (const reference of REFERENCE_FIELDS[name]!(input[name], name)) references.push({ ...reference, field: node.alias?.value ?? node.name.value, noun });
    }
  }
  return references;
}

/** `SecurityModelPatch` → "security model", `ObservationInput` → "observation". */
function inputNoun(typeName: string): string {
  return typeName
    .replace(/(Input|Patch)$/, '')
    .replace(/(?<=[a-z])(?=[A-Z])/g, ' ')
    .toLowerCase();
}

const lowerFirst = (text: string) => text[0]!.toLowerCase() + text.slice(1);

/** Asks each owner for the records named; one error per root field naming absent ones, or one error per owner that did not answer. */
async function absentReferenceErrors(references: readonly Reference[], options: RecordReferenceCheckOptions): Promise<GraphQLError[]> {
  const absent: { reference: Reference; owner: string }[] = [];
  const unanswered: GraphQLError[] = [];
  await Promise.all(
    [...groupBy(references, (reference) => options.ownership.typeOwners(reference.typeName)[0] ?? '')].map(async ([owner, owned]) => {
      try {
        const held = await heldRecords(owner, owned, options);
        owned.forEach((reference, index) => held[index] || absent.push({ reference, owner }));
      } catch {
        unanswered.push(
          new GraphQLError(
            `The records this write names at ${owner || 'their owner'} could not be checked: ${owner || 'the owner'} did not answer. Nothing was stored; send the write again when ${owner || 'it'} answers.`,
            { extensions: { code: ErrorCode.DOWNSTREAM_SERVICE_ERROR, ...(owner ? { agency: owner } : {}) } },
          ),
        );
      }
    }),
  );
  if (unanswered.length > 0) return unanswered;
  return [...groupBy(absent, ({ reference }) => reference.field)].map(([field, missing]) => {
    const issues = missing
      .map(({ reference, owner }) => ({ path: reference.path, message: reference.absent(owner) }))
      .sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
    const noun = missing[0]!.reference.noun;
    const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    return new GraphQLError(`Invalid ${noun}: ${issues.length} ${issues.length === 1 ? 'problem' : 'problems'} — ${summary}`, {
      path: [field],
      extensions: { code: ErrorCode.BAD_USER_INPUT, input: noun, issues },
    });
  });
}

/** Which of an owner's records exist, in the order asked: one `_entities` request, as the gateway resolves them. */
async function heldRecords(owner: string, references: readonly Reference[], options: RecordReferenceCheckOptions): Promise<boolean[]> {
  const url = isAgencyCode(owner) ? options.agencyUrls[owner] : undefined;
  if (url === undefined) throw new Error(`no subgraph resolves ${references[0]!.typeName}`);
  const fragments = [...new Set(references.map((reference) => reference.typeName))].map((typeName) => `... on ${typeName} { id }`).join(' ');
  const body = await postSignedSystemRequest<{ _entities: ({ id: string } | null)[] }>(
    url,
    {
      query: `query ($representations: [_Any!]!) { _entities(representations: $representations) { ${fragments} } }`,
      variables: { representations: references.map((reference) => ({ __typename: reference.typeName, id: reference.id })) },
    },
    { signingKey: options.signingKey, audience: owner, timeoutMs: options.timeoutMs ?? OWNER_TIMEOUT_MS },
  );
  const entities = body.data?._entities;
  // The owner answers a record it does not hold with null (and, for a model or force, a NOT_FOUND error); any other error leaves the answer in doubt.
  const doubtful = body.errors?.some((error) => error.extensions?.code !== ErrorCode.NOT_FOUND) ?? false;
  if (!Array.isArray(entities) || entities.length !== references.length || doubtful) throw new Error(`${owner} did not answer`);
  return entities.map((entity) => entity !== null);
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
