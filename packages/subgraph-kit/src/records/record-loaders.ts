import DataLoader from 'dataloader';
import type { SecurityModel, VolunteerForce } from '@antq/sdk';
import { parsePeriod } from '@antq/sdk';
import type { AreaRegistry, RegisterDate } from '@antq/sdk/areas';
import type { Agency } from '@antq/sdk';
import type { SqlExecutor } from '../storage/index.js';
import { createRecordTableAccess, type RecordListFilter, type RecordTableAccess, type StoredRecordMeta } from './record-table.js';
import { observationStore, type StoredObservation } from './observation-store.js';
import { ALL_AREAS, toPage, type Page, type PageCursor } from './page.js';
import { objectFieldNames } from './node-selection.js';
import { rollUpMetrics, type MetricRequest, type MetricRollUp } from './metric-roll-up.js';
import { createReadScope, type ReadScope } from './read-scope.js';

/** The two owned-record tables every agency has. */
export const recordTables = {
  models: createRecordTableAccess<SecurityModel>({
    table: 'security_models',
    recordKind: 'security_model',
    columns: { status: 'status', description: 'description', started_on: 'startedOn', ended_on: 'endedOn' },
    detailKeys: ['resources', 'funding', 'outcomes', 'replication', 'commendations', 'partners', 'linkedRecords', 'sources'],
    datedBy: 'started_on',
  }),
  forces: createRecordTableAccess<VolunteerForce>({
    table: 'volunteer_forces',
    recordKind: 'volunteer_force',
    columns: { units: 'units', members: 'members', established_on: 'establishedOn', legal_basis: 'legalBasis', note: 'note' },
    detailKeys: ['funding', 'equipment', 'linkedRecords', 'sources'],
    datedBy: 'established_on',
  }),
};

/** One page of one list, asked for by a resolver. */
export interface PageRequest {
  readonly field: 'models' | 'forces' | 'observations';
  /** Identifies the scope: an area code, or '*' for every area. */
  readonly scopeKey: string;
  readonly scope: readonly string[];
  /** For an ended version of a unit: the day it ended (records dated from then on are the next unit's). */
  readonly until?: string;
  readonly filter: Record<string, unknown>;
  readonly first: number;
  readonly after: PageCursor | undefined;
  /** Models and forces: the columns the nodes need (see `columnsFor`); undefined: every column. */
  readonly columns?: readonly string[] | undefined;
  /** Whether the page carries its list's total (`totalCount` asked for); counting a long list costs more than its page. */
  readonly counted: boolean;
  /** Everything but the scope (see `pageBatchKey`): requests that share it are answered by one statement. */
  readonly batchKey: string;
}

export type { MetricRequest } from './metric-roll-up.js';

function listFilter(filter: Record<string, unknown>): RecordListFilter {
  return {
    kinds: Array.isArray(filter.kinds) ? filter.kinds.map(String) : null,
    statuses: Array.isArray(filter.statuses) ? filter.statuses.map(String) : null,
    organisation: typeof filter.organisation === 'string' ? filter.organisation : null,
    includeRetired: filter.includeRetired === true,
  };
}

/** One record by id, read with the columns a selection needs (see `columnsFor`; undefined: every column). */
export interface RecordRead {
  readonly id: string;
  readonly columns: readonly string[] | undefined;
}

/** Records by id, one statement per table and column list a tick. */
function recordReads<Record extends { id: string; name: string }>(
  db: SqlExecutor,
  table: RecordTableAccess<Record>,
  noteRead: (records: readonly ((Record & StoredRecordMeta) | undefined)[]) => void,
) {
  return new DataLoader<RecordRead, (Record & StoredRecordMeta) | undefined, string>(
    async (reads) => {
      const byColumns = new Map<string, RecordRead[]>();
      for (const read of reads) {
        const key = read.columns?.join(',') ?? '*';
        const group = byColumns.get(key);
        if (group) group.push(read);
        else byColumns.set(key, [read]);
      }
      const found = new Map<string, (Record & StoredRecordMeta) | undefined>();
      await Promise.all(
        [...byColumns].map(async ([key, group]) => {
          const records = await table.byIds(
            db,
            group.map((read) => read.id),
            group[0]!.columns,
          );
          noteRead(records);
          group.forEach((read, index) => found.set(`${key}|${read.id}`, records[index]));
        }),
      );
      return reads.map((read) => found.get(`${read.columns?.join(',') ?? '*'}|${read.id}`));
    },
    { cacheKeyFn: (read) => `${read.columns?.join(',') ?? '*'}|${read.id}` },
  );
}

/**
 * The batch key of a page request: everything but its scope. A first page filtered by area alone
 * (an overview's lists, one per area) gets a few joined strings; it starts with the field's name,
 * so it never equals a key in JSON (which starts with `[`).
 */
export function pageBatchKey(request: Omit<PageRequest, 'batchKey' | 'scopeKey' | 'scope' | 'until'>): string {
  const { area: _area, on: _on, ...filter } = request.filter;
  if (request.after === undefined && Object.keys(filter).length === 0)
    return `${request.field}|${request.first}|${request.columns?.join(',') ?? '*'}${request.counted ? '' : '|uncounted'}`;
  return JSON.stringify([request.field, filter, request.first, request.after ?? null, request.columns ?? null, request.counted]);
}

/** The kind of record (as the outbox names it) each list holds. */
const RECORD_KIND_OF_LIST = { models: 'security_model', forces: 'volunteer_force', observations: 'observation' } as const;

/**
 * DataLoaders for one GraphQL request: each kind of fetch is one SQL statement per tick,
 * however many areas or records the query touches. Each notes in `reads` what it read.
 */
