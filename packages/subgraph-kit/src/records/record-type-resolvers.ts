import { getForceKind, getIndicator, getModelKind, type Agency, type SecurityModel, type VolunteerForce } from '@antq/sdk';
import type { AreaRegistry } from '@antq/sdk/areas';
import { AGENCY_TYPE_PREFIX, type AgencyContext, type AgencyResolverOptions, type Args, type Parent } from './agency-context.js';
import { areaRef, recordAreaRef } from './area-resolvers.js';
import { reportedUnder } from './area-version.js';
import type { StoredObservation } from './observation-store.js';

const labelled = (entry: { code: string; label: { vi: string; en: string } } | undefined, code: string) => entry ?? { code, label: { vi: code, en: code } };

const resources = (list: unknown) => ((list as Parent[] | undefined) ?? []).map((resource) => ({ ...resource, approximate: resource.approximate ?? false }));

/** The fields models and forces share, their links to other records among them. */
function sharedRecordFields(agency: Agency, registry: AreaRegistry) {
  return {
    agency: () => agency,
    area: (record: Parent) => recordAreaRef(registry, record),
    residentialArea: (record: Parent) => (record.residentialAreaId ? { id: record.residentialAreaId } : null),
    funding: (record: Parent) =>
      ((record.funding as Parent[] | undefined) ?? []).map((funding) => ({
        ...funding,
        atLeast: funding.atLeast ?? false,
      })),
    // Another agency's record is a reference the gateway resolves at its owner; our own we load here.
    linkedRecords: (record: Parent, _: Args, ctx: AgencyContext) =>
      Promise.all(
        ((record.linkedRecords as { agency: Agency; kind: string; id: string }[] | undefined) ?? []).map(async (link) => {
          const typename = `${AGENCY_TYPE_PREFIX[link.agency]}${link.kind === 'volunteer_force' ? 'Force' : 'Model'}`;
          if (link.agency !== agency) return { __typename: typename, id: link.id };
          const own = await (link.kind === 'volunteer_force' ? ctx.loaders.forces : ctx.loaders.models).load(link.id);
          return own ? { ...own, __typename: typename } : null;
        }),
      ).then((links) => links.filter((link) => link !== null)),
    sources: (record: Parent) => record.sources ?? [],
  };
}

/** The agency's record types (`PoliceModel` …) and the shared interfaces they implement. */
export function createRecordTypeResolvers({ agency, registry }: AgencyResolverOptions) {
  const P = AGENCY_TYPE_PREFIX[agency];
  const recordFields = sharedRecordFields(agency, registry);
  return {
    SecurityModel: { __resolveType: () => `${P}Model` },
    VolunteerForce: { __resolveType: () => `${P}Force` },
    Observation: { __resolveType: () => `${P}Observation` },
    SecurityModelConnection: { __resolveType: () => `${P}ModelConnection` },
    VolunteerForceConnection: { __resolveType: () => `${P}ForceConnection` },
    ObservationConnection: { __resolveType: () => `${P}ObservationConnection` },
    LinkedRecord: { __resolveType: (record: Parent) => String(record.__typename) },

    [`${P}Model`]: {
      __resolveReference: (reference: Parent, ctx: AgencyContext) => ctx.loaders.models.load(String(reference.id)),
      ...recordFields,
      kind: (model: SecurityModel) => labelled(getModelKind(model.kind), model.kind),
      resources: (model: SecurityModel) => resources(model.resources),
      outcomes: (model: SecurityModel) => model.outcomes ?? [],
      replication: (model: SecurityModel) => (model.replication ? { ...model.replication, areas: (model.replication.areaCodes ?? []).map((code) => ({ code })) } : null),
      commendations: (model: SecurityModel) => model.commendations ?? [],
      partners: (model: SecurityModel) => model.partners ?? [],
    },

    [`${P}Force`]: {
      __resolveReference: (reference: Parent, ctx: AgencyContext) => ctx.loaders.forces.load(String(reference.id)),
      ...recordFields,
      kind: (force: VolunteerForce) => labelled(getForceKind(force.kind), force.kind),
      equipment: (force: VolunteerForce) => resources(force.equipment),
    },

    [`${P}Observation`]: {
      __resolveReference: (reference: Parent, ctx: AgencyContext) => ctx.loaders.observations.load(String(reference.id)),
      agency: () => agency,
      indicator: (observation: StoredObservation) => labelled(getIndicator(observation.indicator) as never, observation.indicator),
      area: (observation: StoredObservation) => areaRef(observation.areaCode),
      reportedUnder: (observation: StoredObservation) => reportedUnder(registry, observation.areaCode, observation.period),
      residentialArea: (observation: StoredObservation) => (observation.residentialAreaId ? { id: observation.residentialAreaId } : null),
      history: async (observation: StoredObservation, _: Args, ctx: AgencyContext) =>
        (await ctx.loaders.revisions.load(observation.id)).filter((revision) => revision.revision < observation.revision),
    },
  };
}
