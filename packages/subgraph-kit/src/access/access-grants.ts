import type { Agency } from '@antq/sdk';
import type { Migration, SqlExecutor } from '../storage/index.js';

/**
 * Chia sẻ dữ liệu — a grant by which an owning agency lets another agency read its restricted
 * data for a jurisdiction (an area with its subtree and pre-2025 units; none for the whole
 * country) and a time window. Revoking keeps the row, so who could read what, when, stays known.
 */
export interface AccessGrant {
  readonly id: string;
  readonly owner: Agency;
  readonly grantee: Agency;
  readonly areaCode: string | null;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly grantedBy: string;
  readonly grantedAt: string;
  readonly revokedAt: string | null;
  readonly revokedBy: string | null;
  readonly note: string | null;
}

export const accessGrantMigrations: readonly Migration[] = [
  {
    version: 20,
    name: 'access grants',
    sql: `
      CREATE TABLE access_grants (
        id text PRIMARY KEY,
        grantee text NOT NULL,
        area_code text,
        valid_from timestamptz NOT NULL,
        valid_until timestamptz NOT NULL,
        granted_by text NOT NULL,
        granted_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        revoked_by text,
        note text,
        CHECK (valid_until > valid_from)
      );
      CREATE INDEX access_grants_grantee ON access_grants (grantee, valid_until) WHERE revoked_at IS NULL;
    `,
  },
];

interface GrantRow {
  id: string;
  grantee: string;
  area_code: string | null;
  valid_from: Date | string;
  valid_until: Date | string;
  granted_by: string;
  granted_at: Date | string;
  revoked_at: Date | string | null;
  revoked_by: string | null;
  note: string | null;
}

const iso = (value: Date | string) => new Date(value).toISOString();

function toGrant(owner: Agency, row: GrantRow): AccessGrant {
  return {
    id: row.id,
    owner,
    grantee: row.grantee as Agency,
    areaCode: row.area_code,
    validFrom: iso(row.valid_from),
    validUntil: iso(row.valid_until),
    grantedBy: row.granted_by,
    grantedAt: iso(row.granted_at),
    revokedAt: row.revoked_at === null ? null : iso(row.revoked_at),
    revokedBy: row.revoked_by,
    note: row.note,
  };
}

/** Whether a grant lets its grantee read now. */
export function isActiveGrant(grant: AccessGrant, now = new Date()): boolean {
  return grant.revokedAt === null && new Date(grant.validFrom) <= now && now < new Date(grant.validUntil);
}

export function createAccessGrantStore(owner: Agency) {
  return {
    async create(
      tx: SqlExecutor,
      input: { id: string; grantee: Agency; areaCode: string | null; validFrom: Date; validUntil: Date; grantedBy: string; note: string | null },
    ): Promise<AccessGrant> {
      const [row] = await tx.query<GrantRow>(
        `INSERT INTO access_grants (id, grantee, area_code, valid_from, valid_until, granted_by, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [input.id, input.grantee, input.areaCode, input.validFrom.toISOString(), input.validUntil.toISOString(), input.grantedBy, input.note],
      );
      return toGrant(owner, row!);
    },
    async revoke(tx: SqlExecutor, id: string, revokedBy: string): Promise<AccessGrant | undefined> {
      const [row] = await tx.query<GrantRow>('UPDATE access_grants SET revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, $2) WHERE id = $1 RETURNING *', [
        id,
        revokedBy,
      ]);
      return row && toGrant(owner, row);
    },
    async list(db: SqlExecutor, options: { grantee?: Agency; activeOnly: boolean }): Promise<AccessGrant[]> {
      const rows = await db.query<GrantRow>(
        `SELECT * FROM access_grants
          WHERE ($1::text IS NULL OR grantee = $1)
            AND (NOT $2 OR (revoked_at IS NULL AND valid_from <= now() AND valid_until > now()))
          ORDER BY granted_at, id`,
        [options.grantee ?? null, options.activeOnly],
      );
      return rows.map((row) => toGrant(owner, row));
    },
  };
}

export type AccessGrantStore = ReturnType<typeof createAccessGrantStore>;
