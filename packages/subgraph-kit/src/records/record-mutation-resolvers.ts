import {
  AntqError,
  ErrorCode,
  requireAgency,
  validateObservationCorrectionInput,
  validateObservationInput,
  validateRetirementReason,
  validateSecurityModelInput,
  validateVolunteerForceInput,
  type Agency,
} from '@antq/sdk';
import type { GraphQLResolveInfo } from 'graphql';
import { appendChange } from '../outbox/change-outbox.js';
import type { SqlExecutor } from '../storage/index.js';
import type { AgencyContext, AgencyResolverOptions, Args, Parent } from './agency-context.js';
import type { TemplateResolvers } from './agency-names.js';
import { writeOnce } from './idempotent-writes.js';
import { observationStore, type StoredObservation } from './observation-store.js';
import { recordTables } from './record-loaders.js';
import { insertObservation, insertOwnedRecord } from './record-writes.js';
import { requireWriter } from './write-access.js';
import type { ForceParent, ModelParent } from './resolver-parents.js';

type MutationResolvers = NonNullable<TemplateResolvers['Mutation']>;

type RecordKind = 'models' | 'forces';
/** What each kind of record is, as stored and answered. */
interface RecordOf {
  readonly models: ModelParent;
  readonly forces: ForceParent;
}

/** One change to a stored model or force. */
interface RecordChange<Kind extends RecordKind> {
  kind: Kind;
  id: string;
  change: 'updated' | 'retired';
  apply: (tx: SqlExecutor, current: Parent) => Promise<unknown>;
  /** The mutation field and its arguments, for an Idempotency-Key; `expectedUpdatedAt` among them is checked against the record. */
  field: string;
  args: Args;
}

const RECORD_LABEL: Readonly<Record<RecordKind, string>> = { models: 'security model', forces: 'volunteer force' };

/**
 * Refuses a change made from an outdated read (optimistic concurrency, as HTTP's If-Match): an
 * editor who read a record before another's change would otherwise overwrite it unseen. Each
 * write moves `updatedAt` on by at least a millisecond, so the instant as answered names one
 * version.
 */
function requireUnchangedSince(what: string, id: string, updatedAt: string, expected: string): void {
  if (Date.parse(updatedAt) === Date.parse(expected)) return;
  throw new AntqError(
    ErrorCode.CONFLICT,
    `The ${what} "${id}" has changed since you read it (updatedAt ${updatedAt}, you sent ${expected}). Read it again, make your change to what it holds now and send that updatedAt.`,
    { details: { id, updatedAt } },
  );
}

function newId(agency: Agency, kind: string): string {
  return `${agency}-${kind}-${crypto.randomUUID()}`;
}

/** Drops what the schema leaves unset and what a write may not set, before validation. */
function normaliseInput(input: Args): Args {
  const out: Args = { ...input };
  for (const [key, value] of Object.entries(out)) if (value === null || value === undefined) delete out[key];
  for (const key of ['retired', 'retiredReason', 'updatedAt', 'agency']) delete out[key];
  return out;
}

async function reloadObservation(db: SqlExecutor, id: string): Promise<StoredObservation | undefined> {
  return (await observationStore.byIds(db, [id]))[0];
}

async function createRecord<Kind extends RecordKind>(
  options: AgencyResolverOptions,
  ctx: AgencyContext,
  kind: Kind,
  args: { readonly input: Args },
  info: GraphQLResolveInfo,
): Promise<RecordOf[Kind]> {
  const { agency, registry } = options;
  const { input } = args;
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
  }) as Promise<RecordOf[Kind]>;
}

async function changeRecord<Kind extends RecordKind>(agency: Agency, ctx: AgencyContext, request: RecordChange<Kind>): Promise<RecordOf[Kind]> {
  const table = recordTables[request.kind];
  const write = async (tx: SqlExecutor) => {
    const current = (await table.lock(tx, request.id)) as Parent | undefined;
    if (!current || current.retired) {
      throw new AntqError(
        ErrorCode.NOT_FOUND,
        `No ${RECORD_LABEL[request.kind]} "${request.id}" of the ${agency} is open for changes. Check the id with ${agency}${request.kind === 'models' ? 'Model' : 'Force'}(id:).`,
        {
          details: { id: request.id },
        },
      );
    }
    requireWriter(ctx, { agency, areaCode: String(current.areaCode) });
    const expected = request.args.expectedUpdatedAt as string | null | undefined;
    if (expected) requireUnchangedSince(RECORD_LABEL[request.kind], request.id, String(current.updatedAt), expected);
    const stored = await request.apply(tx, current);
    await appendChange(tx, {
      agency,
      recordKind: table.spec.recordKind,
      recordId: request.id,
      change: request.change,
      areaCode: String(current.areaCode),
      payload: stored,
    });
    // The table of this kind returned it: RecordOf[Kind] (TypeScript does not narrow recordTables[request.kind]).
    return stored as RecordOf[Kind];
  };
  return writeOnce(ctx, { field: request.field, args: request.args, write, reload: async (db, id) => (await table.byIds(db, [id]))[0] as RecordOf[Kind] | undefined });
}

