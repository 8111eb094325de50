import { ErrorCode, getAgency, isAgencyCode, type Agency } from '@antq/sdk';
import { postSignedSystemRequest } from '@antq/subgraph-kit';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import {
  GraphQLError,
  Kind,
  getArgumentValues,
  getNamedType,
  getOperationAST,
  isInputObjectType,
  type FieldNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

/** The input field that holds a record's links (SecurityModelInput, VolunteerForcePatch …). */
const LINKS_FIELD = 'linkedRecords';
/** How long an owner may take to say which of its records exist. */
const OWNER_TIMEOUT_MS = 5_000;

/** One link an operation would write, and where it stands in the operation. */
interface WrittenLink {
  /** The root field's response key: where its error goes. */
  readonly field: string;
  /** What the input is, for the message ("security model", "volunteer force"). */
  readonly noun: string;
  /** Where the link stands in its argument, as the SDK's issues name it (`linkedRecords.1`). */
  readonly path: string;
  readonly agency: Agency;
  readonly kind: 'security_model' | 'volunteer_force';
  readonly id: string;
}

export interface LinkedRecordCheckOptions {
  /** Subgraph URL of each agency: the owners asked whether a linked record exists. */
  readonly agencyUrls: Partial<Record<Agency, string>>;
  readonly signingKey: string;
  readonly timeoutMs?: number;
}

/**
 * Liên kết hồ sơ — a record may link only to records that exist. A link names a record of any
 * agency, which the gateway resolves at its owner; one to a record its owner does not have reads
 * back as an object without its fields (the runtime leaves an entity its owner answered null
 * unfilled, with no error). The writing agency cannot see another agency's store, so the gateway
 * asks each owner, before the write goes on, for the records the write links to, and refuses
 * the whole operation, naming each missing link, when one is not there. Records are never
 * deleted (only retired), so a link checked here stays good.
 */
export function useLinkedRecordCheck(options: LinkedRecordCheckOptions): GatewayPlugin {
  const timeoutMs = options.timeoutMs ?? OWNER_TIMEOUT_MS;
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'mutation') return;
      const links = writtenLinks(args.schema, operation, args.variableValues ?? {});
      if (links.length === 0) return;
      const errors = await missingLinkErrors(links, options, timeoutMs);
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
  };
}

/** The links in the arguments of a mutation's root fields (each argument of an input type with `linkedRecords`). */
function writtenLinks(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>>): WrittenLink[] {
  const mutation = schema.getMutationType();
  if (!mutation) return [];
  const links: WrittenLink[] = [];
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    const field = mutation.getFields()[selection.name.value];
    if (!field?.args.some((argument) => linksOf(argument.type))) continue;
    links.push(...fieldLinks(field, selection, variables));
  }
  return links;
}

function linksOf(type: Parameters<typeof getNamedType>[0]): boolean {
  const named = getNamedType(type);
  return isInputObjectType(named) && LINKS_FIELD in named.getFields();
}

function fieldLinks(field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Readonly<Record<string, unknown>>): WrittenLink[] {
  let values: Record<string, unknown>;
  try {
    values = getArgumentValues(field, node, variables);
  } catch {
    // A value the runtime refuses is refused again, with its message, when the operation runs.
    return [];
  }
  const links: WrittenLink[] = [];
  for (const argument of field.args) {
    if (!linksOf(argument.type)) continue;
    const input = values[argument.name] as { readonly [LINKS_FIELD]?: readonly { agency?: unknown; kind?: unknown; id?: unknown }[] | null } | undefined;
    const noun = inputNoun(getNamedType(argument.type).name);
    (input?.[LINKS_FIELD] ?? []).forEach((link, index) => {
      const agency = String(link.agency).toLowerCase();
      // What the SDK refuses anyway (an unknown agency or kind, a malformed id) it names in its own issues.
      if (!isAgencyCode(agency) || (link.kind !== 'security_model' && link.kind !== 'volunteer_force') || typeof link.id !== 'string' || !isPlainId(link.id)) return;
      links.push({ field: node.alias?.value ?? node.name.value, noun, path: `${LINKS_FIELD}.${index}`, agency, kind: link.kind, id: link.id });
    });
  }
  return links;
}

