import { AntqClientError, graphql, type AntqClient, type ClientGraphQLError } from '@antq/client';
import { parsePeriod, type Agency } from '@antq/sdk';
import { graphQLErrorsToCliError } from './explain-error.js';
import { fetchObservationPage } from './observation-pages.js';
import { naturalKey, type GoodRow } from './observation-rows.js';

const PREFIX: Record<Agency, string> = { police: 'Police', front: 'Front', veterans: 'Veterans', youth: 'Youth' };

/** A figure the graph already has, by natural key. */
export interface Existing {
  readonly id: string;
  readonly value: number;
}

/**
 * The agency's figures for the rows' indicators over the span of their periods, by natural key:
 * what a second run of the same file finds, so it writes nothing twice.
 */
export async function existingFigures(client: AntqClient, agency: Agency, rows: readonly GoodRow[]): Promise<Map<string, Existing>> {
  const found = new Map<string, Existing>();
  if (rows.length === 0) return found;
  const periods = rows.map((row) => parsePeriod(row.input.period));
  const start = periods.reduce((min, period) => (period.start < min ? period.start : min), periods[0]!.start);
  const end = periods.reduce((max, period) => (period.end > max ? period.end : max), periods[0]!.end);
  const filter = { period: `${start}/${end}`, indicators: [...new Set(rows.map((row) => row.input.indicator))] };
  for (let after: string | undefined, more = true; more;) {
    const page = await fetchObservationPage(client, { agency, filter, first: 200, after });
    for (const node of page.nodes) {
      const key = naturalKey({ indicator: node.indicator.code, areaCode: node.area.code, period: node.period, residentialAreaId: node.residentialArea?.id });
      found.set(key, { id: node.id, value: node.value });
    }
    more = page.pageInfo.hasNextPage;
    after = page.pageInfo.endCursor ?? undefined;
  }
  return found;
}

export interface BatchOutcome {
  readonly written: number;
  /** Rows the graph answered CONFLICT for: stored by an earlier run, or by this one before a lost answer. */
  readonly alreadyThere: number;
  readonly failed: { line: number; problem: string }[];
}

/** Errors that would refuse every row alike: stop the import rather than report each row. */
const STOPPING = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_OWNING_AGENCY']);

function batchDocument(agency: Agency, size: number): string {
  const variables = Array.from({ length: size }, (_, i) => `$i${i}: ObservationInput!`).join(', ');
  const fields = Array.from({ length: size }, (_, i) => `r${i}: report${PREFIX[agency]}Observation(input: $i${i}) { id }`).join('\n  ');
  return `mutation AntqImportObservations(${variables}) {\n  ${fields}\n}`;
}

/**
 * Writes one batch as one request of aliased report mutations (each its own transaction in the
 * agency's subgraph, so access rules and the audit apply per row). A lost answer is retried once:
 * the natural key makes the retry safe, a row stored the first time comes back CONFLICT.
 */
export async function writeBatch(client: AntqClient, agency: Agency, rows: readonly GoodRow[]): Promise<BatchOutcome> {
  const document = graphql(batchDocument(agency, rows.length) as '{ __typename }');
  const variables = Object.fromEntries(rows.map((row, i) => [`i${i}`, row.input]));
  let result;
  try {
    result = await client.request(document, variables as never);
  } catch (error) {
    if (!(error instanceof AntqClientError) || error.code === 'BAD_RESPONSE') throw error;
    result = await client.request(document, variables as never);
  }
  const stopping = result.errors.filter((error) => STOPPING.has(String(error.code)));
  if (stopping.length > 0) throw graphQLErrorsToCliError([stopping[0]!]);
  const byAlias = new Map<string, ClientGraphQLError>();
  for (const error of result.errors) if (typeof error.path?.[0] === 'string') byAlias.set(error.path[0], error);
  let written = 0;
  let alreadyThere = 0;
  const failed: BatchOutcome['failed'] = [];
  rows.forEach((row, i) => {
    const error = byAlias.get(`r${i}`);
    const data = (result.data as Record<string, { id: string } | null> | null)?.[`r${i}`];
    if (data) written++;
    else if (error?.code === 'CONFLICT') alreadyThere++;
    else failed.push({ line: row.line, problem: error ? `${error.code}: ${error.message}` : (result.errors[0]?.message ?? 'not written, and the graph said nothing about it') });
  });
  return { written, alreadyThere, failed };
}
