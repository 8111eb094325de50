/**
 * The police's own tables besides the shared record tables: residential areas below the
 * commune, and the yearly designations of areas. Service migrations start at 100.
 */
export const policeMigrations = [
  {
    version: 100,
    name: 'residential areas',
    sql: `
      CREATE TABLE residential_areas (
        id text PRIMARY KEY,
        commune_code text NOT NULL,
        name text NOT NULL,
        local_kind text NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX residential_areas_commune ON residential_areas (commune_code);
    `,
  },
  {
    version: 101,
    name: 'area designations',
    sql: `
      -- One table for the five kinds of yearly designation: they share area, year and owner,
      -- and differ only in a few fields kept in data.
      CREATE TABLE area_designations (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('complex_area_designation', 'transformation_result', 'safety_recognition', 'exemplary_commune_pilot', 'movement_rating')),
        area_code text NOT NULL,
        residential_area_id text REFERENCES residential_areas (id),
        year integer NOT NULL CHECK (year BETWEEN 1945 AND 2100),
        designation_id text REFERENCES area_designations (id),
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX area_designations_area ON area_designations (kind, area_code);
      CREATE INDEX area_designations_parent ON area_designations (designation_id) WHERE designation_id IS NOT NULL;
      -- One record of each kind per unit and year.
      CREATE UNIQUE INDEX complex_area_once_a_year ON area_designations (area_code, coalesce(residential_area_id, ''), (data->>'list'), year)
        WHERE kind = 'complex_area_designation';
      CREATE UNIQUE INDEX transformation_once_a_year ON area_designations (designation_id, year)
        WHERE kind = 'transformation_result';
      CREATE UNIQUE INDEX recognition_once_a_year ON area_designations (area_code, coalesce(residential_area_id, ''), (data->>'unitKind'), year)
        WHERE kind = 'safety_recognition';
      CREATE UNIQUE INDEX pilot_once_a_year ON area_designations (area_code, year)
        WHERE kind = 'exemplary_commune_pilot';
      CREATE UNIQUE INDEX rating_once_a_year ON area_designations (area_code, year)
        WHERE kind = 'movement_rating';
    `,
  },
] as const;
