import type { SqlExecutor } from '../storage/index.js';
import { idCondition } from './id-condition.js';
import { ALL_AREAS, pagedListsStatement, pageSource, type PageCursor } from './page.js';

/**
 * How one kind of owned record (security model, volunteer force) maps onto its table:
 * which columns are scalar and filterable, and which nested parts go into `details`.
 * Models and forces differ only in this description; the SQL is shared.
 */
export interface RecordTable<Record> {
  readonly table: string;
  /** Record kind as the change stream names it. */
  readonly recordKind: 'security_model' | 'volunteer_force';
  /** Column name → record property, for every scalar column besides the common ones. */
  readonly columns: Readonly<Partial<globalThis.Record<string, keyof Record & string>>>;
  /** Record properties stored together in the `details` JSONB column. */
  readonly detailKeys: readonly (keyof Record & string)[];
  /** The column that dates a record, for lists of an ended version of a unit (see `ScopeBounds`). */
  readonly datedBy: string;
}

/** Columns every owned-record table has. */
const COMMON_COLUMNS = {
  id: 'id',
  kind: 'kind',
  name: 'name',
  organisation: 'organisation',
  area_code: 'areaCode',
  residential_area_id: 'residentialAreaId',
} as const;

export interface StoredRecordMeta {
  readonly retired: boolean;
  readonly retiredReason?: string;
  readonly updatedAt: string;
}

type Row = globalThis.Record<string, unknown>;

/** Filters shared by model and force lists. */
export interface RecordListFilter {
  readonly kinds?: readonly string[] | null;
  readonly statuses?: readonly string[] | null;
  readonly organisation?: string | null;
  readonly includeRetired?: boolean | null;
}

export interface RecordListRequest {
  /** List key → the area codes whose records it lists (an area's subtree and lineage). */
  readonly scopes: ReadonlyMap<string, readonly string[]>;
  /** List key → the day its version of a unit ended (see `ScopeBounds`). */
  readonly until?: ReadonlyMap<string, string>;
  readonly filter: RecordListFilter;
  readonly size: number;
  readonly after: PageCursor | undefined;
  /** The columns the rows carry (see `columnsFor`); undefined: every column. */
  readonly columns?: readonly string[] | undefined;
  /** Whether each list's total is counted (default true); without it a page reads only its own rows. */
  readonly counted?: boolean;
}

export interface RecordListResult<Record> {
  readonly rows: (Record & StoredRecordMeta)[];
  /** Undefined when the request was not `counted`. */
  readonly totalCount: number | undefined;
}

function toIsoDate(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).slice(0, 10);
}

/**
 * A write's `updated_at`: now, and at least a millisecond after the one before, so that each
 * version answers a different `updatedAt` (the instant a caller sends back to say which version it
 * changes) even when two writes fall in one millisecond or a clock steps back.
 */
const NEXT_UPDATED_AT = "greatest(now(), updated_at + interval '1 millisecond')";

