import { FORCE_KINDS, INDICATORS, MODEL_KINDS } from '@antq/sdk';
import type { AgencyContext } from './agency-context.js';
import type { TemplateResolvers } from './agency-names.js';
import { ALL_AREAS, checkPageSize, decodeCursor } from './page.js';
import { loadPage, type PageRequest } from './record-loaders.js';

interface ConnectionArgs {
  readonly filter?: { readonly area?: string | null } | null;
  readonly first?: number | null;
  readonly after?: string | null;
}

function scopeFor(ctx: AgencyContext, area: unknown): readonly string[] {
  return typeof area === 'string' && area !== '' ? ctx.scopes.scopeOf(area) : ALL_AREAS;
}

function rootConnection<Field extends PageRequest['field']>(field: Field) {
  return (_: unknown, args: ConnectionArgs, ctx: AgencyContext) => {
    const filter = args.filter ?? {};
    return loadPage(ctx.loaders, {
      field,
      scopeKey: typeof filter.area === 'string' ? filter.area : '*',
      scope: scopeFor(ctx, filter.area),
      filter,
      first: checkPageSize(args.first, field === 'observations' ? 50 : 20),
      after: decodeCursor(args.after),
    });
  };
}

type RecordQueries = 'indicators' | 'modelKinds' | 'forceKinds' | 'templateModel' | 'templateModels' | 'templateForce' | 'templateForces' | 'templateObservations';

/** The catalogues, and the agency's records by id or page by page (`policeModel`, `policeModels` …). */
export function createRecordQueries(): Pick<NonNullable<TemplateResolvers['Query']>, RecordQueries> {
  return {
    indicators: () => INDICATORS,
    modelKinds: () => MODEL_KINDS,
    forceKinds: () => FORCE_KINDS,
    templateModel: (_, args, ctx) => ctx.loaders.models.load(args.id),
    templateModels: rootConnection('models'),
    templateForce: (_, args, ctx) => ctx.loaders.forces.load(args.id),
    templateForces: rootConnection('forces'),
    templateObservations: rootConnection('observations'),
  };
}
