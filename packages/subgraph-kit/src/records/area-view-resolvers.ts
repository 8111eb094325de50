import type { AgencyContext, AgencyResolverOptions } from './agency-context.js';
import type { TemplateResolvers } from './agency-names.js';
import { metricField } from './metric-field-resolvers.js';
import { loadPage, type PageRequest } from './record-loaders.js';
import { pageRequest, type ConnectionArgs } from './record-query-resolvers.js';
import type { SelectionInfo } from './node-selection.js';
import type { AreaViewParent } from './resolver-parents.js';

function viewConnection<Field extends PageRequest['field']>(field: Field) {
  return (view: AreaViewParent, args: ConnectionArgs, ctx: AgencyContext, info?: SelectionInfo) => {
    // The view's own unit, as the area was reached (`area(code:, on:)`), unless the filter names another.
    const named = args.filter?.area;
    const area = typeof named === 'string' ? named : view.areaCode;
    const on = typeof named === 'string' ? args.filter?.on : (args.filter?.on ?? view.on);
    return loadPage(ctx.loaders, pageRequest(ctx, field, args, { area, on }, info));
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
