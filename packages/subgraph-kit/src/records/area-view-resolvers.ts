import { AGENCY_TYPE_PREFIX, type AgencyContext, type AgencyResolverOptions, type Args, type Parent } from './agency-context.js';
import { metricField } from './metric-field-resolvers.js';
import { checkPageSize, decodeCursor } from './page.js';

function viewConnection(field: 'models' | 'forces' | 'observations') {
  return async (view: Parent, args: Args, ctx: AgencyContext) => {
    const filter = (args.filter as Args | undefined) ?? {};
    const area = typeof filter.area === 'string' ? filter.area : String(view.areaCode);
    return ctx.loaders.page.load({
      field,
      scopeKey: area,
      scope: ctx.scopes.scopeOf(area),
      filter,
      first: checkPageSize(args.first as number | undefined, field === 'observations' ? 50 : 20),
      after: decodeCursor(args.after as string | undefined),
    });
  };
}

/** The agency's view of an area (`Area.<agency>`): its records there and its figures for it. */
export function createAreaViewResolvers({ agency }: AgencyResolverOptions) {
  const P = AGENCY_TYPE_PREFIX[agency];
  return {
    [`${P}AreaView`]: {
      agency: () => agency,
      models: viewConnection('models'),
      forces: viewConnection('forces'),
      observations: viewConnection('observations'),
      metric: metricField,
    },
    AgencyAreaView: { __resolveType: () => `${P}AreaView` },
  };
}
