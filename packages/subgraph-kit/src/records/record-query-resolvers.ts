import { FORCE_KINDS, INDICATORS, MODEL_KINDS } from '@antq/sdk';
import type { AgencyContext, AgencyResolverOptions, Args } from './agency-context.js';
import { ALL_AREAS, checkPageSize, decodeCursor } from './page.js';
import type { PageRequest } from './record-loaders.js';

/** One page of an agency's list under an area (and its version on `on`), or of every area. */
export function pageRequest(ctx: AgencyContext, field: PageRequest['field'], args: Args, { area, on }: { area?: string; on?: string }): PageRequest {
  const filter = (args.filter as Args | undefined) ?? {};
  const page = {
    field,
    filter,
    first: checkPageSize(args.first as number | undefined, field === 'observations' ? 50 : 20),
    after: decodeCursor(args.after as string | undefined),
  };
  if (area === undefined || area === '') return { ...page, scopeKey: '*', scope: ALL_AREAS };
  const { codes, until } = ctx.scopes.listScopeOf(area, on);
  return { ...page, scopeKey: on === undefined ? area : `${area}@${on}`, scope: codes, ...(until ? { until } : {}) };
}

function rootConnection(field: PageRequest['field']) {
  return async (_: unknown, args: Args, ctx: AgencyContext) => {
    const filter = (args.filter as Args | undefined) ?? {};
    const area = typeof filter.area === 'string' ? filter.area : undefined;
    return ctx.loaders.page.load(pageRequest(ctx, field, args, { area, on: typeof filter.on === 'string' ? filter.on : undefined }));
  };
}

/** The catalogues, and the agency's records by id or page by page (`policeModel`, `policeModels` …). */
export function createRecordQueries({ agency: lower }: AgencyResolverOptions) {
  return {
    indicators: () => INDICATORS,
    modelKinds: () => MODEL_KINDS,
    forceKinds: () => FORCE_KINDS,
    [`${lower}Model`]: (_: unknown, args: Args, ctx: AgencyContext) => ctx.loaders.models.load(String(args.id)),
    [`${lower}Models`]: rootConnection('models'),
    [`${lower}Force`]: (_: unknown, args: Args, ctx: AgencyContext) => ctx.loaders.forces.load(String(args.id)),
    [`${lower}Forces`]: rootConnection('forces'),
    [`${lower}Observations`]: rootConnection('observations'),
  };
}