/** An id the owner can look up: 1–200 characters, no spaces, control or format characters (the SDK's rule). */
function isPlainId(id: string): boolean {
  return id.length > 0 && id.length <= 200 && !/[\s\p{Cc}\p{Cf}]/u.test(id);
}

function inputNoun(typeName: string): string {
  if (typeName.startsWith('SecurityModel')) return 'security model';
  if (typeName.startsWith('VolunteerForce')) return 'volunteer force';
  return 'record';
}

const KIND_NOUN = { security_model: 'security model', volunteer_force: 'volunteer force' } as const;

/** Asks each owner for the records linked to; one error per root field with a missing link, or one error for an owner that did not answer. */
async function missingLinkErrors(links: readonly WrittenLink[], options: LinkedRecordCheckOptions, timeoutMs: number): Promise<GraphQLError[]> {
  const byOwner = groupBy(links, (link) => link.agency);
  const missing: WrittenLink[] = [];
  const unanswered: GraphQLError[] = [];
  await Promise.all(
    [...byOwner].map(async ([agency, owned]) => {
      try {
        const found = await existingRecords(agency, owned, options, timeoutMs);
        missing.push(...owned.filter((link, index) => !found[index]));
      } catch {
        unanswered.push(
          new GraphQLError(
            `The links to ${agency}'s records could not be checked: the ${agency} subgraph did not answer. Nothing was stored; send the write again when ${agency} answers, or write it without those links.`,
            { extensions: { code: ErrorCode.DOWNSTREAM_SERVICE_ERROR, agency } },
          ),
        );
      }
    }),
  );
  if (unanswered.length > 0) return unanswered;
  return [...groupBy(missing, (link) => link.field)].map(([field, fieldLinks]) => {
    const issues = fieldLinks
      .sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }))
      .map((link) => ({
        path: link.path,
        message: `${link.agency} has no ${KIND_NOUN[link.kind]} ${JSON.stringify(link.id)}; link a record that exists (look it up with ${lookupField(link)}(id:))`,
      }));
    const noun = fieldLinks[0]!.noun;
    const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    return new GraphQLError(`Invalid ${noun}: ${issues.length} ${issues.length === 1 ? 'problem' : 'problems'} — ${summary}`, {
      path: [field],
      extensions: { code: ErrorCode.BAD_USER_INPUT, input: noun, issues },
    });
  });
}

function typeName(link: WrittenLink): string {
  return `${getAgency(link.agency)!.typePrefix}${link.kind === 'volunteer_force' ? 'Force' : 'Model'}`;
}

/** The query field that reads one such record: `frontModel`, `policeForce` … */
function lookupField(link: WrittenLink): string {
  const name = typeName(link);
  return name[0]!.toLowerCase() + name.slice(1);
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

/** Which of an owner's records exist, in the order asked: one `_entities` request, as the gateway would resolve them. */
async function existingRecords(agency: Agency, links: readonly WrittenLink[], options: LinkedRecordCheckOptions, timeoutMs: number): Promise<boolean[]> {
  const url = options.agencyUrls[agency];
  if (url === undefined) throw new Error(`no ${agency} subgraph`);
  const prefix = getAgency(agency)!.typePrefix;
  const body = await postSignedSystemRequest<{ _entities: ({ id: string } | null)[] }>(
    url,
    {
      query: `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${prefix}Model { id } ... on ${prefix}Force { id } } }`,
      variables: { representations: links.map((link) => ({ __typename: typeName(link), id: link.id })) },
    },
    { signingKey: options.signingKey, audience: agency, timeoutMs },
  );
  const entities = body.data?._entities;
  // The owner answers a record it does not hold with null and a NOT_FOUND error; any other error leaves the answer in doubt.
  const doubtful = body.errors?.some((error) => error.extensions?.code !== ErrorCode.NOT_FOUND) ?? false;
  if (!Array.isArray(entities) || entities.length !== links.length || doubtful) throw new Error(`${agency} did not answer`);
  return entities.map((entity) => entity !== null);
}
