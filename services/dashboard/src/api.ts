import { createAntqClient, graphql, type AntqClient, type ClientGraphQLError, type ResultOf } from '@antq/client';
import { signal } from './store.js';

/** What the page reads first from `./config.json` (the gateway answers it; an operator may write one). */
export interface DashboardConfig {
  /** The gateway's GraphQL endpoint, absolute or relative to the page. */
  readonly graphqlUrl: string;
  /** Embedded mode only: development identities to sign in with. */
  readonly developmentIdentities?: readonly { readonly label: string; readonly token: string }[];
}

/** `./config.json` beside the page, then `?gateway=<url>` over it; without either, `/graphql` of this host. */
export async function loadConfig(): Promise<DashboardConfig> {
  let config: DashboardConfig = { graphqlUrl: '/graphql' };
  try {
    // Picks up the page's preload of it (index.html); the gateway marks it no-store, so no cache keeps it.
    const response = await fetch('./config.json');
    if (response.ok) config = { ...config, ...((await response.json()) as Partial<DashboardConfig>) };
  } catch {
    // A static build without config.json: the defaults hold.
  }
  const override = new URLSearchParams(location.search).get('gateway');
  return override ? { ...config, graphqlUrl: override } : config;
}

export const token = signal<string | undefined>(sessionStorage.getItem('antq.token') ?? undefined);
export function setToken(next: string | undefined): void {
  if (next) sessionStorage.setItem('antq.token', next);
  else sessionStorage.removeItem('antq.token');
  token.set(next);
}

let client: AntqClient | undefined;
export function connect(config: DashboardConfig): void {
  // graphql-ws needs an absolute ws:// URL; a relative endpoint is read against the page.
  client = createAntqClient({ url: new URL(config.graphqlUrl, location.href).href, token: () => token.get() });
}
export function api(): AntqClient {
  if (!client) throw new Error('connect() first');
  return client;
}

