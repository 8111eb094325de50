import DataLoader from 'dataloader';
import {
  AntqError,
  ErrorCode,
  validateComplexAreaDesignationInput,
  validateExemplaryCommunePilotInput,
  validateMovementRatingInput,
  validateResidentialAreaInput,
  validateSafetyRecognitionInput,
  validateTransformationResultInput,
  type SourceRef,
} from '@antq/sdk';
import { appendChange, checkPageSize, decodeCursor, requireWriter, toPage, writeOnce, type AgencyContext, type ListScope, type SqlExecutor } from '@antq/subgraph-kit';
import type { MutationRegisterResidentialAreaArgs, QueryComplexAreaDesignationsArgs, Resolvers } from '../generated/resolver-types.js';
import type { AreaViewParent, RecordWithResidentialArea } from '../resolver-parents.js';
import { designationStore, type DesignationKind, type StoredDesignation, type StoredResidentialArea } from './designation-store.js';

type Args = Record<string, unknown>;
/** The part of a resolver's `info` a write needs. */
type ResolvedField = { readonly fieldName: string };

/** A police area view's unit, as it was reached (`area(code:, on:)`). */
interface ViewScope {
  readonly key: string;
  readonly scope: ListScope;
}

function viewScope(view: AreaViewParent, ctx: PoliceContext): ViewScope {
  return { key: view.on === undefined ? view.areaCode : `${view.areaCode}@${view.on}`, scope: ctx.scopes.listScopeOf(view.areaCode, view.on) };
}

/** Loaders for the police's own tables, one statement per tick each. */
export function createDesignationLoaders(db: SqlExecutor) {
  const inScope = (kind: DesignationKind) =>
    new DataLoader<ViewScope, StoredDesignation[], string>(
      async (requests) => {
        const scopes = new Map(requests.map((request) => [request.key, request.scope.codes]));
        const until = new Map(requests.flatMap((request) => (request.scope.until ? [[request.key, request.scope.until] as const] : [])));
        const lists = await designationStore.inScopes(db, { kind, scopes, until });
        return requests.map((request) => lists.get(request.key) ?? []);
      },
      { cacheKeyFn: (request) => request.key },
    );
  return {
    byId: new DataLoader<string, StoredDesignation | undefined>(async (ids) => designationStore.byIds(db, ids)),
    results: new DataLoader<string, StoredDesignation[]>(async (ids) => designationStore.resultsOf(db, ids)),
    residentialAreas: new DataLoader<string, StoredResidentialArea | undefined>(async (ids) => designationStore.residentialAreasByIds(db, ids)),
    residentialAreasInScope: new DataLoader<ViewScope, StoredResidentialArea[], string>(
      async (requests) => {
        const lists = await designationStore.residentialAreasInScopes(db, new Map(requests.map((request) => [request.key, request.scope.codes])));
        return requests.map((request) => lists.get(request.key) ?? []);
      },
      { cacheKeyFn: (request) => request.key },
    ),
    complexAreaDesignations: inScope('complex_area_designation'),
    safetyRecognitions: inScope('safety_recognition'),
    exemplaryCommunePilots: inScope('exemplary_commune_pilot'),
    movementRatings: inScope('movement_rating'),
  };
}

export interface PoliceContext extends AgencyContext {
  readonly designations: ReturnType<typeof createDesignationLoaders>;
}

const area = (record: { readonly areaCode: string }) => ({ code: record.areaCode });
/**
 * A record's residential area, read from the police's own store: the police own ResidentialArea,
 * so no gateway fills in a `{ id }` reference here (null when the id names no area stored).
 */
const residentialArea = async (record: RecordWithResidentialArea, _: unknown, ctx: PoliceContext) =>
  record.residentialAreaId ? ((await ctx.designations.residentialAreas.load(record.residentialAreaId)) ?? null) : null;
const sources = (record: StoredDesignation) => (record.sources as readonly SourceRef[] | undefined) ?? [];

function withoutNulls(input: Args): Args {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null && value !== undefined));
}

/** The mutation field (of GraphQL's resolve info) and its arguments: what an Idempotency-Key stands for. */
interface WriteRequest {
  readonly args: Args;
  readonly info: ResolvedField;
}

