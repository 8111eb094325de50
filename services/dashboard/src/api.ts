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

/** One unit of the register as a version: its code, name, level and the dates it stood between. */
const UNIT = graphql(`
  fragment DashboardUnit on Area @_unmask {
    code
    fullName
    validFrom
    validTo
    current
    level
  }
`);

export const AREA_LINEAGE = graphql(
  `
    query DashboardArea($code: ID!) {
      area(code: $code) {
        ...DashboardUnit
        province {
          code
          fullName
        }
        ancestors {
          code
          fullName
        }
        versions {
          ...DashboardUnit
          parent {
            fullName
          }
        }
        predecessors {
          area {
            ...DashboardUnit
          }
          relation
          effectiveOn
          resolution
        }
        successors {
          area {
            ...DashboardUnit
          }
          relation
          effectiveOn
          resolution
        }
      }
    }
  `,
  [UNIT],
);
export type AreaLineage = NonNullable<ResultOf<typeof AREA_LINEAGE>['area']>;

/** Where a record or a figure comes from: the documents its agency cites. */
const SOURCES = graphql(`
  fragment DashboardSources on SourceRef @_unmask {
    title
    date
    url
  }
`);
export type SourceRef = ResultOf<typeof SOURCES>;

/**
 * One agency's models and forces under an area: a fragment on the interface every agency's view
 * implements, so one document serves all four (an agency's field is switched on by its variable).
 * Its sources are selected in place: the gateway's cost estimate weighs each fragment level by
 * 1.5, and one more would take a single agency's records over the cost limit.
 */
const RECORDS = graphql(`
  fragment DashboardRecords on AgencyAreaView @_unmask {
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
        sources {
          title
          date
          url
        }
        linkedRecords {
          __typename
          ... on PoliceModel {
            name
          }
          ... on PoliceForce {
            name
          }
          ... on SecurityModel {
            id
          }
          ... on VolunteerForce {
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
        sources {
          title
          date
          url
        }
      }
    }
  }
`);
export type AgencyRecords = ResultOf<typeof RECORDS>;

/**
 * Each agency asked for in its own document, the one fragment under the agency's field (the name
 * is all that differs): the gateway's cost estimate counts a field skipped by `@include` too, and
 * two agencies' records pass its limit; one agency down costs only its panel.
 */
const AREA_RECORDS = new Map(
  AGENCIES.map((agency) => [agency, graphql(`query DashboardAreaRecords($code: ID!) { area(code: $code) { ${agency} { ...DashboardRecords } } }` as string, [RECORDS])]),
);

/** What each agency reported under an area (shared clearance): indicator, period and the documents cited. */
const OBSERVED = graphql(
  `
    fragment DashboardObserved on AgencyAreaView @_unmask {
      observations(first: $first, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          period
          indicator {
            code
          }
          sources {
            ...DashboardSources
          }
        }
      }
    }
  `,
  [SOURCES],
);
export type ObservedNode = ResultOf<typeof OBSERVED>['observations'] extends infer C ? (C extends { nodes: (infer N)[] } ? N : never) : never;

/**
 * The first page of every agency's observations in one request (pages of 25: four agencies' pages of
 * 100 would pass the gateway's cost limit); a next page for one agency (its variable on, with its cursor).
 */
export const AREA_OBSERVED = graphql(
  `
    query DashboardObserved($code: ID!, $first: Int!, $after: String, $police: Boolean!, $front: Boolean!, $veterans: Boolean!, $youth: Boolean!) {
      area(code: $code) {
        police @include(if: $police) {
          ...DashboardObserved
        }
        front @include(if: $front) {
          ...DashboardObserved
        }
        veterans @include(if: $veterans) {
          ...DashboardObserved
        }
        youth @include(if: $youth) {
          ...DashboardObserved
        }
      }
    }
  `,
  [OBSERVED],
);

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

/** An indicator rolled up for an area and a period by one agency: the same fields from each agency's `metric`. */
export const ROLL_UP = graphql(
  `
    fragment DashboardRollUp on MetricRollUp @_unmask {
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
          ...DashboardUnit
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
          ...DashboardUnit
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
  `,
  [UNIT],
);
export type RollUp = ResultOf<typeof ROLL_UP>;

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

/** Variables that switch on the given agencies' fields of a query written for all four. */
export const agencyFlags = (...agencies: readonly AgencyField[]): Record<AgencyField, boolean> =>
  Object.fromEntries(AGENCIES.map((name) => [name, agencies.includes(name)])) as Record<AgencyField, boolean>;

