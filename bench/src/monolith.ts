/**
 * Nền so sánh — the monolith floor: the four agencies' resolvers and stores in ONE mercurius
 * server (the kit's `createSubgraphServer`), no gateway, no network hop between agencies.
 *
 * The kit does not export what one agency's schema is made of (its shared resolvers, record
 * loaders, grants and field-classification guard), nor its per-agency context; agency-internals.ts
 * reaches them by relative source path (shared with the `apollo-stack` subgraphs). Nothing in the
 * kit or the services changes.
 *
 * Its stores hold the same data as the subgraphs': the same factories run the migrations and
 * load the seed example data (their HTTP servers closed right after), then the same bulk
 * dataset goes in (the generator is deterministic).
 */
import { Kind, parse, print, visit, type DefinitionNode, type DirectiveNode, type DocumentNode, type GraphQLSchema } from 'graphql';
import { isObjectType } from 'graphql';
import { importSPKI, jwtVerify } from 'jose';
import { AGENCIES as ALL_AGENCIES, type Agency } from '@antq/sdk';
import { loadAreaRegistry, type AreaRegistry } from '@antq/sdk/areas';
import { createAreaScopes, createStorage, createSubgraphServer, parseCallerClaims, type Caller, type Storage, type StorageOptions } from '@antq/subgraph-kit';
import { agencyContextFactory, agencyResolvers, enforceFieldClassification, type ResolverMap } from './agency-internals.js';
import { AGENCIES, loadBenchDataset, type DatasetPlan, type LoadedCounts } from './dataset.js';
import { openPgliteCopy } from './pglite-copy.js';
import { progress, type IdentityConfig, type Request } from './ipc.js';
import { AGENCY_TYPE_DEFS, SUBGRAPH_FACTORIES } from './agencies.js';

const PREFIX = Object.fromEntries(ALL_AGENCIES.map((agency) => [agency.code, agency.typePrefix])) as Readonly<Record<Agency, string>>;

type Resolver = (parent: unknown, args: Record<string, unknown>, context: unknown, info: unknown) => unknown;

// ---------------------------------------------------------------------------------------------
// One schema from the four contracts
// ---------------------------------------------------------------------------------------------

/** Federation directives a single server has no use for (no entities, nothing shared). */
const DROPPED_DIRECTIVES = new Set(['key', 'shareable', 'external']);

function keepDirectives(directives: readonly DirectiveNode[] | undefined): DirectiveNode[] {
  const seen = new Set<string>();
  const kept: DirectiveNode[] = [];
  for (const directive of directives ?? []) {
    if (DROPPED_DIRECTIVES.has(directive.name.value)) continue;
    const text = print(directive);
    if (!seen.has(text)) kept.push(directive);
    seen.add(text);
  }
  return kept;
}

/**
 * The four agency SDLs as one: types of the same name merged (fields, values, members and
 * interfaces unioned, the first definition of a field kept), one `@link` importing what they import.
 */
export function mergeContracts(sdls: readonly string[]): string {
  const imports = new Set<string>();
  let linkUrl = '';
  const merged = new Map<string, Record<string, unknown>>();
  for (const sdl of sdls) {
    const document = visit(parse(sdl), { Directive: (node) => (DROPPED_DIRECTIVES.has(node.name.value) ? null : undefined) });
    for (const definition of document.definitions) {
      if (definition.kind === Kind.SCHEMA_EXTENSION || definition.kind === Kind.SCHEMA_DEFINITION) {
        for (const directive of definition.directives ?? []) {
          if (directive.name.value !== 'link') continue;
          for (const argument of directive.arguments ?? []) {
            if (argument.name.value === 'url' && argument.value.kind === Kind.STRING) linkUrl = argument.value.value;
            if (argument.name.value === 'import' && argument.value.kind === Kind.LIST) {
              for (const value of argument.value.values) if (value.kind === Kind.STRING) imports.add(value.value);
            }
          }
        }
        continue;
      }
      const name = 'name' in definition && definition.name ? definition.name.value : undefined;
      if (!name) continue;
      const existing = merged.get(name);
      const node = { ...definition, directives: keepDirectives((definition as { directives?: readonly DirectiveNode[] }).directives) } as Record<string, unknown>;
      if (!existing) {
        merged.set(name, node);
        continue;
      }
      for (const list of ['fields', 'values', 'types', 'interfaces'] as const) {
        const mine = existing[list] as { name: { value: string } }[] | undefined;
        const theirs = node[list] as { name: { value: string } }[] | undefined;
        if (!mine || !theirs) continue;
        const names = new Set(mine.map((item) => item.name.value));
        existing[list] = [...mine, ...theirs.filter((item) => !names.has(item.name.value))];
      }
      existing.directives = keepDirectives([...(existing.directives as DirectiveNode[]), ...(node.directives as DirectiveNode[])]);
    }
  }
  const link = `extend schema @link(url: ${JSON.stringify(linkUrl)}, import: ${JSON.stringify([...imports].filter((name) => !DROPPED_DIRECTIVES.has(name.slice(1))))})`;
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [...merged.values()] as unknown as DefinitionNode[] };
  return `${link}\n\n${print(document)}`;
}

