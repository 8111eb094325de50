import { graphql, type AntqClient, type ResultOf } from '@antq/client';
import { INDICATORS, getIndicator, type Agency } from '@antq/sdk';
import type { Command } from 'commander';
import { usageError } from '../context/cli-error.js';
import { connect } from '../context/connection.js';
import { checkAgencies, checkArea, checkIndicators, checkPeriod, collect } from '../context/domain-checks.js';
import { dataOrThrow } from '../context/graph-request.js';
import pMap from 'p-map';
import { formatRows, openOutput, parseFormat, write, type Row } from '../context/output.js';
import { action } from '../context/run-action.js';

const METRIC = graphql(`
  fragment AntqMetric on MetricRollUp @_unmask {
    target {
      code
      fullName
    }
    period
    value
    comparison {
      previousPeriod
      previous
      change
      changePercent
      text
    }
    partial {
      area {
        code
        fullName
      }
      period
      value
      into {
        area {
          code
        }
      }
    }
  }
`);

/** One indicator's roll-up; the view of the agency that reports it is the one included. */
const ROLLUP = graphql(
  `
    query AntqRollUp($code: ID!, $indicator: ID!, $period: String!, $police: Boolean!, $front: Boolean!, $veterans: Boolean!, $youth: Boolean!) {
      area(code: $code) {
        police @include(if: $police) {
          metric(indicator: $indicator, period: $period) {
            ...AntqMetric
          }
        }
        front @include(if: $front) {
          metric(indicator: $indicator, period: $period) {
            ...AntqMetric
          }
        }
        veterans @include(if: $veterans) {
          metric(indicator: $indicator, period: $period) {
            ...AntqMetric
          }
        }
        youth @include(if: $youth) {
          metric(indicator: $indicator, period: $period) {
            ...AntqMetric
          }
        }
      }
    }
  `,
  [METRIC],
);

type Metric = ResultOf<typeof METRIC>;

async function rollUp(client: AntqClient, request: { area: string; period: string; indicator: string; agency: Agency }): Promise<Metric | null> {
  const data = dataOrThrow(
    await client.request(ROLLUP, {
      code: request.area,
      indicator: request.indicator,
      period: request.period,
      police: request.agency === 'police',
      front: request.agency === 'front',
      veterans: request.agency === 'veterans',
      youth: request.agency === 'youth',
    }),
  );
  const view = data.area?.[request.agency] as { metric: Metric | null } | null | undefined;
  return view?.metric ?? null;
}

/** "Xã Long Hậu (28168) 2025: 12 → 28159, 28160" for each figure that could not be summed. */
const partialText = (metric: Metric) =>
  metric.partial
    .map((entry) => `${entry.area.fullName} (${entry.area.code}) ${entry.period}: ${entry.value} → ${entry.into.map((link) => link.area.code).join(', ') || '?'}`)
    .join('; ');

/**
 * The dashboard's Province CSV has the same columns (services/dashboard/src/csv.ts): one row per
 * indicator (each is reported by one agency); the comparison's columns with `--compare previous`.
 */
function rowOf(indicator: string, metric: Metric, compare: boolean): Row {
  const comparison = metric.comparison;
  const known = getIndicator(indicator)!;
  return {
    area_code: metric.target.code,
    area_name: metric.target.fullName,
    agency: known.reportedBy.toUpperCase(),
    indicator,
    indicator_label: known.label.vi,
    period: metric.period,
    value: metric.value,
    ...(compare
      ? {
          previous_period: comparison?.previousPeriod ?? null,
          previous: comparison?.previous ?? null,
          change: comparison?.change ?? null,
          change_percent: comparison?.changePercent ?? null,
          text: comparison?.text ?? null,
        }
      : {}),
    partial_count: metric.partial.length,
    partial: partialText(metric),
  };
}

interface RollupOptions {
  readonly area: string;
  readonly period: string;
  readonly indicators?: string[];
  readonly agency?: string[];
  readonly compare?: string;
  readonly format: string;
  readonly bom?: boolean;
  readonly out?: string;
}

export function registerRollup(program: Command): void {
  program
    .command('rollup')
    .description('Indicators rolled up (tổng hợp) over an area and a period, through the 2025 lineage, with the previous period beside them')
    .requiredOption('--area <code>', 'the area, e.g. 80 (Tây Ninh, its pre-2025 units included)')
    .requiredOption('--period <period>', '2025, 2025-Q3, 2025-07 …')
    .option('--indicators <codes>', 'these indicators (comma list or repeat; default every indicator with a figure)', collect)
    .option('--agency <code>', 'only indicators this agency reports (repeat or comma list)', collect)
    .option('--compare <what>', 'previous: add the previous period, the change and its text ("13/37 (−64.9 %)")')
    .option('--format <format>', 'table | csv | json | ndjson', 'table')
    .option('--bom', 'start CSV with a byte-order mark (Excel)')
    .option('--out <file>', 'write to a file instead of stdout')
    .addHelpText(
      'after',
      `
Rows: one per indicator with a figure; "partial" lists figures of units split between several new
units, which cannot be summed into one of them.

Example:
  npx antq rollup --area 80 --period 2025 --compare previous`,
    )
    .action(
      action<RollupOptions>(async (_args, options) => {
        const format = parseFormat(options.format);
        await checkArea(options.area);
        checkPeriod(options.period);
        if (options.compare !== undefined && options.compare !== 'previous') throw usageError(`--compare takes "previous", got "${options.compare}".`);
        const agencies = options.agency?.length ? checkAgencies(options.agency) : undefined;
        const asked = options.indicators?.length ? checkIndicators(options.indicators) : undefined;
        const indicators = (asked ?? INDICATORS.map((indicator) => indicator.code)).filter((code) => !agencies || agencies.includes(getIndicator(code)!.reportedBy));
        const connection = await connect(options, { role: 'analyst', ...(agencies?.length === 1 ? { agency: agencies[0] } : {}) });
        try {
          // A few requests at a time: each indicator is one roll-up of its agency's view.
          const metrics = await pMap(
            indicators,
            (indicator) => rollUp(connection.client, { area: options.area, period: options.period, indicator, agency: getIndicator(indicator)!.reportedBy }),
            { concurrency: 6 },
          );
          const rows: Row[] = indicators.flatMap((indicator, i) => {
            const metric = metrics[i];
            return metric && (asked || metric.value !== null || metric.partial.length > 0) ? [rowOf(indicator, metric, options.compare === 'previous')] : [];
          });
          const output = openOutput(options.out);
          await write(output.stream, formatRows(rows, format, { bom: options.bom ?? false }));
          await output.close();
        } finally {
          await connection.close();
        }
      }),
    );
}