/** One agency's models and forces under an area. */
export async function fetchAgencyRecords(code: string, agency: AgencyField): Promise<{ view: AgencyRecords | null; errors: readonly ClientGraphQLError[] }> {
  // Written with the agency's name in it, so typed by hand: the agency's field is the fragment's result.
  const { data, errors } = await api().request<{ area: Partial<Record<AgencyField, AgencyRecords | null>> | null }, { code: string }>(
    AREA_RECORDS.get(agency)! as Parameters<AntqClient['request']>[0],
    { code },
  );
  return { view: data?.area?.[agency] ?? null, errors };
}

type ObservedPage = NonNullable<ResultOf<typeof OBSERVED>['observations']>;

/** Every observation each agency made under an area: all four agencies' first pages in one request, then further pages. */
export async function fetchObserved(code: string): Promise<{ observed: { agency: AgencyField; node: ObservedNode }[]; errors: readonly ClientGraphQLError[] }> {
  const observed: { agency: AgencyField; node: ObservedNode }[] = [];
  const errors: ClientGraphQLError[] = [];
  const page = async (agencies: readonly AgencyField[], after: string | null): Promise<void> => {
    const answer = await api().request(AREA_OBSERVED, { code, first: agencies.length > 1 ? 25 : 100, after, ...agencyFlags(...agencies) });
    errors.push(...answer.errors);
    const next: Promise<void>[] = [];
    for (const agency of agencies) {
      const observations = (answer.data?.area?.[agency] as { observations: ObservedPage | null } | null | undefined)?.observations;
      for (const node of observations?.nodes ?? []) observed.push({ agency, node });
      if (observations?.pageInfo.hasNextPage && answer.errors.length === 0) next.push(page([agency], observations.pageInfo.endCursor ?? null));
    }
    await Promise.all(next);
  };
  await page(AGENCIES, null);
  return { observed, errors };
}

/** One roll-up to ask for: an agency's indicator for a period. */
export interface RollUpWanted {
  readonly agency: AgencyField;
  readonly indicator: string;
  readonly period: string;
}

/** Roll-ups in one request (20 stay within the gateway's cost limit, 30 aliases are allowed); the rest in further requests at the same time. */
const ROLL_UPS_PER_REQUEST = 12;

/**
 * Roll-ups of several (agency, indicator, period), several to a request: each is an alias of its
 * agency's `metric` with the one shared fragment, so a view's figures are one round of requests.
 */
export async function fetchRollUps(code: string, wanted: readonly RollUpWanted[]): Promise<{ rollUps: (RollUp | null)[]; errors: readonly ClientGraphQLError[] }> {
  const chunks: RollUpWanted[][] = [];
  for (let index = 0; index < wanted.length; index += ROLL_UPS_PER_REQUEST) chunks.push(wanted.slice(index, index + ROLL_UPS_PER_REQUEST));
  const answers = await Promise.all(chunks.map((chunk) => fetchRollUpChunk(code, chunk)));
  return { rollUps: answers.flatMap((answer) => answer.rollUps), errors: answers.flatMap((answer) => answer.errors) };
}

type RollUpsAnswer = { area: Partial<Record<AgencyField, Record<string, RollUp | null> | null>> | null };

async function fetchRollUpChunk(code: string, chunk: readonly RollUpWanted[]): Promise<{ rollUps: (RollUp | null)[]; errors: readonly ClientGraphQLError[] }> {
  const variables: Record<string, string> = { code };
  const fields = AGENCIES.map((agency) => {
    const metrics = chunk.flatMap((item, index) => {
      if (item.agency !== agency) return [];
      variables[`i${index}`] = item.indicator;
      variables[`p${index}`] = item.period;
      return [`m${index}: metric(indicator: $i${index}, period: $p${index}) { ...DashboardRollUp }`];
    });
    return metrics.length > 0 ? `${agency} { ${metrics.join(' ')} }` : '';
  }).join(' ');
  const declared = chunk.map((_, index) => `, $i${index}: ID!, $p${index}: String!`).join('');
  // Written at run time (which aliases depends on what was reported), so typed by hand: each alias is a RollUp.
  const document = graphql(`query DashboardRollUps($code: ID!${declared}) { area(code: $code) { ${fields} } }` as string, [ROLL_UP]);
  const { data, errors } = await api().request(document as Parameters<AntqClient['request']>[0], variables);
  const area = (data as RollUpsAnswer | null)?.area;
  return { rollUps: chunk.map((item, index) => area?.[item.agency]?.[`m${index}`] ?? null), errors };
}
