import type { SqlExecutor } from '../storage/index.js';
import { listSource, type PageCursor } from './page.js';

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

export interface ObservationListRequest {
  readonly scopes: ReadonlyMap<string, readonly string[]>;
  readonly indicators?: readonly string[] | null;
  /** Only observations whose period lies within [start, end]. */
  readonly within?: { readonly start: string; readonly end: string };
  readonly size: number;
  readonly after: PageCursor | undefined;
}

/** SQL for one agency's observations and their revision history. */
export const observationStore = {
  async byIds(db: SqlExecutor, ids: readonly string[]): Promise<(StoredObservation | undefined)[]> {
    const rows = await db.query<Row>('SELECT * FROM observations WHERE id = ANY($1::text[])', [ids]);
    const byId = new Map(rows.map((row) => [String(row.id), observationFromRow(row)]));
    return ids.map((id) => byId.get(id));
  },

  /** Pages for many lists at once, ordered by period then id (the cursor's name part is the period start). */
  async list(db: SqlExecutor, request: ObservationListRequest): Promise<Map<string, { rows: StoredObservation[]; totalCount: number }>> {
    const params: unknown[] = [];
    const source = listSource(request.scopes, 'observations', params);
    const where: string[] = [];
    if (request.indicators?.length) {
      params.push(request.indicators);
      where.push(`r.indicator = ANY($${params.length}::text[])`);
    }
    if (request.within) {
      params.push(request.within.start, request.within.end);
      where.push(`r.period_start >= $${params.length - 1}::date AND r.period_end <= $${params.length}::date`);
    }
    let afterCondition = '';
    if (request.after) {
      params.push(request.after.name, request.after.id);
      afterCondition = `WHERE (counted.sort_key, counted.id) > ($${params.length - 1}, $${params.length})`;
    }
    params.push(request.size + 1);
    const rows = await db.query<Row>(
      `SELECT * FROM (
         SELECT counted.*, row_number() OVER (PARTITION BY counted.list_key ORDER BY counted.sort_key, counted.id) AS list_position
         FROM (
           SELECT scope.list_key, r.*, to_char(r.period_start, 'YYYY-MM-DD') || '|' || r.indicator AS sort_key,
                  count(*) OVER (PARTITION BY scope.list_key) AS list_total
           FROM ${source}
           ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ) counted
         ${afterCondition}
       ) paged
       WHERE paged.list_position <= $${params.length}
       ORDER BY paged.list_key, paged.list_position`,
      params,
    );
    const results = new Map<string, { rows: StoredObservation[]; totalCount: number; sortKeys: string[] }>();
    for (const key of request.scopes.keys()) results.set(key, { rows: [], totalCount: 0, sortKeys: [] });
    for (const row of rows) {
      const result = results.get(String(row.list_key))!;
      result.rows.push(observationFromRow(row));
      result.sortKeys.push(String(row.sort_key));
      result.totalCount = Number(row.list_total);
    }
    const emptied = [...results].filter(([, result]) => result.rows.length === 0).map(([key]) => key);
    if (request.after && emptied.length > 0) {
      const scopes = new Map(emptied.map((key) => [key, request.scopes.get(key)!]));
      const counted = await observationStore.list(db, { ...request, scopes, size: 0, after: undefined });
      for (const [key, result] of counted) results.set(key, { rows: [], totalCount: result.totalCount, sortKeys: [] });
    }
    return new Map(
      [...results].map(([key, { rows: listRows, totalCount, sortKeys }]) => [
        key,
        { rows: listRows.map((row, index) => Object.assign(row, { sortKey: sortKeys[index]! })), totalCount },
      ]),
    );
  },

  /** Every current observation of some indicators in many scopes that overlaps [start, end]. */
  async forRollUp(
    db: SqlExecutor,
    request: { codes: readonly string[]; indicators: readonly string[]; start: string; end: string },
  ): Promise<StoredObservation[]> {
    const rows = await db.query<Row>(
      `SELECT * FROM observations
       WHERE area_code = ANY($1::text[]) AND indicator = ANY($2::text[])
         AND period_start <= $4::date AND period_end >= $3::date`,
      [[...new Set(request.codes)], request.indicators, request.start, request.end],
    );
    return rows.map(observationFromRow);
  },

  async revisions(db: SqlExecutor, ids: readonly string[]): Promise<StoredRevision[][]> {
    const rows = await db.query<Row>(
      'SELECT * FROM observation_revisions WHERE observation_id = ANY($1::text[]) ORDER BY revision DESC',
      [ids],
    );
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
    const rows = await db.query<Row>(
      `SELECT * FROM observations WHERE indicator = $1 AND area_code = $2 AND coalesce(residential_area_id, '') = $3 AND period = $4`,
      [identity.indicator, identity.areaCode, identity.residentialAreaId ?? '', identity.period],
    );
    return rows[0] ? observationFromRow(rows[0]) : undefined;
  },

  async insert(
    db: SqlExecutor,
    observation: Omit<StoredObservation, 'revision' | 'reportedAt'>,
    reportedBy: string,
  ): Promise<StoredObservation> {
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
    await db.query(
      'INSERT INTO observation_revisions (observation_id, revision, value, note, reported_by, reported_at) VALUES ($1, 1, $2, $3, $4, $5::timestamptz)',
      [stored.id, stored.value, stored.note ?? null, reportedBy, stored.reportedAt],
    );
    return stored;
  },

  /** A correction: a new revision becomes current; the earlier ones stay in the history. */
  async correct(
    db: SqlExecutor,
    correction: { id: string; value: number; note: string; reportedBy: string },
  ): Promise<StoredObservation | undefined> {
    const rows = await db.query<Row>(
      `UPDATE observations SET value = $2, note = $3, revision = revision + 1, reported_by = $4, reported_at = now()
       WHERE id = $1 RETURNING *`,
      [correction.id, correction.value, correction.note, correction.reportedBy],
    );
    if (!rows[0]) return undefined;
    const stored = observationFromRow(rows[0]);
    await db.query(
      'INSERT INTO observation_revisions (observation_id, revision, value, note, reported_by, reported_at) VALUES ($1, $2, $3, $4, $5, $6::timestamptz)',
      [stored.id, stored.revision, stored.value, stored.note ?? null, correction.reportedBy, stored.reportedAt],
    );
    return stored;
  },
};