/** Writes one designation with its change event, in one transaction (once per Idempotency-Key). */
async function storeDesignation(ctx: PoliceContext, request: WriteRequest, record: StoredDesignation): Promise<StoredDesignation> {
  const caller = requireWriter(ctx, { agency: 'police', areaCode: record.areaCode });
  const write = async (tx: SqlExecutor) => {
    if (record.residentialAreaId) {
      const [residential] = await designationStore.residentialAreasByIds(tx, [record.residentialAreaId]);
      if (!residential || residential.communeCode !== record.areaCode) {
        throw new AntqError(
          ErrorCode.BAD_USER_INPUT,
          `Residential area "${record.residentialAreaId}" is not registered under ${record.areaCode}. Register it with registerResidentialArea first.`,
          {
            issues: [{ path: 'input.residentialAreaId', message: `expected a residential area of commune ${record.areaCode}` }],
          },
        );
      }
    }
    const stored = await designationStore.insert(tx, record, caller.subject);
    await appendChange(tx, { agency: 'police', recordKind: record.kind, recordId: stored.id, change: 'created', areaCode: stored.areaCode, payload: stored });
    return stored;
  };
  const reload = async (db: SqlExecutor, id: string) => (await designationStore.byIds(db, [id]))[0];
  return writeOnce(ctx, { field: request.info.fieldName, args: request.args, write, reload });
}

function newId(kind: string): string {
  return `police-${kind.replaceAll('_', '-')}-${crypto.randomUUID()}`;
}

/** A police area view's list of one designation kind, within the caller's scope. */
const listInView =
  (loader: keyof Pick<PoliceContext['designations'], 'complexAreaDesignations' | 'safetyRecognitions' | 'exemplaryCommunePilots' | 'movementRatings'>) =>
  (view: AreaViewParent, _: unknown, ctx: PoliceContext) =>
    ctx.designations[loader].load(viewScope(view, ctx));

/** One page of key complex area designations, filtered by area, list and year. */
async function listComplexAreaDesignations(_: unknown, args: QueryComplexAreaDesignationsArgs, ctx: PoliceContext) {
  const filter = args.filter ?? {};
  const size = checkPageSize(args.first, 50);
  const after = decodeCursor(args.after);
  const scopeArea = typeof filter.area === 'string' ? filter.area : undefined;
  // Designations are few per area and year: select the ids, then page by (year, id).
  const rows = await ctx.storage.query<Record<string, unknown>>(
    `SELECT id, year::text AS sort_year FROM area_designations WHERE kind = 'complex_area_designation'
       AND ($1::text[] IS NULL OR area_code = ANY($1::text[]))
       AND ($2::text IS NULL OR data->>'list' = $2) AND ($3::int IS NULL OR year = $3)
     ORDER BY year, id`,
    [scopeArea ? ctx.scopes.scopeOf(scopeArea) : null, filter.list ?? null, filter.year ?? null],
  );
  const start = after ? rows.findIndex((row) => String(row.sort_year) === after.name && String(row.id) === after.id) + 1 : 0;
  const window = rows.slice(start, start + size + 1);
  const records = (await ctx.designations.byId.loadMany(window.map((row) => String(row.id)))) as StoredDesignation[];
  return toPage(
    records.map((record) => ({ ...record, name: String(record.year) })),
    size,
    rows.length,
  );
}

/** Registers a residential area with its change event (once per Idempotency-Key). */
async function registerResidentialArea(_: unknown, args: MutationRegisterResidentialAreaArgs, ctx: PoliceContext, info: ResolvedField) {
  const input = validateResidentialAreaInput(withoutNulls(args.input), { areas: ctx.registry });
  const caller = requireWriter(ctx, { agency: 'police', areaCode: input.communeCode });
  const write = async (tx: SqlExecutor) => {
    const stored = await designationStore.insertResidentialArea(
      tx,
      { id: `${input.communeCode}:${input.slug}`, communeCode: input.communeCode, name: input.name, localKind: input.localKind },
      caller.subject,
    );
    await appendChange(tx, { agency: 'police', recordKind: 'residential_area', recordId: stored.id, change: 'created', areaCode: stored.communeCode, payload: stored });
    return stored;
  };
  const reload = async (db: SqlExecutor, id: string) => (await designationStore.residentialAreasByIds(db, [id]))[0];
  return writeOnce(ctx, { field: info.fieldName, args, write, reload });
}