function revisionConflict(id: string, revision: number, expected: number): AntqError {
  return new AntqError(
    ErrorCode.CONFLICT,
    `The observation "${id}" is at revision ${revision}, not ${expected}: it was corrected since you read it. Read it again and correct what it holds now.`,
    { details: { id, revision } },
  );
}

/** `report<Agency>Observation` and `correct<Agency>Observation`: a figure, once per indicator, area and period, then its corrections. */
function createObservationMutations(options: AgencyResolverOptions): Pick<MutationResolvers, 'reportTemplateObservation' | 'correctTemplateObservation'> {
  const { agency, registry } = options;
  const P = requireAgency(agency).typePrefix;
  return {
    reportTemplateObservation: async (_, args, ctx, info) => {
      const { input } = args;
      const caller = requireWriter(ctx, { agency, areaCode: String(input.areaCode ?? '') });
      const valid = validateObservationInput(normaliseInput(input), { agency, areas: registry });
      const write = async (tx: SqlExecutor) => {
        const existing = await observationStore.findByIdentity(tx, valid);
        if (existing) {
          throw new AntqError(
            ErrorCode.CONFLICT,
            `A figure for ${valid.indicator} in ${valid.areaCode} for ${valid.period} is already reported (revision ${existing.revision}). Correct it with correct${P}Observation(id: "${existing.id}").`,
            {
              details: { existingId: existing.id },
            },
          );
        }
        return insertObservation(tx, { agency, id: valid.id ?? newId(agency, 'observation'), report: valid, author: caller.subject });
      };
      return writeOnce(ctx, { field: info.fieldName, args, write, reload: reloadObservation });
    },
    correctTemplateObservation: async (_, args, ctx, info) => {
      const { input } = args;
      const write = async (tx: SqlExecutor) => {
        const [current] = await observationStore.byIds(tx, [args.id]);
        if (!current) {
          throw new AntqError(ErrorCode.NOT_FOUND, `No observation "${args.id}" of the ${agency}. List them with ${agency}Observations.`, { details: { id: args.id } });
        }
        const caller = requireWriter(ctx, { agency, areaCode: current.areaCode });
        if (!input.note?.trim()) {
          throw new AntqError(ErrorCode.BAD_USER_INPUT, 'A correction needs a note saying why the figure changed.', {
            issues: [{ path: 'input.note', message: 'expected a non-empty reason' }],
          });
        }
        // The value against its indicator only: a figure stored before a rule on its area or period came in stays correctable.
        validateObservationCorrectionInput(normaliseInput({ value: input.value, note: input.note }), { indicator: current.indicator });
        // The update itself checks the revision, so a correction committed since the read above is not overwritten either.
        const expectedRevision = args.expectedRevision ?? undefined;
        const stored = await observationStore.correct(tx, { id: current.id, value: input.value, note: input.note, reportedBy: caller.subject, expectedRevision });
        if (!stored) throw revisionConflict(current.id, (await reloadObservation(tx, current.id))!.revision, expectedRevision!);
        await appendChange(tx, { agency, recordKind: 'observation', recordId: current.id, change: 'corrected', areaCode: current.areaCode, payload: stored });
        return stored;
      };
      return writeOnce(ctx, { field: info.fieldName, args, write, reload: reloadObservation });
    },
  };
}

/** The agency's writes: models and forces created, updated and retired, observations reported and corrected. */
export function createRecordMutations(options: AgencyResolverOptions): MutationResolvers {
  const { agency, registry } = options;
  return {
    createTemplateModel: (_, args, ctx, info) => createRecord(options, ctx, 'models', args, info),
    createTemplateForce: (_, args, ctx, info) => createRecord(options, ctx, 'forces', args, info),
    updateTemplateModel: (_, args, ctx, info) =>
      changeRecord(agency, ctx, {
        field: info.fieldName,
        args,
        kind: 'models',
        id: args.id,
        change: 'updated',
        apply: async (tx, current) => {
          const merged = validateSecurityModelInput(normaliseInput({ ...current, ...args.input }), { agency, areas: registry });
          return recordTables.models.update(tx, args.id, { ...merged, id: undefined, areaCode: undefined } as never);
        },
      }),
    updateTemplateForce: (_, args, ctx, info) =>
      changeRecord(agency, ctx, {
        field: info.fieldName,
        args,
        kind: 'forces',
        id: args.id,
        change: 'updated',
        apply: async (tx, current) => {
          const merged = validateVolunteerForceInput(normaliseInput({ ...current, ...args.input }), { agency, areas: registry });
          return recordTables.forces.update(tx, args.id, { ...merged, id: undefined, areaCode: undefined } as never);
        },
      }),
    retireTemplateModel: (_, args, ctx, info) =>
      changeRecord(agency, ctx, {
        field: info.fieldName,
        args,
        kind: 'models',
        id: args.id,
        change: 'retired',
        apply: (tx) => recordTables.models.retire(tx, args.id, validateRetirementReason(args.reason)),
      }),
    retireTemplateForce: (_, args, ctx, info) =>
      changeRecord(agency, ctx, {
        field: info.fieldName,
        args,
        kind: 'forces',
        id: args.id,
        change: 'retired',
        apply: (tx) => recordTables.forces.retire(tx, args.id, validateRetirementReason(args.reason)),
      }),
    ...createObservationMutations(options),
  };
}
