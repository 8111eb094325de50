import {
  AntqError,
  ErrorCode,
  FORCE_KINDS,
  getForceKind,
  getIndicator,
  getModelKind,
  INDICATORS,
  MODEL_KINDS,
  requireAgency,
  validateObservationInput,
  validateSecurityModelInput,
  validateVolunteerForceInput,
  type Agency,
  type RollUpPartial,
  type SecurityModel,
  type VolunteerForce,
} from '@antq/sdk';
import type { AdministrativeUnit } from '@antq/sdk';
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { AreaRegistry, LineageLink } from '@antq/sdk/areas';
import type { AccessGrant } from '../access/access-grants.js';
import { appendChange } from '../outbox/index.js';
import type { SqlExecutor, Storage } from '../storage/index.js';
import type { Caller } from '../identity/index.js';
import { requireWriter } from './write-access.js';
import type { AreaScopes } from './area-scope.js';
import { reportedUnder } from './area-version.js';
import { type RecordLoaders, recordTables } from './record-loaders.js';
import { ALL_AREAS, checkPageSize, decodeCursor } from './page.js';
import { observationStore, type StoredObservation } from './observation-store.js';
import { insertObservation, insertOwnedRecord } from './record-writes.js';
import { writeOnce } from './idempotent-writes.js';


/** What every resolver of an agency subgraph receives. */
export interface AgencyContext {
  readonly agency: Agency;
  readonly caller: Caller | undefined;
  readonly storage: Storage;
  readonly registry: AreaRegistry;
  readonly scopes: AreaScopes;
  readonly loaders: RecordLoaders;
  /** The data-sharing grants now in force for the caller's agency (another agency's caller only). */
  readonly accessGrants: () => Promise<readonly AccessGrant[]>;
  /** The request's Idempotency-Key (forwarded in `extensions.idempotencyKey`): see `writeOnce`. */
  readonly idempotencyKey?: string | undefined;
}

export interface AgencyResolverOptions {
  readonly agency: Agency;
  readonly registry: AreaRegistry;
  readonly scopes: AreaScopes;
}

type Args = Record<string, unknown>;
type Parent = Record<string, unknown>;

/** `WOMENS_UNION` ↔ `womens_union`: schema enums are the SDK's codes in capitals. */
export function toEnumValue(value: string | undefined | null): string | null {
  return value === undefined || value === null ? null : value.toUpperCase();
}

function fromEnumValue<T extends string>(value: unknown): T | undefined {
  return typeof value === 'string' ? (value.toLowerCase() as T) : undefined;
}

function enumList(values: unknown): string[] | undefined {
  return Array.isArray(values) ? values.map((value) => String(value).toLowerCase()) : undefined;
}

function areaRef(code: string | undefined | null) {
  return code ? { code } : null;
}

/**
 * An `Area` parent names one version of a unit: its code, and `on` — a date within that version —
 * unless it is the newest unit with the code. Within this subgraph every field of the area honours
 * the version; another subgraph's view of it (`Area.police` …) is keyed by the code alone.
 */
interface AreaParent {
  readonly code: string;
  readonly on?: string;
}

function versionOn(area: Parent): { on: string } | undefined {
  return typeof area.on === 'string' ? { on: area.on } : undefined;
}

/** The reference to one version of a unit (no `on` for the newest). */
function versionRef(registry: AreaRegistry, unit: AdministrativeUnit): AreaParent {
  return registry.get(unit.code) === unit ? { code: unit.code } : { code: unit.code, on: unit.validFrom };
}

function unitFields(registry: AreaRegistry, parent: Parent): AdministrativeUnit {
  return registry.require(String(parent.code), versionOn(parent));
}

/** The area of a record: the unit its code named on the record's date (a reused code names the older unit then). */
function recordAreaRef(registry: AreaRegistry, record: Parent): AreaParent | null {
  const code = record.areaCode as string | undefined;
  if (!code) return null;
  const dated = (record.periodStart ?? record.startedOn ?? record.establishedOn) as string | Date | undefined;
  const on = dated instanceof Date ? dated.toISOString().slice(0, 10) : dated;
  const unit = (on && registry.get(code, { on })) || registry.get(code);
  return unit ? versionRef(registry, unit) : { code };
}