// ---------------------------------------------------------------------------------------------
// One resolver map from the four agencies, each resolver with its own agency's context
// ---------------------------------------------------------------------------------------------

/** Which agency answers a field: the owner of its type or field name; shared ones the police. */
function ownerOf(type: string, field: string): Agency {
  for (const agency of AGENCIES) {
    if (type.startsWith(PREFIX[agency])) return agency;
    if (field === agency || field.startsWith(agency) || field.startsWith(`_${agency}`)) return agency;
    if (field.includes(PREFIX[agency])) return agency; // createPoliceModel, grantFrontAccess …
  }
  return 'police';
}

/** Merged resolvers: each field from the agency that owns it (the police for shared fields), and the entity types' loaders. */
function mergeResolvers(parts: Record<Agency, { resolvers: ResolverMap }>) {
  const owner = new Map<string, Agency>();
  const resolvers: ResolverMap = {};
  const entityTypes = new Map<string, { agency: Agency; resolveReference: Resolver }>();
  for (const agency of AGENCIES) {
    for (const [type, fields] of Object.entries(parts[agency].resolvers)) {
      const target = (resolvers[type] ??= {});
      if (typeof fields !== 'object' || fields === null || fields.constructor !== Object) {
        resolvers[type] = fields as never; // a scalar
        continue;
      }
      for (const [field, resolver] of Object.entries(fields)) {
        if (field === '__resolveReference') {
          if (type !== 'Area' && ownerOf(type, '') === agency) entityTypes.set(type, { agency, resolveReference: resolver as Resolver });
          continue;
        }
        const fieldOwner = ownerOf(type, field);
        if (fieldOwner !== agency && field in target) continue;
        if (fieldOwner !== agency && owner.has(`${type}.${field}`)) continue;
        if (field === '__resolveType') {
          // Shared interfaces: the concrete type is the value's own when it says so.
          const fallback = resolver as (value: unknown) => string;
          target[field] = (value: { __typename?: string }) => value?.__typename ?? fallback(value);
          continue;
        }
        target[field] = resolver;
        owner.set(`${type}.${field}`, agency);
      }
    }
  }
  return { resolvers, owner, entityTypes };
}

/** The caller of a request's bearer token, verified as the gateways verify it (undefined without one). */
async function tokenVerifier(identity: IdentityConfig): Promise<(authorization: string | undefined) => Promise<Caller | undefined>> {
  const publicKey = await importSPKI(identity.publicKeyPem, 'ES256');
  return async (authorization: string | undefined): Promise<Caller | undefined> => {
    if (!authorization?.startsWith('Bearer ')) return undefined;
    const { payload } = await jwtVerify(authorization.slice(7), publicKey, { issuer: identity.issuer, audience: identity.audience });
    const parsed = parseCallerClaims(payload);
    if (!parsed.ok) throw new Error(parsed.problem);
    return parsed.caller;
  };
}

