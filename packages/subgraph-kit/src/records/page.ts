import { AntqError, ErrorCode } from '@antq/sdk';

/** Largest page a caller may ask for; larger `first` values are refused, not silently cut. */
export const MAX_PAGE_SIZE = 200;

/** Keyset position of a row in a list ordered by (name, id). */
export interface PageCursor {
  readonly name: string;
  readonly id: string;
}

/** Opaque to callers: base64url of the keyset position. */
export function encodeCursor(cursor: PageCursor): string {
  const bytes = new TextEncoder().encode(JSON.stringify([cursor.name, cursor.id]));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function decodeCursor(text: string | null | undefined): PageCursor | undefined {
  if (text === null || text === undefined || text === '') return undefined;
  try {
    const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string')) {
      return { name: value[0] as string, id: value[1] as string };
    }
  } catch {
    // fall through to the typed error
  }
  throw invalidCursor(text);
}

/** The error of an `after` that is no page's endCursor. */
export function invalidCursor(text: string): AntqError {
  return new AntqError(ErrorCode.BAD_USER_INPUT, `Invalid cursor "${text.slice(0, 40)}". Pass the endCursor of a previous page, or omit "after" to start at the beginning.`, {
    details: { field: 'after' },
  });
}

export function checkPageSize(first: number | null | undefined, fallback: number): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw new AntqError(ErrorCode.BAD_USER_INPUT, `"first" must be a whole number from 0 to ${MAX_PAGE_SIZE}, got ${String(first)}. Page through larger lists with "after".`, {
      details: { field: 'first', max: MAX_PAGE_SIZE },
    });
  }
  return size;
}

/** One page of a list, as the connection types of the schema expect it. */
export interface Page<Row> {
  readonly nodes: readonly Row[];
  readonly totalCount: number;
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
}

/**
 * The page of `size` among `rows` (`size + 1` read: the last says whether a next page exists).
 * Without `totalCount` (a list read without counting, its total not asked for) the page's
 * `totalCount` throws rather than answer a wrong number.
 */
export function toPage<Row extends { name: string; id: string }>(rows: readonly Row[], size: number, totalCount: number | undefined): Page<Row> {
  const nodes = rows.slice(0, size);
  const pageInfo = new PageInfo(rows.length > size, nodes.at(-1));
  if (totalCount !== undefined) return { nodes, totalCount, pageInfo };
  return {
    nodes,
    pageInfo,
    get totalCount(): number {
      throw new Error('This page was read without counting its list: its request did not ask for totalCount.');
    },
  };
}

/** A page's `pageInfo`, its cursor encoded when read: most lists of an overview never ask for it. A class, so its getter costs nothing per page. */
class PageInfo {
  constructor(
    readonly hasNextPage: boolean,
    private readonly last: PageCursor | undefined,
  ) {}

  get endCursor(): string | null {
    return this.last ? encodeCursor(this.last) : null;
  }
}

/** Scope of a list that is not limited to an area. Compared by identity. */
export const ALL_AREAS: readonly string[] = Object.freeze([]);

/**
 * Bounds in time for lists of an ended version of a unit (Phường Tân An, 23235, until
 * 2025-07-01): a reused code's later records belong to the unit that took the code next.
 */
export interface ScopeBounds {
  /** List key → the day the listed version ended; lists without one are not bounded. */
  readonly until: ReadonlyMap<string, string>;
  /** SQL expression of a row's date (`r.started_on`); rows without a date are kept. */
  readonly dated: string;
}

/**
 * The FROM clause that pairs every list key (`scope.list_key`) with the rows of `table` (`r`) in
 * its scope, so one statement answers many lists. Pushes its parameters onto `params`.
 */
export function listSource(scopes: ReadonlyMap<string, readonly string[]>, table: string, params: unknown[], bounds?: ScopeBounds): string {
  const whole = [...scopes].find(([, scope]) => scope === ALL_AREAS);
  if (whole) {
    params.push(whole[0]);
    return `(SELECT $${params.length}::text AS list_key) scope CROSS JOIN ${table} r`;
  }
  const [keys, codes] = scopePairs(scopes);
  if (!bounds || bounds.until.size === 0) {
    params.push(keys, codes);
    return `unnest($${params.length - 1}::text[], $${params.length}::text[]) AS scope(list_key, area_code) JOIN ${table} r ON r.area_code = scope.area_code`;
  }
  params.push(
    keys,
    codes,
    keys.map((key) => bounds.until.get(key) ?? null),
  );
  const [k, c, u] = [params.length - 2, params.length - 1, params.length];
  return `unnest($${k}::text[], $${c}::text[], $${u}::date[]) AS scope(list_key, area_code, until)
    JOIN ${table} r ON r.area_code = scope.area_code AND (scope.until IS NULL OR ${bounds.dated} IS NULL OR ${bounds.dated} < scope.until)`;
}