function lineageLinks(registry: AreaRegistry, links: readonly LineageLink[], side: 'to' | 'from') {
  return links.map((link) => {
    const unit = registry.get(link[side], { on: side === 'to' ? link.toRegister : link.fromRegister });
    return {
      area: unit ? versionRef(registry, unit) : { code: link[side] },
      relation: link.relation.toUpperCase(),
      effectiveOn: link.effectiveOn,
      resolution: link.resolution ?? null,
      confirmed: link.confirmed !== false,
    };
  });
}

/** The version of a unit standing in a register (the newest when none is given or the register lacks it). */
function versionIn(registry: AreaRegistry, code: string, register: string | undefined): AreaParent {
  const unit = (register !== undefined && registry.get(code, { on: register })) || registry.get(code);
  return unit ? versionRef(registry, unit) : { code };
}

/** Whether every change on a way through the lineage is confirmed by a source (see `LineageLink.confirmed`). */
function allConfirmed(chain: readonly LineageLink[]): boolean {
  return chain.every((link) => link.confirmed !== false);
}

function newId(agency: Agency, kind: string): string {
  return `${agency}-${kind}-${crypto.randomUUID()}`;
}

/**
 * Resolvers for everything the agency subgraphs share: the Area entity and its catalogues,
 * the agency's view of an area, its models, forces and observations, and their writes.
 */