/** A linked record as another subgraph would hand it over: `{ __typename, id }` and nothing else. */
function isStub(parent: unknown): parent is { __typename: string; id: string } {
  if (typeof parent !== 'object' || parent === null || !('__typename' in parent)) return false;
  return Object.keys(parent).every((key) => key === '__typename' || key === 'id');
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

/**
 * The same stores as the subgraphs': migrations and seed data by the agencies' own factories.
 * PostgreSQL: the very databases the subgraphs use (already migrated and loaded); PGlite (in
 * memory, one process only): a copy of their contents.
 */
async function prepareMonolithStores(
  request: Request,
  registry: AreaRegistry,
  plan: DatasetPlan,
): Promise<{ stores: Record<Agency, Storage>; counts: Record<Agency, LoadedCounts> }> {
  const storages = request.storages as Record<Agency, StorageOptions> | undefined;
  /** PGlite: dumps of the subgraphs' stores with the dataset in (pglite-copy.ts), when given. */
  const dumps = request.dumps as Record<Agency, string> | undefined;
  const stores = {} as Record<Agency, Storage>;
  const counts = {} as Record<Agency, LoadedCounts>;
  for (const agency of AGENCIES) {
    stores[agency] = dumps ? (await openPgliteCopy(dumps[agency])).storage : await createStorage(storages?.[agency] ?? { kind: 'pglite' });
    const prepared = await SUBGRAPH_FACTORIES[agency]({
      port: 0,
      signingKey: String(request.signingKey),
      registry,
      storage: stores[agency],
      exampleData: true,
      logLevel: 'silent',
    });
    await prepared.close();
  }
  for (const agency of AGENCIES) {
    counts[agency] = await loadBenchDataset(stores[agency], registry, agency, plan, (line) => progress(`monolith ${line}`));
  }
  progress('monolith: dataset in all four stores');
  return { stores, counts };
}

export async function startMonolith(request: Request): Promise<{ url: string; close: () => Promise<void>; counts: Record<Agency, LoadedCounts> }> {
  const plan = request.plan as DatasetPlan;
  const identity = request.identity as IdentityConfig;
  const registry = await loadAreaRegistry();
  const scopes = createAreaScopes(registry);

  const { stores, counts } = await prepareMonolithStores(request, registry, plan);

  const parts = Object.fromEntries(
    AGENCIES.map((agency) => [
      agency,
      { resolvers: agencyResolvers({ agency, registry, scopes }), context: agencyContextFactory({ agency, storage: stores[agency], registry, scopes }) },
    ]),
  ) as Record<Agency, { resolvers: ResolverMap; context: ReturnType<typeof agencyContextFactory> }>;
  const typeDefs = mergeContracts(AGENCIES.map((agency) => AGENCY_TYPE_DEFS[agency]));

  const { resolvers, owner, entityTypes } = mergeResolvers(parts);

  // Callers prove who they are with the same bearer token the gateways verify.
  const callerOf = await tokenVerifier(identity);

  /** Per request: one context per agency, made on first use, as `createAgencySubgraph` makes it. */
  const contextsFor = (caller: Caller | undefined, log: unknown) => {
    const made = new Map<Agency, Record<string, unknown>>();
    return (agency: Agency) => {
      let context = made.get(agency);
      if (!context) {
        context = parts[agency].context(caller, log);
        made.set(agency, context);
      }
      return context;
    };
  };
  type MonolithContext = { agencyContext: (agency: Agency) => Record<string, unknown> };

  const transformSchema = (schema: GraphQLSchema) => {
    // The subgraphs' guard on classified fields (it reads the agency context set below).
    enforceFieldClassification(schema);
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      const entity = entityTypes.get(type.name);
      for (const field of Object.values(type.getFields())) {
        const agency = owner.get(`${type.name}.${field.name}`) ?? ownerOf(type.name, field.name);
        const resolve = field.resolve as Resolver | undefined;
        if (entity) {
          // A linked record of another agency arrives as { __typename, id }: load it first, as
          // the gateway would fetch it from its subgraph. Without the field's info: the record's
          // columns are chosen from the selection under the info given, and a leaf has none (every
          // field of the stub then shares one load of the whole record).
          field.resolve = async (parent, args, context, info) => {
            const own = (context as MonolithContext).agencyContext(entity.agency);
            const record = isStub(parent) ? await entity.resolveReference(parent, own as never, undefined, undefined) : parent;
            if (!resolve) return (record as Record<string, unknown> | null)?.[field.name];
            return resolve(record, args, (context as MonolithContext).agencyContext(agency), info);
          };
        } else if (resolve && type.name === 'Area' && AGENCIES.includes(field.name as Agency)) {
          // An agency's view of an area (Area.front …) is reached through the gateway by the area's
          // key alone: the version the parent names (its `on`) stays in the subgraph that named it.
          field.resolve = (parent, args, context, info) => resolve({ code: (parent as { code: string }).code }, args, (context as MonolithContext).agencyContext(agency), info);
        } else if (resolve) {
          field.resolve = (parent, args, context, info) => resolve(parent, args, (context as MonolithContext).agencyContext(agency), info);
        }
      }
    }
  };

  const server = await createSubgraphServer<MonolithContext>({
    agency: 'police',
    typeDefs,
    resolvers: resolvers as never,
    transformSchema,
    port: 0,
    // No gateway in front: nothing signs the requests; the caller comes from the bearer token.
    allowUnsigned: true,
    logLevel: 'error',
    context: async ({ request: httpRequest }: { request: import('fastify').FastifyRequest }) => {
      const caller = await callerOf(httpRequest.headers.authorization);
      return { agencyContext: contextsFor(caller, httpRequest.log) };
    },
  } as never);
  return {
    url: server.url,
    counts,
    close: async () => {
      await server.close();
      await Promise.all(AGENCIES.map((agency) => stores[agency].close()));
    },
  };
}
