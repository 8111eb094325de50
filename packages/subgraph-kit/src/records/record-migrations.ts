/**
 * Tables every agency subgraph keeps for its own records: security models, volunteer forces
 * and metric observations with their revisions. Nested, rarely filtered parts of a record
 * (resources, funding, commendations, links, sources) live in one `details` JSONB column;
 * everything a query filters or sorts on is a column with an index.
 *
 * Versions 10–99 belong to the kit; services number their own migrations from 100.
 */
export const agencyRecordMigrations = [
  {
    version: 10,
    name: 'security models',
    sql: `
      CREATE TABLE security_models (
        id text PRIMARY KEY,
        kind text NOT NULL,
        name text NOT NULL,
        organisation text NOT NULL,
        area_code text NOT NULL,
        residential_area_id text,
        status text NOT NULL,
        description text,
        started_on date,
        ended_on date,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        retired_at timestamptz,
        retired_reason text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX security_models_area ON security_models (area_code, id);
      CREATE INDEX security_models_kind ON security_models (kind);
    `,
  },
  {
    version: 11,
    name: 'volunteer forces',
    sql: `
      CREATE TABLE volunteer_forces (
        id text PRIMARY KEY,
        kind text NOT NULL,
        name text NOT NULL,
        organisation text NOT NULL,
        area_code text NOT NULL,
        residential_area_id text,
        units integer NOT NULL CHECK (units >= 0),
        members integer CHECK (members >= 0),
        established_on date,
        legal_basis text,
        note text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        retired_at timestamptz,
        retired_reason text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX volunteer_forces_area ON volunteer_forces (area_code, id);
      CREATE INDEX volunteer_forces_kind ON volunteer_forces (kind);
    `,
  },
  {
    version: 12,
    name: 'observations with revisions',
    sql: `
      CREATE TABLE observations (
        id text PRIMARY KEY,
        indicator text NOT NULL,
        area_code text NOT NULL,
        residential_area_id text,
        period text NOT NULL,
        period_start date NOT NULL,
        period_end date NOT NULL,
        value double precision NOT NULL,
        at_least boolean NOT NULL DEFAULT false,
        approximate boolean NOT NULL DEFAULT false,
        organisation text NOT NULL,
        revision integer NOT NULL DEFAULT 1,
        note text,
        sources jsonb NOT NULL DEFAULT '[]'::jsonb,
        reported_by text NOT NULL,
        reported_at timestamptz NOT NULL DEFAULT now()
      );
      -- One figure per indicator, place and period: a second report is a correction.
      CREATE UNIQUE INDEX observations_identity
        ON observations (indicator, area_code, coalesce(residential_area_id, ''), period);
      CREATE INDEX observations_area ON observations (area_code, indicator, period_start);
      CREATE TABLE observation_revisions (
        observation_id text NOT NULL REFERENCES observations (id),
        revision integer NOT NULL,
        value double precision NOT NULL,
        note text,
        reported_by text NOT NULL,
        reported_at timestamptz NOT NULL,
        PRIMARY KEY (observation_id, revision)
      );
    `,
  },
  {
    version: 13,
    name: 'observations in page order',
    // A page read without its total (an export's) walks this index from its cursor and stops at
    // the page's end, instead of sorting every row of the list after the cursor.
    sql: `CREATE INDEX observations_page ON observations (period_start, indicator, id);`,
  },
] as const;
