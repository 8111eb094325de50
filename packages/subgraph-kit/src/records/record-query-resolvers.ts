import { getNamedType } from 'graphql';
import { FORCE_KINDS, INDICATORS, MODEL_KINDS } from '@antq/sdk';
import type { AgencyContext } from './agency-context.js';
import type { TemplateResolvers } from './agency-names.js';
import { ALL_AREAS, checkPageSize, decodeCursor } from './page.js';
import { nodeFieldNames, type SelectionInfo } from './node-selection.js';
import { loadPage, readRecord, recordTables, type PageRequest } from './record-loaders.js';

/** What every connection takes; `filter.area` and `filter.on` name the unit it lists under. */
export interface ConnectionArgs {
  readonly filter?: { readonly area?: string | null; readonly on?: string | null } | null;
  readonly first?: number | null;
  readonly after?: string | null;
}

/** One page of an agency's list under an area (and its version on `on`), or of every area. */
export function pageRequest<Field extends PageRequest['field']>(
  ctx: AgencyContext,
  field: Field,
  args: ConnectionArgs,
  { area, on }: { area?: string | null; on?: string | null },
  info?: SelectionInfo,
): PageRequest & { readonly field: Field } {
  const page = {
    field,
    filter: { ...args.filter },
    first: checkPageSize(args.first, field === 'observations' ? 50 : 20),
    after: decodeCursor(args.after),
    ...(field === 'observations' ? {} : { columns: recordTables[field as 'models' | 'forces'].columnsFor(nodeFieldNames(info)) }),
  };
  if (area === undefined || area === null || area === '') return { ...page, scopeKey: '*', scope: ALL_AREAS };
  const { codes, until } = ctx.scopes.listScopeOf(area, on ?? undefined);
  return { ...page, scopeKey: on ? `${area}@${on}` : area, scope: codes, ...(until ? { until } : {}) };
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