function toIsoDateTime(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

/** How one record table's rows map to records and back: scalar columns, and the rest in `details`. */
function createRowMapping<Record extends { id: string; name: string }>(spec: RecordTable<Record>) {
  const scalarColumns: [string, string][] = [...Object.entries(COMMON_COLUMNS), ...(Object.entries(spec.columns) as [string, string][])];
  const dateColumns = new Set(['started_on', 'ended_on', 'established_on']);

  function fromRow(row: Row): Record & StoredRecordMeta {
    const record: globalThis.Record<string, unknown> = {};
    for (const [column, property] of scalarColumns) {
      const value = dateColumns.has(column) ? toIsoDate(row[column]) : row[column];
      if (value !== null && value !== undefined) record[property] = value;
    }
    const details = (typeof row.details === 'string' ? JSON.parse(row.details) : row.details) as globalThis.Record<string, unknown>;
    for (const key of spec.detailKeys) {
      if (details?.[key] !== undefined) record[key] = details[key];
    }
    // A row read with a column list (see `columnsFor`) carries only the columns its fields need.
    if ('retired_at' in row) record.retired = row.retired_at !== null && row.retired_at !== undefined;
    if (typeof row.retired_reason === 'string') record.retiredReason = row.retired_reason;
    if ('updated_at' in row) record.updatedAt = toIsoDateTime(row.updated_at);
    return record as unknown as Record & StoredRecordMeta;
  }

  function toColumns(record: Partial<Record>): { columns: string[]; values: unknown[] } {
    const columns: string[] = [];
    const values: unknown[] = [];
    for (const [column, property] of scalarColumns) {
      if (column === 'id') continue;
      const value = (record as globalThis.Record<string, unknown>)[property];
      if (value !== undefined) {
        columns.push(column);
        values.push(value);
      }
    }
    return { columns, values };
  }

  function detailsOf(record: Partial<Record>): globalThis.Record<string, unknown> {
    const details: globalThis.Record<string, unknown> = {};
    for (const key of spec.detailKeys) {
      const value = (record as globalThis.Record<string, unknown>)[key];
      if (value !== undefined) details[key] = value;
    }
    return details;
  }

  // The columns each field of a record is answered from (the record types' own fields computed
  // from them included); a field not named here — an agency's own, say — reads every column.
  const fieldColumns = new Map<string, readonly string[]>([
    ...scalarColumns.map(([column, property]) => [property, [column]] as const),
    ['area', ['area_code', spec.datedBy]],
    ['residentialArea', ['residential_area_id']],
    ['retired', ['retired_at']],
    ['retiredReason', ['retired_reason']],
    ['updatedAt', ['updated_at']],
    ['agency', []],
    ['__typename', []],
    ...spec.detailKeys.map((key) => [key, ['details']] as const),
  ]);
  /**
   * The columns records read for nodes asking for `fields` (undefined: not known, so every column).
   * Every row carries its place in a list (name, id) and its area, which the field classification checks.
   */
  const columnsFor = (fields: ReadonlySet<string> | undefined): readonly string[] | undefined => {
    if (fields === undefined) return undefined;
    const columns = new Set(['id', 'name', 'area_code']);
    for (const field of fields) {
      const needed = fieldColumns.get(field);
      if (!needed) return undefined;
      for (const column of needed) columns.add(column);
    }
    return [...columns].sort();
  };

  return { fromRow, toColumns, detailsOf, columnsFor };
}

/** The filter's conditions on the rows `r` (of a table with a `status` column or not); pushes their parameters onto `params`. */
function filterConditions(filter: RecordListFilter, params: unknown[], hasStatus: boolean): string[] {
  const where: string[] = [];
  if (!filter.includeRetired) where.push('r.retired_at IS NULL');
  if (filter.kinds?.length) {
    params.push(filter.kinds);
    where.push(`r.kind = ANY($${params.length}::text[])`);
  }
  if (filter.statuses?.length && hasStatus) {
    params.push(filter.statuses);
    where.push(`r.status = ANY($${params.length}::text[])`);
  }
  if (filter.organisation) {
    params.push(filter.organisation);
    where.push(`r.organisation = $${params.length}`);
  }
  return where;
}

/** Most area codes a batch of lists may span and still be paged in JavaScript (see `listSmallScopes`). */
const JS_PAGED_MAX_CODES = 1_000;

/**
 * Each area code of the lists' scopes → the lists it belongs to; undefined when the lists are not
 * paged in JavaScript: a page after a cursor, lists of ended units, of every area, of records
 * with their `details` (each row read would carry them all, where the SQL's page reads `size + 1`)
 * or not counted (the SQL's page then reads only its own rows).
 */
function smallScopes(request: RecordListRequest): Map<string, string[]> | undefined {
  if (request.after || request.counted === false || (request.until && request.until.size > 0) || !request.columns || request.columns.includes('details')) return undefined;
  const listsOfCode = new Map<string, string[]>();
  for (const [key, scope] of request.scopes) {
    if (scope === ALL_AREAS) return undefined;
    for (const code of new Set(scope)) {
      const lists = listsOfCode.get(code);
      if (lists) lists.push(key);
      else listsOfCode.set(code, [key]);
    }
    if (listsOfCode.size > JS_PAGED_MAX_CODES) return undefined;
  }
  return listsOfCode;
}

/**
 * First pages of lists whose scopes are a few units (an overview's 50 communes): one plain read
 * of their rows in (name, id) order — the database's collation, so the order is the SQL's — paged
 * here. Both ways read every row of the scopes (the totals count them); on PGlite the window
 * functions of `listRecords` (a count and a row number per list) cost as much again as the read.
 */
async function listSmallScopes<Record extends { id: string; name: string }>(
  db: SqlExecutor,
  spec: RecordTable<Record>,
  mapping: { fromRow: (row: Row) => Record & StoredRecordMeta },
  request: RecordListRequest & { listsOfCode: ReadonlyMap<string, readonly string[]> },
): Promise<Map<string, RecordListResult<Record>>> {
  const params: unknown[] = [[...request.listsOfCode.keys()]];
  const where = ['r.area_code = ANY($1::text[])', ...filterConditions(request.filter, params, 'status' in spec.columns)];
  const columns = request.columns ? request.columns.map((column) => `r.${column}`).join(', ') : 'r.*';
  const rows = await db.query<Row>(`SELECT ${columns} FROM ${spec.table} r WHERE ${where.join(' AND ')} ORDER BY r.name, r.id`, params);
  const lists = new Map<string, { rows: (Record & StoredRecordMeta)[]; totalCount: number }>();
  for (const key of request.scopes.keys()) lists.set(key, { rows: [], totalCount: 0 });
  for (const row of rows) {
    let record: (Record & StoredRecordMeta) | undefined;
    for (const key of request.listsOfCode.get(String(row.area_code)) ?? []) {
      const list = lists.get(key)!;
      list.totalCount += 1;
      // `size + 1` rows, as the SQL's pages: the last one says whether there is a next page.
      if (list.rows.length <= request.size) list.rows.push((record ??= mapping.fromRow(row)));
    }
  }
  return lists;
}

/**
 * Pages of records for many lists in one statement: each list key has its own set of
 * area codes, its own total and its first `size + 1` rows after the cursor.
 */
async function listRecords<Record extends { id: string; name: string }>(
  db: SqlExecutor,
  spec: RecordTable<Record>,
  mapping: { fromRow: (row: Row) => Record & StoredRecordMeta },
  request: RecordListRequest,
): Promise<Map<string, RecordListResult<Record>>> {
  const listsOfCode = smallScopes(request);
  if (listsOfCode) return listSmallScopes(db, spec, mapping, { ...request, listsOfCode });
  const { fromRow } = mapping;
  const columns = request.columns ? request.columns.map((column) => `r.${column}`).join(', ') : 'r.*';
  const params: unknown[] = [];
  const counted = request.counted !== false;
  const source = pageSource(request.scopes, spec.table, params, request.until && { until: request.until, dated: `r.${spec.datedBy}` }, counted);
  const where = filterConditions(request.filter, params, 'status' in spec.columns);
  const sql = pagedListsStatement(params, {
    lists: request.scopes.size,
    columns,
    source,
    where,
    sortBy: [['name', 'text']],
    after: request.after && { values: [request.after.name], id: request.after.id },
    size: request.size,
    counted,
  });
  const rows = await db.query<Row>(sql, params);
  const results = new Map<string, RecordListResult<Record>>();
  for (const key of request.scopes.keys()) results.set(key, { rows: [], totalCount: counted ? 0 : undefined });
  for (const row of rows) {
    const result = results.get(String(row.list_key))!;
    result.rows.push(fromRow(row));
    if (counted) results.set(String(row.list_key), { rows: result.rows, totalCount: Number(row.list_total) });
  }
  // Past the last page no row carries the total: count those lists without the cursor.
  const emptied = [...results].filter(([, result]) => result.rows.length === 0).map(([key]) => key);
  if (counted && request.after && emptied.length > 0) {
    const scopes = new Map(emptied.map((key) => [key, request.scopes.get(key)!]));
    const totals = await listRecords(db, spec, mapping, { ...request, scopes, size: 0, after: undefined });
    for (const [key, result] of totals) results.set(key, { rows: [], totalCount: result.totalCount });
  }
  return results;
}

/** Builds the SQL and row mapping for one record table. */
export function createRecordTableAccess<Record extends { id: string; name: string }>(spec: RecordTable<Record>) {
  const mapping = createRowMapping(spec);
  const { fromRow, toColumns, detailsOf } = mapping;

  return {
    spec,
    fromRow,
    /** The columns records read for nodes asking for `fields` (see `nodeFieldNames`; undefined: every column). */
    columnsFor: mapping.columnsFor,

    /** Records by id, with `columns` (see `columnsFor`) or every column. */
    async byIds(db: SqlExecutor, ids: readonly string[], columns?: readonly string[]): Promise<((Record & StoredRecordMeta) | undefined)[]> {
      // By primary key: the same plan whatever the ids, so it is kept.
      const byId = idCondition(ids, 1);
      const rows = await db.query<Row>(`SELECT ${columns ? columns.join(', ') : '*'} FROM ${spec.table} WHERE ${byId.sql}`, [byId.param], { prepared: true });
      const found = new Map(rows.map((row) => [String(row.id), fromRow(row)]));
      return ids.map((id) => found.get(id));
    },

    /** Pages of records for many lists in one statement (see `listRecords`). */
    list: (db: SqlExecutor, request: RecordListRequest) => listRecords(db, spec, mapping, request),

    async insert(db: SqlExecutor, record: Record, createdBy: string): Promise<Record & StoredRecordMeta> {
      const { columns, values } = toColumns(record);
      const params = [record.id, ...values, JSON.stringify(detailsOf(record)), createdBy];
      const placeholders = params.map((_, index) => `$${index + 1}`);
      placeholders[params.length - 2] = `$${params.length - 1}::jsonb`;
      const rows = await db.query<Row>(`INSERT INTO ${spec.table} (id, ${columns.join(', ')}, details, created_by) VALUES (${placeholders.join(', ')}) RETURNING *`, params);
      return fromRow(rows[0]!);
    },

    /** Replaces the given properties; nested parts are replaced whole, not merged. */
    async update(db: SqlExecutor, id: string, patch: Partial<Record>): Promise<(Record & StoredRecordMeta) | undefined> {
      const { columns, values } = toColumns(patch);
      const sets = columns.map((column, index) => `${column} = $${index + 2}`);
      const params: unknown[] = [id, ...values];
      const details = detailsOf(patch);
      if (Object.keys(details).length > 0) {
        params.push(JSON.stringify(details));
        sets.push(`details = details || $${params.length}::jsonb`);
      }
      sets.push(`updated_at = ${NEXT_UPDATED_AT}`);
      const rows = await db.query<Row>(`UPDATE ${spec.table} SET ${sets.join(', ')} WHERE id = $1 AND retired_at IS NULL RETURNING *`, params);
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    async retire(db: SqlExecutor, id: string, reason: string): Promise<(Record & StoredRecordMeta) | undefined> {
      const rows = await db.query<Row>(
        `UPDATE ${spec.table} SET retired_at = now(), retired_reason = $2, updated_at = ${NEXT_UPDATED_AT} WHERE id = $1 AND retired_at IS NULL RETURNING *`,
        [id, reason],
      );
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    /** Locks the row for the rest of the transaction and returns it, retired or not. */
    async lock(db: SqlExecutor, id: string): Promise<(Record & StoredRecordMeta) | undefined> {
      const rows = await db.query<Row>(`SELECT * FROM ${spec.table} WHERE id = $1 FOR UPDATE`, [id]);
      return rows[0] ? fromRow(rows[0]) : undefined;
    },
  };
}

export type RecordTableAccess<Record extends { id: string; name: string }> = ReturnType<typeof createRecordTableAccess<Record>>;