/** The police's mutations: residential areas and the designation records. */
function createDesignationMutations(): NonNullable<Resolvers['Mutation']> {
  return {
    registerResidentialArea,
    designateComplexArea: (_, args, ctx, info) => {
      const input = validateComplexAreaDesignationInput(withoutNulls(args.input), { areas: ctx.registry });
      return storeDesignation(ctx, { args, info }, { ...input, id: input.id ?? newId('complex_area_designation'), kind: 'complex_area_designation' });
    },
    recordTransformationResult: async (_, args, ctx, info) => {
      const input = validateTransformationResultInput(withoutNulls(args.input));
      const designation = await ctx.designations.byId.load(input.designationId);
      if (!designation || designation.kind !== 'complex_area_designation') {
        throw new AntqError(ErrorCode.NOT_FOUND, `No key complex area designation "${input.designationId}". List them with complexAreaDesignations.`, {
          details: { id: input.designationId },
        });
      }
      return storeDesignation(ctx, { args, info }, { ...input, id: input.id ?? newId('transformation_result'), kind: 'transformation_result', areaCode: designation.areaCode });
    },
    recordSafetyRecognition: (_, args, ctx, info) => {
      const input = validateSafetyRecognitionInput(withoutNulls(args.input), { areas: ctx.registry });
      return storeDesignation(ctx, { args, info }, { ...input, id: input.id ?? newId('safety_recognition'), kind: 'safety_recognition' });
    },
    recordExemplaryCommunePilot: (_, args, ctx, info) => {
      const input = validateExemplaryCommunePilotInput(withoutNulls(args.input), { areas: ctx.registry });
      return storeDesignation(ctx, { args, info }, { ...input, id: input.id ?? newId('exemplary_commune_pilot'), kind: 'exemplary_commune_pilot' });
    },
    recordMovementRating: (_, args, ctx, info) => {
      const input = validateMovementRatingInput(withoutNulls(args.input), { areas: ctx.registry });
      return storeDesignation(ctx, { args, info }, { ...input, id: input.id ?? newId('movement_rating'), kind: 'movement_rating' });
    },
  };
}

/** Field resolvers of the police's own record types and of the shared records that point at them. */
type RecordTypes =
  | 'PoliceModel'
  | 'PoliceForce'
  | 'PoliceObservation'
  | 'ResidentialArea'
  | 'ComplexAreaDesignation'
  | 'TransformationResult'
  | 'SafetyRecognition'
  | 'ExemplaryCommunePilot'
  | 'MovementRating';

function createDesignationRecordResolvers(): Pick<Resolvers, RecordTypes> {
  return {
    // The shared records (the kit's resolvers) point at a residential area by id; here it is ours.
    PoliceModel: { residentialArea },
    PoliceForce: { residentialArea },
    PoliceObservation: { residentialArea },
    ResidentialArea: {
      __resolveReference: (reference, ctx) => ctx.designations.residentialAreas.load(reference.id),
      commune: (record) => ({ code: record.communeCode }),
    },
    ComplexAreaDesignation: {
      __resolveReference: (reference, ctx) => ctx.designations.byId.load(reference.id),
      area,
      residentialArea,
      sources,
      problemTypes: (record) => (record.problemTypes as string[] | undefined) ?? [],
      results: (record, _, ctx) => ctx.designations.results.load(record.id),
    },
    TransformationResult: {
      // Stored only for a designation that exists (recordTransformationResult checks it).
      designation: async (record, _, ctx) => (await ctx.designations.byId.load(String(record.designationId)))!,
      sources,
    },
    SafetyRecognition: { area, residentialArea, sources },
    ExemplaryCommunePilot: {
      area,
      sources,
      focusModels: async (record, _, ctx) =>
        (await ctx.loaders.models.loadMany((record.focusModelIds as string[] | undefined) ?? [])).flatMap((model) =>
          model === undefined || model instanceof Error ? [] : [model],
        ),
    },
    MovementRating: { area, sources },
  };
}

/** Resolvers for what only the police subgraph has: residential areas and area designations. */
export function createDesignationResolvers() {
  return {
    Query: {
      residentialArea: (_, args, ctx) => ctx.designations.residentialAreas.load(args.id),
      complexAreaDesignations: listComplexAreaDesignations,
    },
    Mutation: createDesignationMutations(),
    PoliceAreaView: {
      residentialAreas: (view, _, ctx) => ctx.designations.residentialAreasInScope.load(viewScope(view, ctx)),
      complexAreaDesignations: listInView('complexAreaDesignations'),
      safetyRecognitions: listInView('safetyRecognitions'),
      exemplaryCommunePilots: listInView('exemplaryCommunePilots'),
      movementRatings: listInView('movementRatings'),
    },
    ...createDesignationRecordResolvers(),
  } satisfies Resolvers;
}