export function createAgencyResolvers(options: AgencyResolverOptions) {
  const { agency, registry } = options;
  const P = requireAgency(agency).typePrefix;
  const lower = agency;

  const labelled = (entry: { code: string; label: { vi: string; en: string } } | undefined, code: string) =>
    entry ?? { code, label: { vi: code, en: code } };

  function scopeFor(ctx: AgencyContext, area: unknown): readonly string[] {
    return typeof area === 'string' && area !== '' ? ctx.scopes.scopeOf(area) : ALL_AREAS;
  }

  const recordFields = {
    agency: () => agency.toUpperCase(),
    organisation: (record: Parent) => toEnumValue(record.organisation as string),
    area: (record: Parent) => recordAreaRef(registry, record),
    residentialArea: (record: Parent) => (record.residentialAreaId ? { id: record.residentialAreaId } : null),
    funding: (record: Parent) =>
      ((record.funding as Parent[] | undefined) ?? []).map((funding) => ({
        ...funding,
        source: toEnumValue(funding.source as string),
        recurrence: toEnumValue(funding.recurrence as string),
        atLeast: funding.atLeast ?? false,
      })),
    // Another agency's record is a reference the gateway resolves at its owner; our own we load here.
    linkedRecords: (record: Parent, _: Args, ctx: AgencyContext) =>
      Promise.all(
        ((record.linkedRecords as { agency: Agency; kind: string; id: string }[] | undefined) ?? []).map(async (link) => {
          const typename = `${requireAgency(link.agency).typePrefix}${link.kind === 'volunteer_force' ? 'Force' : 'Model'}`;
          if (link.agency !== agency) return { __typename: typename, id: link.id };
          const own = await (link.kind === 'volunteer_force' ? ctx.loaders.forces : ctx.loaders.models).load(link.id);
          return own ? { ...own, __typename: typename } : null;
        }),
      ).then((links) => links.filter((link) => link !== null)),
    sources: (record: Parent) => record.sources ?? [],
  };

  const resources = (list: unknown) =>
    ((list as Parent[] | undefined) ?? []).map((resource) => ({ ...resource, approximate: resource.approximate ?? false }));

  async function createRecord<Kind extends 'models' | 'forces'>(ctx: AgencyContext, kind: Kind, args: Args, info: GraphQLResolveInfo) {
    const input = args.input as Args;
    const caller = requireWriter(ctx, { agency, areaCode: String(input.areaCode ?? '') });
    const validated =
      kind === 'models'
        ? validateSecurityModelInput(normaliseInput(input), { agency, areas: registry })
        : validateVolunteerForceInput(normaliseInput(input), { agency, areas: registry });
    const id = (validated as { id?: string }).id ?? newId(agency, kind === 'models' ? 'model' : 'force');
    return writeOnce(ctx, {
      field: info.fieldName,
      args,
      write: (tx) => insertOwnedRecord(tx, { kind, agency, record: { ...validated, id }, author: caller.subject }),
      reload: async (db, storedId) => (await recordTables[kind].byIds(db, [storedId]))[0],
    });
  }

  async function changeRecord(
    ctx: AgencyContext,
    request: {
      kind: 'models' | 'forces';
      id: string;
      change: 'updated' | 'retired';
      apply: (tx: SqlExecutor, current: Parent) => Promise<unknown>;
      /** The mutation field and its arguments, for an Idempotency-Key. */
      field: string;
      args: Args;
    },
  ) {
    const table = recordTables[request.kind];
    const write = async (tx: SqlExecutor) => {
      const current = (await table.lock(tx, request.id)) as Parent | undefined;
      if (!current || current.retired) {
        throw new AntqError(ErrorCode.NOT_FOUND, `No ${request.kind === 'models' ? 'security model' : 'volunteer force'} "${request.id}" of the ${agency} is open for changes. Check the id with ${lower}${request.kind === 'models' ? 'Model' : 'Force'}(id:).`, {
          details: { id: request.id },
        });
      }
      const caller = requireWriter(ctx, { agency, areaCode: String(current.areaCode) });
      void caller;
      const stored = await request.apply(tx, current);
      await appendChange(tx, {
        agency,
        recordKind: table.spec.recordKind,
        recordId: request.id,
        change: request.change,
        areaCode: String(current.areaCode),
        payload: stored,
      });
      return stored as Parent & { id: string };
    };
    return writeOnce(ctx, { field: request.field, args: request.args, write, reload: async (db, id) => (await table.byIds(db, [id]))[0] as (Parent & { id: string }) | undefined });
  }

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

  return {
    Query: {
      area: (_: unknown, args: Args) => versionRef(registry, registry.require(String(args.code), args.on ? { on: String(args.on) } : undefined)),
      areas: (_: unknown, args: Args) =>
        registry
          .search(String(args.search), {
            ...(args.level ? { level: fromEnumValue(args.level) } : {}),
            ...(args.provinceCode ? { provinceCode: String(args.provinceCode) } : {}),
            ...(args.on ? { on: String(args.on) } : args.currentOnly === false ? { allVersions: true } : { on: registry.latestRegister }),
            limit: checkPageSize(args.first as number | undefined, 20),
          })
          .map((unit) => versionRef(registry, unit)),
      indicators: () => INDICATORS,
      modelKinds: () => MODEL_KINDS,
      forceKinds: () => FORCE_KINDS,
      [`${lower}Model`]: (_: unknown, args: Args, ctx: AgencyContext) => ctx.loaders.models.load(String(args.id)),
      [`${lower}Models`]: rootConnection('models'),
      [`${lower}Force`]: (_: unknown, args: Args, ctx: AgencyContext) => ctx.loaders.forces.load(String(args.id)),
      [`${lower}Forces`]: rootConnection('forces'),
      [`${lower}Observations`]: rootConnection('observations'),
    },

    Mutation: {
      [`create${P}Model`]: (_: unknown, args: Args, ctx: AgencyContext, info: GraphQLResolveInfo) => createRecord(ctx, 'models', args, info),
      [`create${P}Force`]: (_: unknown, args: Args, ctx: AgencyContext, info: GraphQLResolveInfo) => createRecord(ctx, 'forces', args, info),
      [`update${P}Model`]: (_: unknown, args: Args, ctx: AgencyContext, info: GraphQLResolveInfo) =>
        changeRecord(ctx, {
          field: info.fieldName,
          args,
          kind: 'models',
          id: String(args.id),
          change: 'updated',
          apply: async (tx, current) => {
            const merged = validateSecurityModelInput(normaliseInput({ ...current, ...(args.input as Args) }), { agency, areas: registry });
            return recordTables.models.update(tx, String(args.id), { ...merged, id: undefined, areaCode: undefined } as never);
          },
        }),
      [`update${P}Force`]: (_: unknown, args: Args, ctx: AgencyContext, info: GraphQLResolveInfo) =>
        changeRecord(ctx, {
          field: info.fieldName,
          args,
          kind: 'forces',
          id: String(args.id),
          change: 'updated',
          apply: async (tx, current) => {
            const merged = validateVolunteerForceInput(normaliseInput({ ...current, ...(args.input as Args) }), { agency, areas: registry });
            return recordTables.forces.update(tx, String(args.id), { ...merged, id: undefined, areaCode: undefined } as never);
          },
        }),
      [`retire${P}Model`]: (_: unknown, args: Args, ctx: AgencyContext, info: GraphQLResolveInfo) =>
        changeRecord(ctx, { field: info.fieldName, args, kind: 'models', id: String(args.id), change: 'retired', apply: (tx) => recordTables.models.retire(tx, String(args.id), requireReason(args.reason)) }),
      [`retire${P}Force`]: (_: unknown, args: Args, ctx: AgencyContext, info: GraphQLResolveInfo) =>
        changeRecord(ctx, { field: info.fieldName, args, kind: 'forces', id: String(args.id), change: 'retired', apply: (tx) => recordTables.forces.retire(tx, String(args.id), requireReason(args.reason)) }),
      [`report${P}Observation`]: async (_: unknown, args: Args, ctx: AgencyContext, info: GraphQLResolveInfo) => {
        const input = args.input as Args;
        const caller = requireWriter(ctx, { agency, areaCode: String(input.areaCode ?? '') });
        const valid = validateObservationInput(normaliseInput(input), { agency, areas: registry });
        const write = async (tx: SqlExecutor) => {
          const existing = await observationStore.findByIdentity(tx, valid);
          if (existing) {
            throw new AntqError(ErrorCode.CONFLICT, `A figure for ${valid.indicator} in ${valid.areaCode} for ${valid.period} is already reported (revision ${existing.revision}). Correct it with correct${P}Observation(id: "${existing.id}").`, {
              details: { existingId: existing.id },
            });
          }
          return insertObservation(tx, { agency, id: valid.id ?? newId(agency, 'observation'), report: valid, author: caller.subject });
        };
        return writeOnce(ctx, { field: info.fieldName, args, write, reload: reloadObservation });
      },
      [`correct${P}Observation`]: async (_: unknown, args: Args, ctx: AgencyContext, info: GraphQLResolveInfo) => {
        const input = args.input as { value: number; note: string };
        const write = async (tx: SqlExecutor) => {
          const [current] = await observationStore.byIds(tx, [String(args.id)]);
          if (!current) {
            throw new AntqError(ErrorCode.NOT_FOUND, `No observation "${String(args.id)}" of the ${agency}. List them with ${lower}Observations.`, { details: { id: args.id } });
          }
          const caller = requireWriter(ctx, { agency, areaCode: current.areaCode });
          validateObservationInput(
            normaliseInput({ indicator: current.indicator, areaCode: current.areaCode, period: current.period, value: input.value, note: input.note }),
            { agency, areas: registry },
          );
          if (!input.note?.trim()) {
            throw new AntqError(ErrorCode.BAD_USER_INPUT, 'A correction needs a note saying why the figure changed.', { issues: [{ path: 'input.note', message: 'expected a non-empty reason' }] });
          }
          const stored = await observationStore.correct(tx, { id: current.id, value: input.value, note: input.note, reportedBy: caller.subject });
          await appendChange(tx, { agency, recordKind: 'observation', recordId: current.id, change: 'corrected', areaCode: current.areaCode, payload: stored });
          return stored!; // read in this transaction just above
        };
        return writeOnce(ctx, { field: info.fieldName, args, write, reload: reloadObservation });
      },
    },

    Area: {
      __resolveReference: (reference: Parent) => ({ code: String(reference.code) }),
      name: (area: Parent) => unitFields(registry, area).name,
      fullName: (area: Parent) => unitFields(registry, area).fullName,
      level: (area: Parent) => unitFields(registry, area).level.toUpperCase(),
      unitType: (area: Parent) => unitFields(registry, area).unitType,
      parent: (area: Parent) => {
        const up = registry.parent(String(area.code), versionOn(area));
        return up ? versionRef(registry, up) : null;
      },
      ancestors: (area: Parent) => registry.ancestors(String(area.code), versionOn(area)).map((unit) => versionRef(registry, unit)),
      children: (area: Parent) => registry.children(String(area.code), versionOn(area)).map((unit) => versionRef(registry, unit)),
      province: (area: Parent) => {
        const province = registry.ancestors(String(area.code), versionOn(area)).find((unit) => unit.level === 'province');
        return province ? versionRef(registry, province) : null;
      },
      validFrom: (area: Parent) => unitFields(registry, area).validFrom,
      validTo: (area: Parent) => unitFields(registry, area).validTo ?? null,
      current: (area: Parent) => unitFields(registry, area).validTo === undefined,
      versions: (area: Parent) => registry.versions(String(area.code)).map((unit) => versionRef(registry, unit)),
      // Out of the version's last register, into its first: whatever date inside the version `on` names.
      successors: (area: Parent) => {
        const unit = unitFields(registry, area);
        const last = unit.validTo === undefined ? undefined : registry.registers[registry.registers.indexOf(unit.validTo) - 1];
        return lineageLinks(registry, registry.successors(unit.code, last ? { on: last } : undefined).filter((link) => !link.unchanged), 'to');
      },
      predecessors: (area: Parent) => {
        const unit = unitFields(registry, area);
        return lineageLinks(registry, registry.predecessors(unit.code, { on: unit.validFrom }).filter((link) => !link.unchanged), 'from');
      },
      currentUnits: (area: Parent) =>
        registry.currentOf(String(area.code), versionOn(area)).map((reached) => ({
          area: { code: reached.code },
          relation: reached.relation.toUpperCase(),
          effectiveOn: reached.effectiveOn ?? unitFields(registry, { code: reached.code }).validFrom,
          resolution: reached.resolutions?.join(', ') || null,
          confirmed: allConfirmed(reached.chain),
        })),
      // The version travels with the view within this subgraph (for metric); another subgraph's view has the code only.
      [lower]: (area: Parent) => ({ areaCode: String(area.code), ...versionOn(area) }),
    },

    [`${P}AreaView`]: {
      agency: () => agency.toUpperCase(),
      models: viewConnection('models'),
      forces: viewConnection('forces'),
      observations: viewConnection('observations'),
      metric: (view: Parent, args: Args, ctx: AgencyContext, info: GraphQLResolveInfo) =>
        ctx.loaders.metric.load({
          target: String(view.areaCode),
          indicator: String(args.indicator),
          period: String(args.period),
          ...(typeof view.on === 'string' ? { on: view.on } : {}),
          // Listing every contribution needs every observation: only then are they read one by one.
          contributions: selects(info, 'contributions'),
        }),
    },

    AgencyAreaView: { __resolveType: () => `${P}AreaView` },
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
      status: (model: SecurityModel) => toEnumValue(model.status),
      resources: (model: SecurityModel) => resources(model.resources),
      outcomes: (model: SecurityModel) => model.outcomes ?? [],
      replication: (model: SecurityModel) =>
        model.replication ? { ...model.replication, areas: (model.replication.areaCodes ?? []).map((code) => ({ code })) } : null,
      commendations: (model: SecurityModel) => model.commendations ?? [],
      partners: (model: SecurityModel) => (model.partners ?? []).map((partner) => toEnumValue(partner)),
    },

    [`${P}Force`]: {
      __resolveReference: (reference: Parent, ctx: AgencyContext) => ctx.loaders.forces.load(String(reference.id)),
      ...recordFields,
      kind: (force: VolunteerForce) => labelled(getForceKind(force.kind), force.kind),
      equipment: (force: VolunteerForce) => resources(force.equipment),
    },

    [`${P}Observation`]: {
      __resolveReference: (reference: Parent, ctx: AgencyContext) => ctx.loaders.observations.load(String(reference.id)),
      agency: () => agency.toUpperCase(),
      indicator: (observation: StoredObservation) => labelled(getIndicator(observation.indicator) as never, observation.indicator),
      area: (observation: StoredObservation) => areaRef(observation.areaCode),
      reportedUnder: (observation: StoredObservation) => reportedUnder(registry, observation.areaCode, observation.period),
      residentialArea: (observation: StoredObservation) => (observation.residentialAreaId ? { id: observation.residentialAreaId } : null),
      history: async (observation: StoredObservation, _: Args, ctx: AgencyContext) =>
        (await ctx.loaders.revisions.load(observation.id)).filter((revision) => revision.revision < observation.revision),
    },

    Indicator: {
      unit: (indicator: { unit: string }) => indicator.unit.toUpperCase(),
      reportedBy: (indicator: { reportedBy: string }) => indicator.reportedBy.toUpperCase(),
      countOf: (indicator: { countOf?: string }) => indicator.countOf ?? null,
    },
    ModelKind: { description: (kind: { description?: string }) => kind.description ?? null },
    ForceKind: { legalBasis: (kind: { legalBasis?: string }) => kind.legalBasis ?? null },
    MetricContribution: {
      area: (item: Parent) => areaRef(String(item.areaCode)),
      reportedUnder: (item: Parent) => reportedUnder(registry, String(item.areaCode), String(item.period)),
      via: (item: Parent) => String(item.via).toUpperCase(),
    },
    PartialContribution: {
      area: (item: Parent) => areaRef(String(item.areaCode)),
      reportedUnder: (item: Parent) => reportedUnder(registry, String(item.areaCode), String(item.period)),
      // Where the split unit went: the units its lineage leads into (the SDK's roll-up works them out),
      // as they were in the register reached (the current one, or an ended target's last).
      into: (item: RollUpPartial) =>
        item.into.map((unit) => ({
          area: versionIn(registry, unit.code, unit.chain.at(-1)?.toRegister),
          relation: unit.relation.toUpperCase(),
          effectiveOn: unit.effectiveOn,
          resolution: unit.resolutions.join(', ') || null,
          confirmed: allConfirmed(unit.chain),
        })),
    },
  };

  /** Turns the schema's capitalised enum values into the SDK's codes before validation. */
  function normaliseInput(input: Args): Args {
    const out: Args = { ...input };
    for (const key of ['organisation', 'status']) if (typeof out[key] === 'string') out[key] = fromEnumValue(out[key]);
    if (Array.isArray(out.partners)) out.partners = enumList(out.partners);
    if (Array.isArray(out.funding)) {
      out.funding = (out.funding as Args[]).map((funding) => ({
        ...funding,
        source: fromEnumValue(funding.source),
        ...(funding.recurrence ? { recurrence: fromEnumValue(funding.recurrence) } : {}),
      }));
    }
    if (Array.isArray(out.linkedRecords)) {
      out.linkedRecords = (out.linkedRecords as Args[]).map((link) => ({ ...link, agency: fromEnumValue(link.agency) }));
    }
    for (const [key, value] of Object.entries(out)) if (value === null || value === undefined) delete out[key];
    for (const key of ['retired', 'retiredReason', 'updatedAt', 'agency']) delete out[key];
    return out;
  }
}

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

async function reloadObservation(db: SqlExecutor, id: string): Promise<StoredObservation | undefined> {
  return (await observationStore.byIds(db, [id]))[0];
}

function requireReason(reason: unknown): string {
  if (typeof reason !== 'string' || reason.trim() === '') {
    throw new AntqError(ErrorCode.BAD_USER_INPUT, 'Retiring a record needs a reason.', { issues: [{ path: 'reason', message: 'expected a non-empty reason' }] });
  }
  return reason.trim();
}

export type AgencyResolvers = ReturnType<typeof createAgencyResolvers>;
