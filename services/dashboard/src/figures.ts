import type { ClientGraphQLError } from '@antq/client';
import { AGENCIES, api, fetchObserved, fetchRollUp, INDICATORS, type AgencyField, type Indicator, type RollUp } from './api.js';

/** One roll-up row: an agency's indicator for a period, with the previous period beside it. */
export interface FigureRow {
  readonly agency: AgencyField;
  readonly indicator: Indicator;
  readonly rollUp: RollUp;
}

let indicatorsOnce: Promise<Map<string, Indicator>> | undefined;
export function indicatorCatalogue(): Promise<Map<string, Indicator>> {
  return (indicatorsOnce ??= api()
    .request(INDICATORS)
    .then(({ data }) => new Map((data?.indicators ?? []).map((indicator) => [indicator.code, indicator]))));
}

/** What each agency has reported under the area: indicator and period pairs. */
export async function observedUnder(code: string): Promise<{ pairs: { agency: AgencyField; indicator: string; period: string }[]; errors: readonly ClientGraphQLError[] }> {
  const answers = await Promise.all(AGENCIES.map(async (agency) => ({ agency, ...(await fetchObserved(code, agency)) })));
  const errors = answers.flatMap((answer) => answer.errors);
  const pairs = answers.flatMap(({ agency, nodes }) => nodes.map((node) => ({ agency, indicator: node.indicator.code, period: node.period })));
  const unique = new Map(pairs.map((pair) => [`${pair.agency}|${pair.indicator}|${pair.period}`, pair]));
  return { pairs: [...unique.values()], errors };
}

/** Roll-ups of the given (agency, indicator) pairs for one period, in parallel, catalogue order. */
export async function rollUps(
  code: string,
  period: string,
  wanted: readonly { agency: AgencyField; indicator: string }[],
): Promise<{ rows: FigureRow[]; errors: ClientGraphQLError[] }> {
  const catalogue = await indicatorCatalogue();
  const errors: ClientGraphQLError[] = [];
  const answers = await Promise.all(
    wanted.map(async ({ agency, indicator }) => {
      const answer = await fetchRollUp({ code, indicator, period, agency });
      errors.push(...answer.errors);
      const known = catalogue.get(indicator);
      return answer.rollUp && known ? { agency, indicator: known, rollUp: answer.rollUp } : undefined;
    }),
  );
  const order = [...catalogue.keys()];
  const rows = answers.filter((row): row is FigureRow => row !== undefined).sort((a, b) => order.indexOf(a.indicator.code) - order.indexOf(b.indicator.code));
  return { rows, errors };
}

/** Yearly periods (2017) and the year a month, quarter or range starts in. */
export const yearOf = (period: string): string => period.slice(0, 4);
