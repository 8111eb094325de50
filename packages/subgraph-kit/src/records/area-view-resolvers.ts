import { AGENCY_TYPE_PREFIX, type AgencyContext, type AgencyResolverOptions, type Args, type Parent } from './agency-context.js';
import { metricField } from './metric-field-resolvers.js';
import { pageRequest } from './record-query-resolvers.js';

function viewConnection(field: 'models' | 'forces' | 'observations') {
  return async (view: Parent, args: Args, ctx: AgencyContext) => {
    const filter = (args.filter as Args | undefined) ?? {};
    // The view's own unit, as the area was reached (`area(code:, on:)`), unless the filter names another.
    const area = typeof filter.area === 'string' ? filter.area : String(view.areaCode);
    const on = typeof filter.area === 'string' ? filter.on : (filter.on ?? view.on);
    return ctx.loaders.page.load(pageRequest(ctx, field, args, { area, on: typeof on === 'string' ? on : undefined }));
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
