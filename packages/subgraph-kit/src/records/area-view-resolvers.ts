import type { AgencyContext, AgencyResolverOptions } from './agency-context.js';
import type { TemplateResolvers } from './agency-names.js';
import { metricField } from './metric-field-resolvers.js';
import { checkPageSize, decodeCursor } from './page.js';
import { loadPage, type PageRequest } from './record-loaders.js';
import type { AreaViewParent } from './resolver-parents.js';

interface ConnectionArgs {
  readonly filter?: { readonly area?: string | null } | null;
  readonly first?: number | null;
  readonly after?: string | null;
}

function viewConnection<Field extends PageRequest['field']>(field: Field) {
  return (view: AreaViewParent, args: ConnectionArgs, ctx: AgencyContext) => {
    const filter = args.filter ?? {};
    const area = typeof filter.area === 'string' ? filter.area : view.areaCode;
    return loadPage(ctx.loaders, {
      field,
      scopeKey: area,
      scope: ctx.scopes.scopeOf(area),
      filter,
      first: checkPageSize(args.first, field === 'observations' ? 50 : 20),
      after: decodeCursor(args.after),
    });
  };
}

/** The agency's view of an area (`Area.<agency>`): its records there and its figures for it. */
export function createAreaViewResolvers({ agency }: AgencyResolverOptions): Pick<TemplateResolvers, 'TemplateAreaView' | 'AgencyAreaView'> {
  return {
    TemplateAreaView: {
      agency: () => agency,
      models: viewConnection('models'),
      forces: viewConnection('forces'),
      observations: viewConnection('observations'),
      metric: metricField,
    },
    AgencyAreaView: { __resolveType: () => 'TemplateAreaView' },
  };
}
