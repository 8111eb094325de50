import { graphql, type AntqClient, type ResultOf } from '@antq/client';
import type { Agency } from '@antq/sdk';
import { dataOrThrow } from './graph-request.js';

/**
 * One agency's observations, page by page; each agency's list is its own root field. A page does
 * not ask for `totalCount`: counting reads every row of the list, so an export that counted on
 * every page would read its list once per page.
 */
const PAGE = graphql(`
  fragment AntqObservationPage on ObservationConnection @_unmask {
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      id
      agency
      indicator {
        code
      }
      area {
        code
        name
      }
      residentialArea {
        id
      }
      period
      value
      atLeast
      approximate
      revision
      reportedAt
      note
    }
  }
`);

const PAGES = {
  police: graphql(
    `
      query AntqPoliceObservations($filter: ObservationFilter, $first: Int, $after: String) {
        page: policeObservations(filter: $filter, first: $first, after: $after) {
          ...AntqObservationPage
        }
      }
    `,
    [PAGE],
  ),
  front: graphql(
    `
      query AntqFrontObservations($filter: ObservationFilter, $first: Int, $after: String) {
        page: frontObservations(filter: $filter, first: $first, after: $after) {
          ...AntqObservationPage
        }
      }
    `,
    [PAGE],
  ),
  veterans: graphql(
    `
      query AntqVeteransObservations($filter: ObservationFilter, $first: Int, $after: String) {
        page: veteransObservations(filter: $filter, first: $first, after: $after) {
          ...AntqObservationPage
        }
      }
    `,
    [PAGE],
  ),
  youth: graphql(
    `
      query AntqYouthObservations($filter: ObservationFilter, $first: Int, $after: String) {
        page: youthObservations(filter: $filter, first: $first, after: $after) {
          ...AntqObservationPage
        }
      }
    `,
    [PAGE],
  ),
} as const;

/** How many observations each agency's list holds, the agencies asked for in one request: asked once, before the pages. */
const COUNTS = graphql(`
  query AntqObservationCounts($filter: ObservationFilter, $police: Boolean!, $front: Boolean!, $veterans: Boolean!, $youth: Boolean!) {
    police: policeObservations(filter: $filter, first: 0) @include(if: $police) {
      totalCount
    }
    front: frontObservations(filter: $filter, first: 0) @include(if: $front) {
      totalCount
    }
    veterans: veteransObservations(filter: $filter, first: 0) @include(if: $veterans) {
      totalCount
    }
    youth: youthObservations(filter: $filter, first: 0) @include(if: $youth) {
      totalCount
    }
  }
`);

export type ObservationPage = ResultOf<typeof PAGE>;
export type ObservationNode = ObservationPage['nodes'][number];

export interface ObservationFilter {
  readonly area?: string;
  readonly period?: string;
  readonly indicators?: readonly string[];
}

/** The filter as the graph's `ObservationFilter` takes it. */
function filterInput(filter: ObservationFilter) {
  return {
    ...(filter.area ? { area: filter.area } : {}),
    ...(filter.period ? { period: filter.period } : {}),
    ...(filter.indicators?.length ? { indicators: [...filter.indicators] } : {}),
  };
}

/** One page of an agency's observations. */
export async function fetchObservationPage(
  client: AntqClient,
  request: { agency: Agency; filter: ObservationFilter; first: number; after?: string | undefined },
): Promise<ObservationPage> {
  const data = dataOrThrow(await client.request(PAGES[request.agency], { filter: filterInput(request.filter), first: request.first, after: request.after ?? null }));
  return (data as { page: ObservationPage | null }).page ?? { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] };
}

/** How many observations the filter selects, summed over `agencies`. */
export async function countObservations(client: AntqClient, request: { agencies: readonly Agency[]; filter: ObservationFilter }): Promise<number> {
  const asked = new Set(request.agencies);
  const data = dataOrThrow(
    await client.request(COUNTS, {
      filter: filterInput(request.filter),
      police: asked.has('police'),
      front: asked.has('front'),
      veterans: asked.has('veterans'),
      youth: asked.has('youth'),
    }),
  ) as Partial<Record<Agency, { totalCount: number } | null>>;
  return request.agencies.reduce((sum, agency) => sum + (data[agency]?.totalCount ?? 0), 0);
}

/** The CSV columns of an exported observation; `antq import observations` reads the same names. */
export const OBSERVATION_COLUMNS = [
  'agency',
  'id',
  'indicator',
  'area',
  'area_name',
  'residential_area',
  'period',
  'value',
  'at_least',
  'approximate',
  'revision',
  'reported_at',
  'note',
] as const;

export function observationRow(node: ObservationNode): Record<(typeof OBSERVATION_COLUMNS)[number], unknown> {
  return {
    agency: node.agency.toLowerCase(),
    id: node.id,
    indicator: node.indicator.code,
    area: node.area.code,
    area_name: node.area.name,
    residential_area: node.residentialArea?.id ?? null,
    period: node.period,
    value: node.value,
    at_least: node.atLeast,
    approximate: node.approximate,
    revision: node.revision,
    reported_at: node.reportedAt,
    note: node.note,
  };
}
