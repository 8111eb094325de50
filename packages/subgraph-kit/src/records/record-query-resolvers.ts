import { getNamedType } from 'graphql';
import { FORCE_KINDS, INDICATORS, MODEL_KINDS, requireForceKind, requireIndicator, requireModelKind } from '@antq/sdk';
import type { AgencyContext } from './agency-context.js';
import type { TemplateResolvers } from './agency-names.js';
import { ALL_AREAS, checkPageSize, decodeCursor } from './page.js';
import { connectionSelection, type SelectionInfo } from './node-selection.js';
import { loadPage, pageBatchKey, readRecord, recordTables, type PageRequest } from './record-loaders.js';

/** What every connection takes; `filter.area` and `filter.on` name the unit it lists under. */
export interface ConnectionArgs {
  readonly filter?: { readonly area?: string | null; readonly on?: string | null } | null;
  readonly first?: number | null;
  readonly after?: string | null;
}

/**
 * What a list's statement reads for the field nodes that ask for it — the columns its nodes need,
 * whether it counts — walked once per document, not per area. Field nodes belong to one list
 * field, so they also say which table.
 */
const readsByFieldNodes = new WeakMap<object, ListReads>();

interface ListReads {
  readonly columns: readonly string[] | undefined;
  readonly counted: boolean;
}

function listReads(field: PageRequest['field'], info: SelectionInfo | undefined): ListReads {
  if (!info?.fieldNodes) return { columns: undefined, counted: true };
  let reads = readsByFieldNodes.get(info.fieldNodes);
  if (!reads) {
    const selection = connectionSelection(info);
    reads = { columns: field === 'observations' ? undefined : recordTables[field].columnsFor(selection.nodeFields), counted: selection.totalCount };
    readsByFieldNodes.set(info.fieldNodes, reads);
  }
  return reads;
}

/** The filter field of each list that names catalogue codes, and the lookup that refuses an unknown one. */
const FILTER_CODES = {
  models: ['kinds', requireModelKind],
  forces: ['kinds', requireForceKind],
  observations: ['indicators', requireIndicator],
} as const satisfies Record<PageRequest['field'], readonly [string, (code: string) => unknown]>;

/** An unknown code in a filter is a typo that would list nothing: refused, naming the closest codes. */
function checkFilterCodes(field: PageRequest['field'], filter: Readonly<Record<string, unknown>>): void {
  const [name, requireCode] = FILTER_CODES[field];
  const codes = filter[name];
  if (Array.isArray(codes)) for (const code of codes) requireCode(String(code));
}

/**
 * One page of an agency's list under an area (and its version on `on`), or of every area.
 * An overview asks for one per area and list, so it is built as one object literal.
 */
export function pageRequest<Field extends PageRequest['field']>(
  ctx: AgencyContext,
  field: Field,
  args: ConnectionArgs,
  { area, on }: { area?: string | null; on?: string | null },
  info?: SelectionInfo,
): PageRequest & { readonly field: Field } {
  const filter = args.filter ? { ...args.filter } : {};
  checkFilterCodes(field, filter);
  const first = checkPageSize(args.first, field === 'observations' ? 50 : 20);
  const after = decodeCursor(args.after);
  const { columns, counted } = listReads(field, info);
  const batchKey = pageBatchKey({ field, filter, first, after, columns, counted });
  if (area === undefined || area === null || area === '') return { field, filter, first, after, columns, counted, batchKey, scopeKey: '*', scope: ALL_AREAS };
  const { codes, until } = ctx.scopes.listScopeOf(area, on ?? undefined);
  return { field, filter, first, after, columns, counted, batchKey, scopeKey: on ? `${area}@${on}` : area, scope: codes, until };
}

function rootConnection<Field extends PageRequest['field']>(field: Field) {
  return (_: unknown, args: ConnectionArgs, ctx: AgencyContext, info?: SelectionInfo) =>
    loadPage(ctx.loaders, pageRequest(ctx, field, args, { area: args.filter?.area, on: args.filter?.on }, info));
}

type RecordQueries = 'indicators' | 'modelKinds' | 'forceKinds' | 'templateModel' | 'templateModels' | 'templateForce' | 'templateForces' | 'templateObservations';

/** The catalogues, and the agency's records by id or page by page (`policeModel`, `policeModels` …). */
export function createRecordQueries(): Pick<NonNullable<TemplateResolvers['Query']>, RecordQueries> {
  return {
    indicators: () => INDICATORS,
    modelKinds: () => MODEL_KINDS,
    forceKinds: () => FORCE_KINDS,
    templateModel: (_, args, ctx, info) => readRecord(ctx.loaders.modelReads, recordTables.models, { id: args.id, typeName: getNamedType(info.returnType).name, info }),
    templateModels: rootConnection('models'),
    templateForce: (_, args, ctx, info) => readRecord(ctx.loaders.forceReads, recordTables.forces, { id: args.id, typeName: getNamedType(info.returnType).name, info }),
    templateForces: rootConnection('forces'),
    templateObservations: rootConnection('observations'),
  };
}
