import { isCalendarDate } from '../server/scalars.js';
import { idCondition } from './id-condition.js';
import type { SqlExecutor } from '../storage/index.js';
import { encodeCursor, invalidCursor, pagedListsStatement, pageSource, type PageCursor } from './page.js';

type Row = Record<string, unknown>;

/** An observation as stored, with the fields the schema's Observation type needs. */
export interface StoredObservation {
  readonly id: string;
  readonly indicator: string;
  readonly areaCode: string;
  readonly residentialAreaId?: string;
  readonly period: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly value: number;
  /** A lower bound ("hơn 13.000"). */
  readonly atLeast: boolean;
  /** An approximate value ("khoảng 118"). */
  readonly approximate: boolean;
  readonly organisation: string;
  readonly revision: number;
  readonly note?: string;
  readonly sources: readonly { title: string; date?: string; url?: string }[];
  readonly reportedAt: string;
}

export interface StoredRevision {
  readonly observationId: string;
  readonly revision: number;
  readonly value: number;
  readonly note?: string;
  readonly reportedAt: string;
}

function toDate(value: unknown): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
}

function toDateTime(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

export function observationFromRow(row: Row): StoredObservation {
  return {
    id: String(row.id),
    indicator: String(row.indicator),
    areaCode: String(row.area_code),
    ...(row.residential_area_id ? { residentialAreaId: String(row.residential_area_id) } : {}),
    period: String(row.period),
    periodStart: toDate(row.period_start),
    periodEnd: toDate(row.period_end),
    value: Number(row.value),
    atLeast: row.at_least === true,
    approximate: row.approximate === true,
    organisation: String(row.organisation),
    revision: Number(row.revision),
    ...(row.note ? { note: String(row.note) } : {}),
    sources: (typeof row.sources === 'string' ? JSON.parse(row.sources) : row.sources) as StoredObservation['sources'],
    reportedAt: toDateTime(row.reported_at),
  };
}

/** An observation as the row-by-row roll-up reads it. */
export interface RollUpRow {
  readonly id: string;
  readonly indicator: string;
  readonly areaCode: string;
  readonly period: string;
  readonly value: number;
  readonly revision: number;
}

/** What {@link observationStore.rollUpSummary} sums: {@link observationStore.forRollUp}'s rows of one scope, and how to class them. */
export interface RollUpSummaryRequest {
  readonly codes: readonly string[];
  readonly indicators: readonly string[];
  /** Observations overlapping [start, end] are read. */
  readonly start: string;
  readonly end: string;
  /** The register dates, oldest first. */
  readonly registers: readonly string[];
  /** Classes of units, numbered from 1: area codes of one register (its index in `registers`). */
  readonly classes: readonly { readonly register: number; readonly codes: readonly string[]; readonly rowByRow: boolean }[];
}

/** One group of {@link observationStore.rollUpSummary}: observations of one indicator, period and class. */
export interface RollUpSummaryRow {
  readonly indicator: string;
  /** 1-based index into the request's classes; 0 for rows of no class. */
  readonly placeClass: number;
  /** The period string, and the days stored with it. */
  readonly period: string;
  readonly startDay: string;
  readonly endDay: string;
  /** The one observation of a group of a row-by-row class. */
  readonly row?: { readonly id: string; readonly areaCode: string; readonly revision: number };
  readonly count: number;
  readonly sum: number;
  readonly minValue: number;
  readonly maxValue: number;
  /** Values that are not whole numbers. */
  readonly fractional: number;
  /** Rows that name a residential area. */
  readonly residential: number;
}

export interface ObservationListRequest {
  readonly scopes: ReadonlyMap<string, readonly string[]>;
  /** List key → the day its version of a unit ended (see `ScopeBounds`). */
  readonly until?: ReadonlyMap<string, string>;
  readonly indicators?: readonly string[] | null;
  /** Only observations whose period lies within [start, end]. */
  readonly within?: { readonly start: string; readonly end: string };
  readonly size: number;
  readonly after: PageCursor | undefined;
  /** Whether each list's total is counted (default true); without it a page reads only its own rows. */
  readonly counted?: boolean;
}

/**
 * Where a page of observations starts after `cursor`, whose name part carries the period start
 * and indicator of the last row read (`sort_key`: `2025-07-01|criminal_offences`).
 */
function observationPosition(cursor: PageCursor): { values: [start: string, indicator: string]; id: string } {
  const [start = '', indicator = ''] = cursor.name.split(/\|(.*)/s);
  if (!isCalendarDate(start) || indicator === '') throw invalidCursor(encodeCursor(cursor));
  return { values: [start, indicator], id: cursor.id };
}

/** SQL for one agency's observations and their revision history. */
export const observationStore = {
  async byIds(db: SqlExecutor, ids: readonly string[]): Promise<(StoredObservation | undefined)[]> {
    const byId = idCondition(ids, 1);
    const rows = await db.query<Row>(`SELECT * FROM observations WHERE ${byId.sql}`, [byId.param], { prepared: true });
    const found = new Map(rows.map((row) => [String(row.id), observationFromRow(row)]));
    return ids.map((id) => found.get(id));
  },

  /** Pages for many lists at once, ordered by period start, indicator and id (the cursor's name part carries the first two). */
  async list(db: SqlExecutor, request: ObservationListRequest): Promise<Map<string, { rows: StoredObservation[]; totalCount: number | undefined }>> {
    const params: unknown[] = [];
    const counted = request.counted !== false;
    const source = pageSource(request.scopes, 'observations', params, request.until && { until: request.until, dated: 'r.period_start' }, counted);
    const where: string[] = [];
    if (request.indicators?.length) {
      params.push(request.indicators);
      where.push(`r.indicator = ANY($${params.length}::text[])`);
    }
    if (request.within) {
      params.push(request.within.start, request.within.end);
      where.push(`r.period_start >= $${params.length - 1}::date AND r.period_end <= $${params.length}::date`);
    }
    // Ordered by the columns, not by the cursor's text (`sort_key`), which would be built for every row of the list.
    const sql = pagedListsStatement(params, {
      lists: request.scopes.size,
      columns: `r.*, to_char(r.period_start, 'YYYY-MM-DD') || '|' || r.indicator AS sort_key`,
      source,
      where,
      sortBy: [
        ['period_start', 'date'],
        ['indicator', 'text'],
      ],
      after: request.after && observationPosition(request.after),
      size: request.size,
      counted,
    });
    const rows = await db.query<Row>(sql, params);
    const results = new Map<string, { rows: StoredObservation[]; totalCount: number | undefined; sortKeys: string[] }>();
    for (const key of request.scopes.keys()) results.set(key, { rows: [], totalCount: counted ? 0 : undefined, sortKeys: [] });
    for (const row of rows) {
      const result = results.get(String(row.list_key))!;
      result.rows.push(observationFromRow(row));
      result.sortKeys.push(String(row.sort_key));
      if (counted) result.totalCount = Number(row.list_total);
    }
    const emptied = [...results].filter(([, result]) => result.rows.length === 0).map(([key]) => key);
    if (counted && request.after && emptied.length > 0) {
      const scopes = new Map(emptied.map((key) => [key, request.scopes.get(key)!]));
      const totals = await observationStore.list(db, { ...request, scopes, size: 0, after: undefined });
      for (const [key, result] of totals) results.set(key, { rows: [], totalCount: result.totalCount, sortKeys: [] });
    }
    return new Map(
      [...results].map(([key, { rows: listRows, totalCount, sortKeys }]) => [
        key,
        { rows: listRows.map((row, index) => Object.assign(row, { sortKey: sortKeys[index]! })), totalCount },
      ]),
    );
  },

  /**
   * Every current observation of some indicators in many scopes that overlaps [start, end], with
   * only what the row-by-row roll-up reads, in a fixed order (period start, area, id) so that its
   * lists and the choice among equal duplicates never depend on the plan the database picked.
   */
  async forRollUp(db: SqlExecutor, request: { codes: readonly string[]; indicators: readonly string[]; start: string; end: string }): Promise<RollUpRow[]> {
    const rows = await db.query<Row>(
      `SELECT id, indicator, area_code, period, value, revision FROM observations
       WHERE area_code = ANY($1::text[]) AND indicator = ANY($2::text[])
         AND period_start <= $4::date AND period_end >= $3::date
       ORDER BY period_start, area_code COLLATE "C", id COLLATE "C"`,
      [[...new Set(request.codes)], request.indicators, request.start, request.end],
    );
    return rows.map((row) => ({
      id: String(row.id),
      indicator: String(row.indicator),
      areaCode: String(row.area_code),
      period: String(row.period),
      value: Number(row.value),
      revision: Number(row.revision),
    }));
  },

  /**
   * The observations {@link forRollUp} would return, summed in groups: per indicator, period (its
   * string and its days) and class of unit — so a province's two years come back as a few dozen
   * rows instead of tens of thousands.
   *
   * A class is a set of area codes of one register (`request.classes`, numbered from 1); a row
   * belongs to the class listing its area code for the register in force at its period's start
   * (the last register on or before it, else the oldest — `AreaGraph.registerOn`), or to class 0.
   * Classes marked `rowByRow` are not summed: each of their rows is a group of its own, with its
   * id, area code and revision. Groups come ordered like {@link forRollUp}'s rows where that
   * matters, among the row-by-row groups.
   *
   * Every group carries what a caller needs to tell whether summing lost anything: the smallest
   * and largest value, how many values are not whole numbers and how many rows name a
   * residential area.
   */
  async rollUpSummary(db: SqlExecutor, request: RollUpSummaryRequest): Promise<RollUpSummaryRow[]> {
    const params: unknown[] = [[...new Set(request.codes)], request.indicators, request.start, request.end, request.registers];
    // The class of a row: by the register of its period's start (width_bucket counts the register
    // dates on or before it), then by its area code. A chain of hashed `= ANY` tests, no join, so
    // the plan stays the scan of forRollUp plus one hash aggregate on every PostgreSQL.
    const byRegister = request.registers.map((_, register) => {
      const tests = request.classes.flatMap((each, index) => (each.register === register ? [`WHEN area_code = ANY($${params.push(each.codes)}::text[]) THEN ${index + 1}`] : []));
      return tests.length === 0 ? '' : `WHEN ${register + 1} THEN CASE ${tests.join(' ')} ELSE 0 END`;
    });
    params.push(request.classes.flatMap((each, index) => (each.rowByRow ? [index + 1] : [])));
    const rowByRow = `$${params.length}::int[]`;
    const rows = await db.query<Row>(
      `SELECT indicator, place_class, period, to_char(period_start, 'YYYY-MM-DD') AS start_day, to_char(period_end, 'YYYY-MM-DD') AS end_day,
              row_id, min(area_code) FILTER (WHERE row_id IS NOT NULL) AS row_area_code, min(revision) FILTER (WHERE row_id IS NOT NULL) AS row_revision,
              count(*)::int AS count, sum(value) AS sum, min(value) AS min_value, max(value) AS max_value,
              count(*) FILTER (WHERE value <> trunc(value))::int AS fractional, count(residential_area_id)::int AS residential
       FROM (
         SELECT placed.*, CASE WHEN place_class = ANY(${rowByRow}) THEN id END AS row_id
         FROM (
           SELECT id, indicator, area_code, residential_area_id, period, period_start, period_end, value, revision,
                  CASE greatest(width_bucket(period_start, $5::date[]), 1) ${byRegister.join(' ')} ELSE 0 END AS place_class
           FROM observations
           WHERE area_code = ANY($1::text[]) AND indicator = ANY($2::text[])
             AND period_start <= $4::date AND period_end >= $3::date
           -- A fence: the class is worked out once per row, not once per use.
           OFFSET 0
         ) placed
       ) classified
       GROUP BY indicator, place_class, period, period_start, period_end, row_id
       ORDER BY period_start, min(area_code) FILTER (WHERE row_id IS NOT NULL) COLLATE "C", row_id COLLATE "C"`,
      params,
    );
    return rows.map((row) => ({
      indicator: String(row.indicator),
      placeClass: Number(row.place_class),
      period: String(row.period),
      startDay: String(row.start_day),
      endDay: String(row.end_day),
      ...(row.row_id === null || row.row_id === undefined ? {} : { row: { id: String(row.row_id), areaCode: String(row.row_area_code), revision: Number(row.row_revision) } }),
      count: Number(row.count),
      sum: Number(row.sum),
      minValue: Number(row.min_value),
      maxValue: Number(row.max_value),
      fractional: Number(row.fractional),
      residential: Number(row.residential),
    }));
  },

  async revisions(db: SqlExecutor, ids: readonly string[]): Promise<StoredRevision[][]> {
    const rows = await db.query<Row>('SELECT * FROM observation_revisions WHERE observation_id = ANY($1::text[]) ORDER BY revision DESC', [ids]);
    const byId = new Map<string, StoredRevision[]>(ids.map((id) => [id, []]));
    for (const row of rows) {
      byId.get(String(row.observation_id))?.push({
        observationId: String(row.observation_id),
        revision: Number(row.revision),
        value: Number(row.value),
        ...(row.note ? { note: String(row.note) } : {}),
        reportedAt: toDateTime(row.reported_at),
      });
    }
    return ids.map((id) => byId.get(id)!);
  },

  async findByIdentity(
    db: SqlExecutor,
    identity: { indicator: string; areaCode: string; residentialAreaId?: string | undefined; period: string },
  ): Promise<StoredObservation | undefined> {
    const rows = await db.query<Row>(`SELECT * FROM observations WHERE indicator = $1 AND area_code = $2 AND coalesce(residential_area_id, '') = $3 AND period = $4`, [
      identity.indicator,
      identity.areaCode,
      identity.residentialAreaId ?? '',
      identity.period,
    ]);
    return rows[0] ? observationFromRow(rows[0]) : undefined;
  },

  async insert(db: SqlExecutor, observation: Omit<StoredObservation, 'revision' | 'reportedAt'>, reportedBy: string): Promise<StoredObservation> {
    const rows = await db.query<Row>(
      `INSERT INTO observations (id, indicator, area_code, residential_area_id, period, period_start, period_end, value, organisation, note, sources, reported_by, at_least, approximate)
       VALUES ($1, $2, $3, $4, $5, $6::date, $7::date, $8, $9, $10, $11::jsonb, $12, $13, $14) RETURNING *`,
      [
        observation.id,
        observation.indicator,
        observation.areaCode,
        observation.residentialAreaId ?? null,
        observation.period,
        observation.periodStart,
        observation.periodEnd,
        observation.value,
        observation.organisation,
        observation.note ?? null,
        JSON.stringify(observation.sources),
        reportedBy,
        observation.atLeast,
        observation.approximate,
      ],
    );
    const stored = observationFromRow(rows[0]!);
    await db.query('INSERT INTO observation_revisions (observation_id, revision, value, note, reported_by, reported_at) VALUES ($1, 1, $2, $3, $4, $5::timestamptz)', [
      stored.id,
      stored.value,
      stored.note ?? null,
      reportedBy,
      stored.reportedAt,
    ]);
    return stored;
  },

  /** A correction: a new revision becomes current; the earlier ones stay in the history. */
  /** A new revision; none (undefined) when the observation is not there, or not at `expectedRevision` when one is given. */
  async correct(
    db: SqlExecutor,
    correction: { id: string; value: number; note: string; reportedBy: string; expectedRevision?: number | undefined },
  ): Promise<StoredObservation | undefined> {
    const rows = await db.query<Row>(
      `UPDATE observations SET value = $2, note = $3, revision = revision + 1, reported_by = $4, reported_at = now()
       WHERE id = $1 AND ($5::int IS NULL OR revision = $5::int) RETURNING *`,
      [correction.id, correction.value, correction.note, correction.reportedBy, correction.expectedRevision ?? null],
    );
    if (!rows[0]) return undefined;
    const stored = observationFromRow(rows[0]);
    await db.query('INSERT INTO observation_revisions (observation_id, revision, value, note, reported_by, reported_at) VALUES ($1, $2, $3, $4, $5, $6::timestamptz)', [
      stored.id,
      stored.revision,
      stored.value,
      stored.note ?? null,
      correction.reportedBy,
      stored.reportedAt,
    ]);
    return stored;
  },
};
