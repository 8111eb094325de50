import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { AgencyContext } from './agency-context.js';
import type { TemplateResolvers } from './agency-names.js';
import type { AreaViewParent } from './resolver-parents.js';
import type { AreaRegistry } from '@antq/sdk/areas';
import { allConfirmed, versionIn } from './area-resolvers.js';
import { reportedUnder } from './area-version.js';

/**
 * Whether the field being resolved selects `name` directly (through fragments too). `@skip` and
 * `@include` are not read: a field that may be selected counts as selected.
 */
function selects(info: GraphQLResolveInfo, name: string): boolean {
  const seen = new Set<string>();
  const within = (selectionSet: SelectionSetNode | undefined): boolean =>
    (selectionSet?.selections ?? []).some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === name;
      if (selection.kind === Kind.INLINE_FRAGMENT) return within(selection.selectionSet);
      if (seen.has(selection.name.value)) return false;
      seen.add(selection.name.value);
      return within(info.fragments[selection.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((node) => within(node.selectionSet));
}

/** `<Agency>AreaView.metric`: an indicator's figure for the view's area, rolled up from its parts. */
export function metricField(view: AreaViewParent, args: { readonly indicator: string; readonly period: string }, ctx: AgencyContext, info: GraphQLResolveInfo) {
  return ctx.loaders.metric.load({
    target: view.areaCode,
    indicator: args.indicator,
    period: args.period,
    ...(typeof view.on === 'string' ? { on: view.on } : {}),
    // Listing every contribution needs every observation: only then are they read one by one.
    contributions: selects(info, 'contributions'),
  });
}

/** The catalogue entries and the parts a rolled-up metric is made of. */
export function createMetricFieldResolvers(
  registry: AreaRegistry,
): Pick<TemplateResolvers, 'Indicator' | 'ModelKind' | 'ForceKind' | 'MetricContribution' | 'PartialContribution'> {
  return {
    Indicator: {
      countOf: (indicator) => indicator.countOf ?? null,
    },
    ModelKind: { description: (kind) => kind.description ?? null },
    ForceKind: { legalBasis: (kind) => kind.legalBasis ?? null },
    MetricContribution: {
      area: (item) => ({ code: item.areaCode }),
      reportedUnder: (item) => reportedUnder(registry, item.areaCode, item.period),
      // A String field, not an enum: `SELF`, `HIERARCHY`, `LINEAGE`: the SDK's codes in capitals.
      via: (item) => item.via.toUpperCase(),
    },
    PartialContribution: {
      area: (item) => ({ code: item.areaCode }),
      reportedUnder: (item) => reportedUnder(registry, item.areaCode, item.period),
      // Where the split unit went: the units its lineage leads into (the SDK's roll-up works them out),
      // as they were in the register reached (the current one, or an ended target's last).
      into: (item) =>
        item.into.map((unit) => ({
          area: versionIn(registry, unit.code, unit.chain.at(-1)?.toRegister),
          relation: unit.relation,
          effectiveOn: unit.effectiveOn,
          resolution: unit.resolutions.join(', ') || null,
          confirmed: allConfirmed(unit.chain),
        })),
    },
  };
}
