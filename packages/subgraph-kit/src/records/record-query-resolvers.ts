import { FORCE_KINDS, INDICATORS, MODEL_KINDS } from '@antq/sdk';
import type { AgencyContext, AgencyResolverOptions, Args } from './agency-context.js';
import { ALL_AREAS, checkPageSize, decodeCursor } from './page.js';

function scopeFor(ctx: AgencyContext, area: unknown): readonly string[] {
  return typeof area === 'string' && area !== '' ? ctx.scopes.scopeOf(area) : ALL_AREAS;
}

function rootConnection(field: 'models' | 'forces' | 'observations') {
  return async (_: unknown, args: Args, ctx: AgencyContext) => {
    const filter = (args.filter as Args | undefined) ?? {};
    return ctx.loaders.page.load({
      field,
      scopeKey: typeof filter.area === 'string' ? filter.area : '*',
      scope: scopeFor(ctx, filter.area),
      filter,
      first: checkPageSize(args.first as number | undefined, field === 'observations' ? 50 : 20),
      after: decodeCursor(args.after as string | undefined),
    });
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