/**
 * `listSource`, or for a page read without its total of one list, that list with its codes as a
 * condition on the rows: a page that walks an index in list order tests it per row, where a join
 * of the codes is scanned again for every row read (on PostgreSQL, a page of 200 of 194,400
 * observations: 202–243 → 3.6–4.3 ms). A counted page reads every row of the list, and on PGlite
 * the join reads them cheaper (a province's 328 models: 1.7–1.8 against 2.2–2.5 ms of CPU).
 */
export function pageSource(scopes: ReadonlyMap<string, readonly string[]>, table: string, params: unknown[], bounds: ScopeBounds | undefined, counted: boolean): string {
  const [only, ...others] = scopes;
  if (counted || !only || others.length > 0 || only[1] === ALL_AREAS || (bounds && bounds.until.size > 0)) return listSource(scopes, table, params, bounds);
  params.push(only[0], [...new Set(only[1])]);
  return `(SELECT $${params.length - 1}::text AS list_key) scope JOIN ${table} r ON r.area_code = ANY($${params.length}::text[])`;
}

/** One statement's lists (see `pagedListsStatement`): what each row carries, where from, which rows. */
export interface PagedLists {
  /** How many lists the statement answers (`scopes.size`). */
  readonly lists: number;
  /** The columns each row carries besides its list key and total (`r.*`, `r.id, r.name`…). */
  readonly columns: string;
  /** The FROM clause, `pageSource`'s. */
  readonly source: string;
  readonly where: readonly string[];
  /** The columns ordering a list before `id`, with their SQL types: records' `name`, observations' `period_start` and `indicator`. */
  readonly sortBy: readonly (readonly [column: string, type: string])[];
  /** The position to read after: the values of `sortBy`'s columns, and the id. */
  readonly after: { readonly values: readonly string[]; readonly id: string } | undefined;
  readonly size: number;
  /** Whether each row carries its list's total (`list_total`); without it a list read alone is only its page's rows. */
  readonly counted: boolean;
}

/**
 * The statement of pages of many lists in one: each list's first `size + 1` rows in (`sortBy`,
 * id) order after the cursor (the last row says whether a next page exists), with the list's
 * total as `list_total` when `counted`. Pushes the cursor's and the size's parameters onto
 * `params`, after those of `source` and `where`. One list needs no partitions: its page is a
 * top-N of its rows, where numbering the rows of every list costs two more sorts of them all (a
 * province's page of 20 models on the bench's PGlite store, four interleaved rounds of 300 runs:
 * 2.2–3.0 → 1.8–2.3 ms of CPU). Counting reads every row of the list whatever the page.
 */
export function pagedListsStatement(params: unknown[], page: PagedLists): string {
  const listed = (window: string) => `
    SELECT scope.list_key, ${page.columns}${page.counted ? `, count(*) OVER (${window}) AS list_total` : ''}
    FROM ${page.source}
    ${page.where.length ? `WHERE ${page.where.join(' AND ')}` : ''}`;
  const order = [...page.sortBy.map(([column]) => `listed.${column}`), 'listed.id'].join(', ');
  let after = '';
  if (page.after) {
    const values = page.sortBy.map(([, type], index) => {
      params.push(page.after!.values[index]);
      return `$${params.length}::${type}`;
    });
    params.push(page.after.id);
    after = `WHERE (${order}) > (${[...values, `$${params.length}`].join(', ')})`;
  }
  params.push(page.size + 1);
  const limit = `$${params.length}`;
  if (page.lists === 1) return `SELECT * FROM (${listed('')}) listed ${after} ORDER BY ${order} LIMIT ${limit}`;
  return `
    SELECT * FROM (
      SELECT listed.*, row_number() OVER (PARTITION BY listed.list_key ORDER BY ${order}) AS list_position
      FROM (${listed('PARTITION BY scope.list_key')}) listed
      ${after}
    ) paged
    WHERE paged.list_position <= ${limit}
    ORDER BY paged.list_key, paged.list_position`;
}

/**
 * The two parallel arrays (list key, area code) that `unnest($1::text[], $2::text[])` turns
 * into one row per code of each list's scope.
 */
export function scopePairs(scopes: ReadonlyMap<string, readonly string[]>): [keys: string[], codes: string[]] {
  const keys: string[] = [];
  const codes: string[] = [];
  for (const [key, scope] of scopes) {
    for (const code of new Set(scope)) {
      keys.push(key);
      codes.push(code);
    }
  }
  return [keys, codes];
}
