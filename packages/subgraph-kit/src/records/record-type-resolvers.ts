import { AntqError, ErrorCode, getForceKind, getIndicator, getModelKind, LINKED_RECORD_KINDS, type Agency, type Resource } from '@antq/sdk';
import type { AreaRegistry } from '@antq/sdk/areas';
import { AGENCY_TYPE_PREFIX, type AgencyContext, type AgencyResolverOptions } from './agency-context.js';
import type { TemplateResolvers } from './agency-names.js';
import { recordAreaRef } from './area-resolvers.js';
import { reportedUnder } from './area-version.js';
import { readRecord, recordTables } from './record-loaders.js';
import type { ForceParent, ModelParent, RecordReference } from './resolver-parents.js';

const labelled = (entry: { code: string; label: { vi: string; en: string } } | undefined, code: string) => entry ?? { code, label: { vi: code, en: code } };

const resources = (list: readonly Resource[] | undefined) => (list ?? []).map((resource) => ({ ...resource, approximate: resource.approximate ?? false }));

type RecordParent = ModelParent | ForceParent;

const LINKED_KINDS: ReadonlySet<string> = new Set(LINKED_RECORD_KINDS);

/**
 * A record another agency's link names and this agency does not hold: an error at the link, not a
 * null the gateway's runtime would leave as an object without its fields. Links are checked when
 * written (the gateway's record reference check); one that points at nothing was written before, or
 * outlived a restore of this store from an older backup.
 */
function notHeld(agency: Agency, noun: string, id: unknown): never {
  throw new AntqError(ErrorCode.NOT_FOUND, `${agency} has no ${noun} ${JSON.stringify(id)}: a link to it points at nothing. Correct the linking record's linkedRecords.`, {
    details: { id },
  });
}

/** The fields models and forces share, their links to other records among them. */
function sharedRecordFields(agency: Agency, registry: AreaRegistry) {
  return {
    agency: () => agency,
    area: (record: RecordParent) => recordAreaRef(registry, record) ?? { code: record.areaCode },
    residentialArea: (record: RecordParent) => (record.residentialAreaId ? { id: record.residentialAreaId } : null),
    funding: (record: RecordParent) => (record.funding ?? []).map((funding) => ({ ...funding, atLeast: funding.atLeast ?? false })),
    // Another agency's record is a reference the gateway resolves at its owner; our own we load here.
    linkedRecords: (record: RecordParent, _: unknown, ctx: AgencyContext) =>
      Promise.all(
        (record.linkedRecords ?? []).map(async (link): Promise<ModelParent | ForceParent | RecordReference | null> => {
          // Links to other kinds were accepted before links were limited to models and forces; LinkedRecord cannot answer them.
          if (!LINKED_KINDS.has(link.kind)) return null;
          const typename = `${AGENCY_TYPE_PREFIX[link.agency]}${link.kind === 'volunteer_force' ? 'Force' : 'Model'}`;
          if (link.agency !== agency) return { __typename: typename, id: link.id };
          const own = await (link.kind === 'volunteer_force' ? ctx.loaders.forces : ctx.loaders.models).load(link.id);
          return own ? { ...own, __typename: typename } : null;
        }),
      ).then((links) => links.filter((link) => link !== null)),
    sources: (record: RecordParent) => record.sources ?? [],
  };
}

/** The agency's record types (`PoliceModel` …) and the shared interfaces they implement. */
export function createRecordTypeResolvers({
  agency,
  registry,
}: AgencyResolverOptions): Pick<
  TemplateResolvers,
  | 'SecurityModel'
  | 'VolunteerForce'
  | 'Observation'
  | 'SecurityModelConnection'
  | 'VolunteerForceConnection'
  | 'ObservationConnection'
  | 'LinkedRecord'
  | 'TemplateModel'
  | 'TemplateForce'
  | 'TemplateObservation'
> {
  const recordFields = sharedRecordFields(agency, registry);
  return {
    // The placeholder's names: forAgency renames them (TemplateModel → PoliceModel).
    SecurityModel: { __resolveType: () => 'TemplateModel' },
    VolunteerForce: { __resolveType: () => 'TemplateForce' },
    Observation: { __resolveType: () => 'TemplateObservation' },
    SecurityModelConnection: { __resolveType: () => 'TemplateModelConnection' },
    VolunteerForceConnection: { __resolveType: () => 'TemplateForceConnection' },
    ObservationConnection: { __resolveType: () => 'TemplateObservationConnection' },
    // Already an agency's name (PoliceModel, FrontForce …), set by linkedRecords.
    LinkedRecord: { __resolveType: (record) => (record as { __typename: string }).__typename as 'TemplateModel' },

    TemplateModel: {
      __resolveReference: (reference, ctx, info) =>
        readRecord(ctx.loaders.modelReads, recordTables.models, { id: reference.id, typeName: String(reference.__typename), info }).then(
          (model) => model ?? notHeld(agency, 'security model', reference.id),
        ),
      ...recordFields,
      kind: (model) => labelled(getModelKind(model.kind), model.kind),
      resources: (model) => resources(model.resources),
      outcomes: (model) => model.outcomes ?? [],
      replication: (model) => (model.replication ? { ...model.replication, areas: (model.replication.areaCodes ?? []).map((code) => ({ code })) } : null),
      commendations: (model) => model.commendations ?? [],
      partners: (model) => model.partners ?? [],
    },

    TemplateForce: {
      __resolveReference: (reference, ctx, info) =>
        readRecord(ctx.loaders.forceReads, recordTables.forces, { id: reference.id, typeName: String(reference.__typename), info }).then(
          (force) => force ?? notHeld(agency, 'volunteer force', reference.id),
        ),
      ...recordFields,
      kind: (force) => labelled(getForceKind(force.kind), force.kind),
      equipment: (force) => resources(force.equipment),
    },

    TemplateObservation: {
      __resolveReference: (reference, ctx) => ctx.loaders.observations.load(String(reference.id)),
      agency: () => agency,
      indicator: (observation) => labelled(getIndicator(observation.indicator), observation.indicator),
      area: (observation) => ({ code: observation.areaCode }),
      reportedUnder: (observation) => reportedUnder(registry, observation.areaCode, observation.period),
      residentialArea: (observation) => (observation.residentialAreaId ? { id: observation.residentialAreaId } : null),
      history: async (observation, _, ctx) => (await ctx.loaders.revisions.load(observation.id)).filter((revision) => revision.revision < observation.revision),
    },
  };
}
