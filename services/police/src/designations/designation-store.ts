import { listSource, scopePairs, type SqlExecutor } from '@antq/subgraph-kit';

/** Kinds of yearly designation the police record for an area. */
export type DesignationKind = 'complex_area_designation' | 'transformation_result' | 'safety_recognition' | 'exemplary_commune_pilot' | 'movement_rating';

/** A designation as stored: the shared columns plus its own fields. */
export interface StoredDesignation {
  readonly id: string;
  readonly kind: DesignationKind;
  readonly areaCode: string;
  readonly residentialAreaId?: string;
  readonly year: number;
  readonly designationId?: string;
  readonly [field: string]: unknown;
}

export interface StoredResidentialArea {
  readonly id: string;
  readonly communeCode: string;
  readonly name: string;
  readonly localKind: string;
}

type Row = Record<string, unknown>;

function designationFromRow(row: Row): StoredDesignation {
  const data = (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as Record<string, unknown>;
  return {
    ...data,
    id: String(row.id),
    kind: row.kind as DesignationKind,
    areaCode: String(row.area_code),
    ...(row.residential_area_id ? { residentialAreaId: String(row.residential_area_id) } : {}),
    year: Number(row.year),
    ...(row.designation_id ? { designationId: String(row.designation_id) } : {}),
  };
}

function residentialAreaFromRow(row: Row): StoredResidentialArea {
  return { id: String(row.id), communeCode: String(row.commune_code), name: String(row.name), localKind: String(row.local_kind) };
}

const SHARED_FIELDS = new Set(['id', 'kind', 'areaCode', 'residentialAreaId', 'year', 'designationId']);

export const designationStore = {
  async insert(db: SqlExecutor, record: StoredDesignation, createdBy: string): Promise<StoredDesignation> {
    const data = Object.fromEntries(Object.entries(record).filter(([key, value]) => !SHARED_FIELDS.has(key) && value !== undefined));
    const rows = await db.query<Row>(
      `INSERT INTO area_designations (id, kind, area_code, residential_area_id, year, designation_id, data, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) RETURNING *`,
      [record.id, record.kind, record.areaCode, record.residentialAreaId ?? null, record.year, record.designationId ?? null, JSON.stringify(data), createdBy],
    );
    return designationFromRow(rows[0]!);
  },

  async byIds(db: SqlExecutor, ids: readonly string[]): Promise<(StoredDesignation | undefined)[]> {
    const rows = await db.query<Row>('SELECT * FROM area_designations WHERE id = ANY($1::text[])', [ids]);
    const byId = new Map(rows.map((row) => [String(row.id), designationFromRow(row)]));
    return ids.map((id) => byId.get(id));
  },

  /** Designations of one kind in many areas' scopes, in one statement (an ended unit's bounded by the year it ended). */
  async inScopes(
    db: SqlExecutor,
    request: { kind: DesignationKind; scopes: ReadonlyMap<string, readonly string[]>; until?: ReadonlyMap<string, string> },
  ): Promise<Map<string, StoredDesignation[]>> {
    const params: unknown[] = [];
    const source = listSource(request.scopes, 'area_designations', params, request.until && { until: request.until, dated: 'make_date(r.year, 1, 1)' });
    params.push(request.kind);
    const rows = await db.query<Row>(`SELECT scope.list_key, r.* FROM ${source} WHERE r.kind = $${params.length} ORDER BY r.year, r.id`, params);
    const lists = new Map<string, StoredDesignation[]>([...request.scopes.keys()].map((key) => [key, []]));
    for (const row of rows) lists.get(String(row.list_key))!.push(designationFromRow(row));
    return lists;
  },

  async resultsOf(db: SqlExecutor, designationIds: readonly string[]): Promise<StoredDesignation[][]> {
    const rows = await db.query<Row>(`SELECT * FROM area_designations WHERE kind = 'transformation_result' AND designation_id = ANY($1::text[]) ORDER BY year, id`, [
      designationIds,
    ]);
    const lists = new Map<string, StoredDesignation[]>(designationIds.map((id) => [id, []]));
    for (const row of rows) lists.get(String(row.designation_id))?.push(designationFromRow(row));
    return designationIds.map((id) => lists.get(id)!);
  },

  async insertResidentialArea(db: SqlExecutor, area: StoredResidentialArea, createdBy: string): Promise<StoredResidentialArea> {
    const rows = await db.query<Row>('INSERT INTO residential_areas (id, commune_code, name, local_kind, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING *', [
      area.id,
      area.communeCode,
      area.name,
      area.localKind,
      createdBy,
    ]);
    return residentialAreaFromRow(rows[0]!);
  },

  async residentialAreasByIds(db: SqlExecutor, ids: readonly string[]): Promise<(StoredResidentialArea | undefined)[]> {
    const rows = await db.query<Row>('SELECT * FROM residential_areas WHERE id = ANY($1::text[])', [ids]);
    const byId = new Map(rows.map((row) => [String(row.id), residentialAreaFromRow(row)]));
    return ids.map((id) => byId.get(id));
  },

  async residentialAreasInScopes(db: SqlExecutor, scopes: ReadonlyMap<string, readonly string[]>): Promise<Map<string, StoredResidentialArea[]>> {
    const rows = await db.query<Row>(
      `SELECT scope.list_key, r.* FROM unnest($1::text[], $2::text[]) AS scope(list_key, area_code)
       JOIN residential_areas r ON r.commune_code = scope.area_code ORDER BY r.name, r.id`,
      scopePairs(scopes),
    );
    const lists = new Map<string, StoredResidentialArea[]>([...scopes.keys()].map((key) => [key, []]));
    for (const row of rows) lists.get(String(row.list_key))!.push(residentialAreaFromRow(row));
    return lists;
  },
};