/** The claims of a JWT, read (not verified) to say who is signed in. */
export function claimsOf(jwt: string | undefined): Record<string, unknown> | undefined {
  try {
    const part = jwt?.split('.')[1];
    return part ? (JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** An error the caller may not see past: shown as "restricted …", never as an empty panel. */
export const isRestricted = (errors: readonly ClientGraphQLError[]): boolean => errors.some((error) => error.code === 'FORBIDDEN' || error.code === 'UNAUTHENTICATED');

export const AGENCIES = ['police', 'front', 'veterans', 'youth'] as const;
export type AgencyField = (typeof AGENCIES)[number];

export const SEARCH_AREAS = graphql(`
  query DashboardSearch($search: String!) {
    current: areas(search: $search, first: 10) {
      code
      fullName
      level
      province {
        fullName
      }
    }
    former: areas(search: $search, currentOnly: false, first: 10) {
      code
      fullName
      current
      validTo
      province {
        fullName
      }
      ancestors {
        fullName
      }
      currentUnits {
        area {
          code
          fullName
          level
          province {
            fullName
          }
        }
        effectiveOn
        relation
      }
    }
  }
`);

export const AREA_LINEAGE = graphql(`
  query DashboardArea($code: ID!) {
    area(code: $code) {
      code
      fullName
      validFrom
      validTo
      current
      level
      province {
        code
        fullName
      }
      ancestors {
        code
        fullName
      }
      versions {
        code
        fullName
        validFrom
        validTo
        current
        level
        parent {
          fullName
        }
      }
      predecessors {
        area {
          code
          fullName
          validFrom
          validTo
          current
          level
        }
        relation
        effectiveOn
        resolution
      }
      successors {
        area {
          code
          fullName
          validFrom
          validTo
          current
          level
        }
        relation
        effectiveOn
        resolution
      }
    }
  }
`);
export type AreaLineage = NonNullable<ResultOf<typeof AREA_LINEAGE>['area']>;

/** Each agency's models and forces under an area: one document per agency, each within the gateway's cost limit. */
export const AREA_RECORDS = {
  police: graphql(`
    query DashboardAreaRecordsPolice($code: ID!) {
      area(code: $code) {
        police {
          models(first: 20) {
            totalCount
            nodes {
              id
              name
              organisation
              status
              kind {
                label {
                  vi
                  en
                }
              }
              commendations {
                by
                year
                date
              }
              linkedRecords {
                __typename
                ... on PoliceModel {
                  id
                  name
                }
                ... on PoliceForce {
                  id
                  name
                }
                ... on FrontModel {
                  id
                }
                ... on VeteransModel {
                  id
                }
                ... on YouthModel {
                  id
                }
                ... on FrontForce {
                  id
                }
                ... on VeteransForce {
                  id
                }
                ... on YouthForce {
                  id
                }
              }
            }
          }
          forces(first: 20) {
            totalCount
            nodes {
              id
              name
              organisation
              units
              members
              kind {
                label {
                  vi
                  en
                }
              }
            }
          }
        }
      }
    }
  `),
  front: graphql(`
    query DashboardAreaRecordsFront($code: ID!) {
      area(code: $code) {
        front {
          models(first: 20) {
            totalCount
            nodes {
              id
              name
              organisation
              status
              kind {
                label {
                  vi
                  en
                }
              }
              commendations {
                by
                year
                date
              }
              linkedRecords {
                __typename
                ... on PoliceModel {
                  id
                  name
                }
                ... on PoliceForce {
                  id
                  name
                }
                ... on FrontModel {
                  id
                }
                ... on VeteransModel {
                  id
                }
                ... on YouthModel {
                  id
                }
                ... on FrontForce {
                  id
                }
                ... on VeteransForce {
                  id
                }
                ... on YouthForce {
                  id
                }
              }
            }
          }
          forces(first: 20) {
            totalCount
            nodes {
              id
              name
              organisation
              units
              members
              kind {
                label {
                  vi
                  en
                }
              }
            }
          }
        }
      }
    }
  `),
  veterans: graphql(`
    query DashboardAreaRecordsVeterans($code: ID!) {
      area(code: $code) {
        veterans {
          models(first: 20) {
            totalCount
            nodes {
              id
              name
              organisation
              status
              kind {
                label {
                  vi
                  en
                }
              }
              commendations {
                by
                year
                date
              }
              linkedRecords {
                __typename
                ... on PoliceModel {
                  id
                  name
                }
                ... on PoliceForce {
                  id
                  name
                }
                ... on FrontModel {
                  id
                }
                ... on VeteransModel {
                  id
                }
                ... on YouthModel {
                  id
                }
                ... on FrontForce {
                  id
                }
                ... on VeteransForce {
                  id
                }
                ... on YouthForce {
                  id
                }
              }
            }
          }
          forces(first: 20) {
            totalCount
            nodes {
              id
              name
              organisation
              units
              members
              kind {
                label {
                  vi
                  en
                }
              }
            }
          }
        }
      }
    }
  `),
  youth: graphql(`
    query DashboardAreaRecordsYouth($code: ID!) {
      area(code: $code) {
        youth {
          models(first: 20) {
            totalCount
            nodes {
              id
              name
              organisation
              status
              kind {
                label {
                  vi
                  en
                }
              }
              commendations {
                by
                year
                date
              }
              linkedRecords {
                __typename
                ... on PoliceModel {
                  id
                  name
                }
                ... on PoliceForce {
                  id
                  name
                }
                ... on FrontModel {
                  id
                }
                ... on VeteransModel {
                  id
                }
                ... on YouthModel {
                  id
                }
                ... on FrontForce {
                  id
                }
                ... on VeteransForce {
                  id
                }
                ... on YouthForce {
                  id
                }
              }
            }
          }
          forces(first: 20) {
            totalCount
            nodes {
              id
              name
              organisation
              units
              members
              kind {
                label {
                  vi
                  en
                }
              }
            }
          }
        }
      }
    }
  `),
} as const;
export type AgencyRecords = NonNullable<NonNullable<ResultOf<typeof AREA_RECORDS.police>['area']>['police']>;

/** Which indicators and periods each agency has figures for under an area (shared clearance). */
export const AREA_OBSERVED = {
  police: graphql(`
    query DashboardObservedPolice($code: ID!, $after: String) {
      area(code: $code) {
        police {
          observations(first: 100, after: $after) {
            pageInfo {
              hasNextPage
              endCursor
            }
            nodes {
              period
              indicator {
                code
              }
            }
          }
        }
      }
    }
  `),
  front: graphql(`
    query DashboardObservedFront($code: ID!, $after: String) {
      area(code: $code) {
        front {
          observations(first: 100, after: $after) {
            pageInfo {
              hasNextPage
              endCursor
            }
            nodes {
              period
              indicator {
                code
              }
            }
          }
        }
      }
    }
  `),
  veterans: graphql(`
    query DashboardObservedVeterans($code: ID!, $after: String) {
      area(code: $code) {
        veterans {
          observations(first: 100, after: $after) {
            pageInfo {
              hasNextPage
              endCursor
            }
            nodes {
              period
              indicator {
                code
              }
            }
          }
        }
      }
    }
  `),
  youth: graphql(`
    query DashboardObservedYouth($code: ID!, $after: String) {
      area(code: $code) {
        youth {
          observations(first: 100, after: $after) {
            pageInfo {
              hasNextPage
              endCursor
            }
            nodes {
              period
              indicator {
                code
              }
            }
          }
        }
      }
    }
  `),
} as const;

export const INDICATORS = graphql(`
  query DashboardIndicators {
    indicators {
      code
      unit
      reportedBy
      summableOverAreas
      label {
        vi
        en
      }
    }
  }
`);
export type Indicator = ResultOf<typeof INDICATORS>['indicators'][number];

/** One indicator rolled up for an area and a period, from one agency (a field per agency: only the one asked is read). */
export const METRIC = graphql(`
  query DashboardMetric($code: ID!, $indicator: ID!, $period: String!, $police: Boolean!, $front: Boolean!, $veterans: Boolean!, $youth: Boolean!) {
    area(code: $code) {
      police @include(if: $police) {
        metric(indicator: $indicator, period: $period) {
          period
          value
          target {
            code
            fullName
          }
          comparison {
            previousPeriod
            current
            previous
            change
            changePercent
            direction
            text
          }
          contributions {
            area {
              code
              fullName
              level
              current
            }
            reportedUnder {
              code
              fullName
              validFrom
              validTo
              current
              level
            }
            period
            value
            via
          }
          partial {
            area {
              code
              fullName
            }
            reportedUnder {
              code
              fullName
              validFrom
              validTo
              current
              level
            }
            period
            value
            into {
              area {
                code
                fullName
              }
            }
          }
        }
      }
      front @include(if: $front) {
        metric(indicator: $indicator, period: $period) {
          period
          value
          target {
            code
            fullName
          }
          comparison {
            previousPeriod
            current
            previous
            change
            changePercent
            direction
            text
          }
          contributions {
            area {
              code
              fullName
              level
              current
            }
            reportedUnder {
              code
              fullName
              validFrom
              validTo
              current
              level
            }
            period
            value
            via
          }
          partial {
            area {
              code
              fullName
            }
            reportedUnder {
              code
              fullName
              validFrom
              validTo
              current
              level
            }
            period
            value
            into {
              area {
                code
                fullName
              }
            }
          }
        }
      }
      veterans @include(if: $veterans) {
        metric(indicator: $indicator, period: $period) {
          period
          value
          target {
            code
            fullName
          }
          comparison {
            previousPeriod
            current
            previous
            change
            changePercent
            direction
            text
          }
          contributions {
            area {
              code
              fullName
              level
              current
            }
            reportedUnder {
              code
              fullName
              validFrom
              validTo
              current
              level
            }
            period
            value
            via
          }
          partial {
            area {
              code
              fullName
            }
            reportedUnder {
              code
              fullName
              validFrom
              validTo
              current
              level
            }
            period
            value
            into {
              area {
                code
                fullName
              }
            }
          }
        }
      }
      youth @include(if: $youth) {
        metric(indicator: $indicator, period: $period) {
          period
          value
          target {
            code
            fullName
          }
          comparison {
            previousPeriod
            current
            previous
            change
            changePercent
            direction
            text
          }
          contributions {
            area {
              code
              fullName
              level
              current
            }
            reportedUnder {
              code
              fullName
              validFrom
              validTo
              current
              level
            }
            period
            value
            via
          }
          partial {
            area {
              code
              fullName
            }
            reportedUnder {
              code
              fullName
              validFrom
              validTo
              current
              level
            }
            period
            value
            into {
              area {
                code
                fullName
              }
            }
          }
        }
      }
    }
  }
`);
export type RollUp = NonNullable<NonNullable<NonNullable<ResultOf<typeof METRIC>['area']>['police']>['metric']>;

/** Restricted to the police (clearance `restricted` or a police grant): asked for alone, so a refusal costs nothing else. */
export const DESIGNATIONS = graphql(`
  query DashboardDesignations($code: ID!) {
    area(code: $code) {
      police {
        complexAreaDesignations {
          id
          list
          year
          problemTypes
          decisionRef
          note
          results {
            year
            outcome
          }
        }
      }
    }
  }
`);

export const CHANGES = graphql(`
  subscription DashboardChanges($area: ID!) {
    changes(filter: { area: $area }) {
      cursor
      agency
      seq
      recordKind
      recordId
      change
      occurredAt
      area {
        code
        fullName
      }
    }
  }
`);
export type ChangeEvent = ResultOf<typeof CHANGES>['changes'];

/** The agency's roll-up of one indicator for an area and a period. */
/** Variables that switch on one agency's field of a query written for all four (each alone stays under the cost limit). */
export const onlyAgency = (agency: AgencyField): Record<AgencyField, boolean> =>
  Object.fromEntries(AGENCIES.map((name) => [name, name === agency])) as Record<AgencyField, boolean>;

export async function fetchRollUp(options: {
  code: string;
  indicator: string;
  period: string;
  agency: AgencyField;
}): Promise<{ rollUp: RollUp | null; errors: readonly ClientGraphQLError[] }> {
  const { code, indicator, period, agency } = options;
  const { data, errors } = await api().request(METRIC, { code, indicator, period, ...onlyAgency(agency) });
  return { rollUp: data?.area?.[agency]?.metric ?? null, errors };
}

// The four documents of AREA_RECORDS (and of AREA_OBSERVED) select the same fields under each agency's own
// field, so one agency's answer types stand for all four; only the field name differs.
type ByAgency<T> = Partial<Record<AgencyField, T | null>>;

/** One agency's models and forces under an area. */
export async function fetchAgencyRecords(code: string, agency: AgencyField): Promise<{ view: AgencyRecords | null; errors: readonly ClientGraphQLError[] }> {
  const { data, errors } = await api().request(AREA_RECORDS[agency] as typeof AREA_RECORDS.police, { code });
  return { view: (data?.area as ByAgency<AgencyRecords> | null | undefined)?.[agency] ?? null, errors };
}

type ObservedPage = NonNullable<NonNullable<NonNullable<ResultOf<typeof AREA_OBSERVED.police>['area']>['police']>['observations']>;

/** Every (indicator, period) an agency reported under an area, page by page. */
export async function fetchObserved(code: string, agency: AgencyField): Promise<{ nodes: ObservedPage['nodes']; errors: readonly ClientGraphQLError[] }> {
  const nodes: ObservedPage['nodes'][number][] = [];
  for (let after: string | null = null; ;) {
    const { data, errors }: { data: ResultOf<typeof AREA_OBSERVED.police> | null; errors: readonly ClientGraphQLError[] } = await api().request(
      AREA_OBSERVED[agency] as typeof AREA_OBSERVED.police,
      { code, after },
    );
    const page: ObservedPage | null | undefined = (data?.area as ByAgency<{ observations: ObservedPage | null }> | null | undefined)?.[agency]?.observations;
    nodes.push(...(page?.nodes ?? []));
    if (errors.length > 0 || !page?.pageInfo.hasNextPage) return { nodes, errors };
    after = page.pageInfo.endCursor ?? null;
  }
}
