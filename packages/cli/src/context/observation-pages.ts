import { graphql, type AntqClient, type ResultOf } from '@antq/client';
import type { Agency } from '@antq/sdk';
import { dataOrThrow } from './graph-request.js';

/** One agency's observations, page by page; each agency's list is its own root field. */
const PAGE = graphql(`
  fragment AntqObservationPage on ObservationConnection @_unmask {
    totalCount
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

export type ObservationPage = ResultOf<typeof PAGE>;
export type ObservationNode = ObservationPage['nodes'][number];

export interface ObservationFilter {
  readonly area?: string;
  readonly period?: string;
  readonly indicators?: readonly string[];
}

/** One page of an agency's observations (first: 0 counts them). */
export async function fetchObservationPage(
  client: AntqClient,
  request: { agency: Agency; filter: ObservationFilter; first: number; after?: string | undefined },
): Promise<ObservationPage> {
  const filter = {
    ...(request.filter.area ? { area: request.filter.area } : {}),
    ...(request.filter.period ? { period: request.filter.period } : {}),
    ...(request.filter.indicators?.length ? { indicators: [...request.filter.indicators] } : {}),
  };
  const data = dataOrThrow(await client.request(PAGES[request.agency], { filter, first: request.first, after: request.after ?? null }));
  return (data as { page: ObservationPage | null }).page ?? { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] };
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