export function createRecordLoaders(options: {
  db: SqlExecutor;
  agency: Agency;
  registry: AreaRegistry;
  scopeOf: (code: string) => readonly string[];
  versionScopeOf?: (code: string, register: RegisterDate) => readonly string[];
  reads?: ReadScope;
}) {
  const { db } = options;
  const reads = options.reads ?? createReadScope();
  const byIds =
    <Row>(kind: string, load: (ids: readonly string[]) => Promise<Row[]>) =>
    async (ids: readonly string[]) => {
      const rows = await load(ids);
      reads.noteRecords(kind, rows as ({ areaCode?: unknown } | undefined)[]);
      return rows;
    };
  const cacheKeyFn = (request: PageRequest) => `${request.batchKey}|${request.scopeKey}`;

  const page = new DataLoader<PageRequest, unknown, string>(
    async (requests) => {
      const groups = new Map<string, PageRequest[]>();
      for (const request of requests) {
        const group = groups.get(request.batchKey);
        if (group) group.push(request);
        else groups.set(request.batchKey, [request]);
      }
      // By request: the loader hands each cache key over once.
      const answers = new Map<PageRequest, unknown>();
      for (const request of requests) reads.noteAreas(RECORD_KIND_OF_LIST[request.field], request.scope === ALL_AREAS ? '*' : request.scope);
      await Promise.all(
        [...groups.values()].map(async (group) => {
          const [sample] = group as [PageRequest];
          const scopes = new Map(group.map((request) => [request.scopeKey, request.scope === ALL_AREAS ? ALL_AREAS : request.scope]));
          const until = new Map(group.flatMap((request) => (request.until ? [[request.scopeKey, request.until] as const] : [])));
          if (sample.field === 'observations') {
            const within = typeof sample.filter.period === 'string' ? parsePeriod(sample.filter.period) : undefined;
            const lists = await observationStore.list(db, {
              scopes,
              until,
              indicators: Array.isArray(sample.filter.indicators) ? sample.filter.indicators.map(String) : null,
              ...(within ? { within: { start: within.start, end: within.end } } : {}),
              size: sample.first,
              after: sample.after,
              counted: sample.counted,
            });
            for (const request of group) {
              const list = lists.get(request.scopeKey)!;
              const rows = list.rows.map((row) => Object.assign(row, { name: (row as { sortKey?: string }).sortKey ?? '' }));
              answers.set(request, toPage(rows, request.first, list.totalCount));
            }
            return;
          }
          const table = recordTables[sample.field] as (typeof recordTables)['models'];
          const lists = await table.list(db, {
            scopes,
            until,
            filter: listFilter(sample.filter),
            size: sample.first,
            after: sample.after,
            columns: sample.columns,
            counted: sample.counted,
          });
          for (const request of group) {
            const list = lists.get(request.scopeKey)!;
            answers.set(request, toPage(list.rows, request.first, list.totalCount));
          }
        }),
      );
      return requests.map((request) => answers.get(request));
    },
    { cacheKeyFn },
  );

  const metric = new DataLoader<MetricRequest, MetricRollUp, string>(
    // Every target, indicator and period asked in this tick, in as few statements as possible.
    async (requests) => {
      const { answers, codesRead } = await rollUpMetrics(db, options, requests);
      reads.noteAreas('observation', [...codesRead]);
      return answers;
    },
    { cacheKeyFn: (request) => `${request.target}|${request.on ?? ''}|${request.indicator}|${request.period}|${request.contributions === true}` },
  );

  return {
    models: new DataLoader(byIds('security_model', (ids) => recordTables.models.byIds(db, ids))),
    forces: new DataLoader(byIds('volunteer_force', (ids) => recordTables.forces.byIds(db, ids))),
    /** Models and forces by id with the columns a selection needs: an entity or a lookup that asks for names reads no `details`. */
    modelReads: recordReads(db, recordTables.models, (records) => reads.noteRecords('security_model', records)),
    forceReads: recordReads(db, recordTables.forces, (records) => reads.noteRecords('volunteer_force', records)),
    observations: new DataLoader<string, StoredObservation | undefined>(byIds('observation', (ids) => observationStore.byIds(db, ids))),
    // An observation's revisions: read only under an observation already read, whose area is noted.
    revisions: new DataLoader(async (ids: readonly string[]) => observationStore.revisions(db, ids)),
    page,
    metric,
  };
}

export type RecordLoaders = ReturnType<typeof createRecordLoaders>;

/** What a page of each list holds. */
export interface PageOf {
  readonly models: Page<SecurityModel & StoredRecordMeta>;
  readonly forces: Page<VolunteerForce & StoredRecordMeta>;
  readonly observations: Page<StoredObservation>;
}

/** One page of one list, typed by the list asked for. */
export function loadPage<Field extends PageRequest['field']>(loaders: RecordLoaders, request: PageRequest & { readonly field: Field }): Promise<PageOf[Field]> {
  return loaders.page.load(request) as Promise<PageOf[Field]>;
}

/** One model or force by id, read with the columns its selection needs (on `typeName`, where `info` resolves it). */
export function readRecord<Record>(
  loader: DataLoader<RecordRead, Record | undefined, string>,
  table: Pick<(typeof recordTables)['models'], 'columnsFor'>,
  read: { readonly id: unknown; readonly typeName: string; readonly info: Parameters<typeof objectFieldNames>[0] },
): Promise<Record | undefined> {
  return loader.load({ id: String(read.id), columns: table.columnsFor(objectFieldNames(read.info, read.typeName)) });
}
