import { graphql, type ResultOf } from '@antq/client';
import type { Command } from 'commander';
import { CliError, usageError } from '../context/cli-error.js';
import { connect } from '../context/connection.js';
import { ExitCode } from '../context/exit-codes.js';
import { dataOrThrow } from '../context/graph-request.js';
import { openOutput, parseFormat, write } from '../context/output.js';
import { action } from '../context/run-action.js';

const LINK = graphql(`
  fragment AntqLineageLink on AreaLineageLink @_unmask {
    relation
    effectiveOn
    resolution
    confirmed
    area {
      code
      fullName
      validFrom
      validTo
    }
  }
`);

const AREA = graphql(
  `
    query AntqArea($code: ID!, $on: Date) {
      area(code: $code, on: $on) {
        code
        fullName
        level
        validFrom
        validTo
        current
        ancestors {
          fullName
          code
        }
        versions {
          fullName
          level
          validFrom
          validTo
          parent {
            code
            fullName
          }
        }
        predecessors {
          ...AntqLineageLink
        }
        successors {
          ...AntqLineageLink
        }
        currentUnits {
          ...AntqLineageLink
        }
      }
    }
  `,
  [LINK],
);

type AreaAnswer = NonNullable<ResultOf<typeof AREA>['area']>;
type Link = AreaAnswer['successors'][number];

const dates = (from: string, to: string | null | undefined) => `${from} – ${to ?? 'now'}`;
const unit = (area: { code: string; fullName: string }) => `${area.fullName} (${area.code})`;

function linkLine(link: Link, arrow: string): string {
  const how = link.relation === 'FULL' ? 'whole' : 'in part';
  const instrument = link.resolution ?? 'no instrument recorded';
  return `${arrow} ${unit(link.area)}, ${how}, on ${link.effectiveOn} (${instrument}${link.confirmed ? '' : ', unconfirmed'})`;
}

/** Lines of a tree: every item but the last under ├─, the last under └─. */
function branch(items: readonly string[]): string[] {
  return items.map((item, i) => `${i === items.length - 1 ? '└─' : '├─'} ${item}`);
}

/** The unit, its versions and its lineage, as a tree of text. */
export function areaTree(area: AreaAnswer): string {
  const lines = [`${unit(area)} · ${area.level.toLowerCase()} · ${dates(area.validFrom, area.validTo)}${area.current ? '' : ' (ended)'}`];
  if (area.ancestors.length > 0) lines.push(`in ${area.ancestors.map(unit).join(' › ')}`);
  const sections: [string, string[]][] = [
    ['versions', area.versions.map((v) => `${dates(v.validFrom, v.validTo)}  ${v.fullName} (${v.level.toLowerCase()}${v.parent ? `, in ${unit(v.parent)}` : ''})`)],
    ['took over', area.predecessors.map((link) => linkLine(link, '←'))],
    ['went into', area.successors.map((link) => linkLine(link, '→'))],
  ];
  if (!area.current) sections.push(['is now', area.currentUnits.map((link) => linkLine(link, '⇒'))]);
  const shown = sections.filter(([, items]) => items.length > 0);
  shown.forEach(([title, items], i) => {
    const last = i === shown.length - 1;
    lines.push(`${last ? '└─' : '├─'} ${title}`);
    for (const line of branch(items)) lines.push(`${last ? '   ' : '│  '}${line}`);
  });
  return lines.join('\n') + '\n';
}

interface AreaOptions {
  readonly on?: string;
  readonly format: string;
}

export function registerArea(program: Command): void {
  program
    .command('area')
    .description('One administrative unit: its versions and its lineage through the 2025 reform, as a tree')
    .argument('<code>', 'the unit code, e.g. 28168 or 80')
    .option('--on <date>', 'the unit the code named on that date (YYYY-MM-DD)')
    .option('--format <format>', 'table (a tree) | json', 'table')
    .addHelpText('after', '\nExample:\n  npx antq area 28168\n  npx antq area 80 --on 2025-01-01')
    .action(
      action<AreaOptions>(async ([code], options) => {
        const format = parseFormat(options.format, ['table', 'json']);
        if (options.on !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.on)) throw usageError(`--on takes a date as YYYY-MM-DD, got "${options.on}".`);
        const connection = await connect(options, { role: 'analyst' });
        try {
          const data = dataOrThrow(await connection.client.request(AREA, { code: code!, on: options.on ?? null }));
          if (!data.area) {
            throw new CliError(`No unit has code "${code}"${options.on ? ` on ${options.on}` : ''}. Find the code with \`npx antq areas search "<name>"\`.`, ExitCode.USAGE);
          }
          await write(openOutput(undefined).stream, format === 'json' ? JSON.stringify(data.area, null, 2) + '\n' : areaTree(data.area));
        } finally {
          await connection.close();
        }
      }),
    );
}
