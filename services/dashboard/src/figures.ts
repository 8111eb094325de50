import type { ClientGraphQLError } from '@antq/client';
import { api, fetchObserved, fetchRollUps, INDICATORS, type AgencyField, type Indicator, type RollUp, type RollUpWanted, type SourceRef } from './api.js';

/** One roll-up row: an agency's indicator for a period, with the previous period beside it, and the documents its figures cite. */
export interface FigureRow {
  readonly agency: AgencyField;
  readonly indicator: Indicator;
  readonly rollUp: RollUp;
  readonly sources: readonly SourceRef[];
}

let indicatorsOnce: Promise<Map<string, Indicator>> | undefined;
export function indicatorCatalogue(): Promise<Map<string, Indicator>> {
  return (indicatorsOnce ??= api()
    .request(INDICATORS)
    .then(({ data }) => new Map((data?.indicators ?? []).map((indicator) => [indicator.code, indicator]))));
}

/** What an agency reported under the area for one indicator and period, and the documents it cited. */
export interface Reported {
  readonly agency: AgencyField;
  readonly indicator: string;
  readonly period: string;
  readonly sources: readonly SourceRef[];
}

/** The documents cited, each once (by title and date), in the order first met. */
export function uniqueSources(sources: Iterable<SourceRef>): SourceRef[] {
  return [...new Map([...sources].map((source) => [`${source.title}|${source.date ?? ''}`, source])).values()];
}

/** What each agency has reported under the area: indicator and period pairs, with their sources. */
export async function observedUnder(code: string): Promise<{ pairs: Reported[]; errors: readonly ClientGraphQLError[] }> {
  const { observed, errors } = await fetchObserved(code);
  const unique = new Map<string, Reported>();
  for (const { agency, node } of observed) {
    const key = `${agency}|${node.indicator.code}|${node.period}`;
    const sources = uniqueSources([...(unique.get(key)?.sources ?? []), ...node.sources]);
    unique.set(key, { agency, indicator: node.indicator.code, period: node.period, sources });
  }
  return { pairs: [...unique.values()], errors };
}

/** The sources of what an agency reported for an indicator in the periods of a year (a yearly roll-up sums them). */
export function sourcesFor(pairs: readonly Reported[], wanted: { agency: AgencyField; indicator: string; period: string }): SourceRef[] {
  return uniqueSources(
    pairs.filter((pair) => pair.agency === wanted.agency && pair.indicator === wanted.indicator && yearOf(pair.period) === wanted.period).flatMap((pair) => pair.sources),
  );
}

/** Roll-ups of the wanted (agency, indicator, period), in one round of requests; a row (or undefined) for each, in the order asked. */
export async function rollUps(
  code: string,
  wanted: readonly (RollUpWanted & { sources?: readonly SourceRef[] })[],
): Promise<{ rows: (FigureRow | undefined)[]; errors: readonly ClientGraphQLError[] }> {
  const [catalogue, answer] = await Promise.all([indicatorCatalogue(), fetchRollUps(code, wanted)]);
  const rows = wanted.map((item, index) => {
    const rollUp = answer.rollUps[index];
    const known = catalogue.get(item.indicator);
    return rollUp && known ? { agency: item.agency, indicator: known, rollUp, sources: item.sources ?? [] } : undefined;
  });
  return { rows, errors: answer.errors };
}

/** Rows in the catalogue's order of indicators (the missing ones left out). */
export async function inCatalogueOrder(rows: readonly (FigureRow | undefined)[]): Promise<FigureRow[]> {
  const order = [...(await indicatorCatalogue()).keys()];
  return rows.filter((row): row is FigureRow => row !== undefined).sort((a, b) => order.indexOf(a.indicator.code) - order.indexOf(b.indicator.code));
}

/** Each indicator reported under the area, for its latest year, against the year before: two rounds (what was reported, then every roll-up). */
export async function loadKeyFigures(code: string): Promise<{ data: FigureRow[]; errors: readonly ClientGraphQLError[] }> {
  const observed = await observedUnder(code);
  const latest = new Map<string, RollUpWanted>();
  for (const pair of observed.pairs) {
    const key = `${pair.agency}|${pair.indicator}`;
    const year = yearOf(pair.period);
    if ((latest.get(key)?.period ?? '') < year) latest.set(key, { agency: pair.agency, indicator: pair.indicator, period: year });
  }
  const wanted = [...latest.values()].map((item) => ({ ...item, sources: sourcesFor(observed.pairs, item) }));
  const { rows, errors } = await rollUps(code, wanted);
  return { data: await inCatalogueOrder(rows), errors: [...observed.errors, ...errors] };
}

/** Yearly periods (2017) and the year a month, quarter or range starts in. */
export const yearOf = (period: string): string => period.slice(0, 4);
