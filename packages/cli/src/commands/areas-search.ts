import { graphql } from '@antq/client';
import type { Command } from 'commander';
import { usageError } from '../context/cli-error.js';
import { connect } from '../context/connection.js';
import { dataOrThrow } from '../context/graph-request.js';
import { formatRows, openOutput, parseFormat, write } from '../context/output.js';
import { action } from '../context/run-action.js';

const AREAS = graphql(`
  query AntqAreasSearch($search: String!, $level: AreaLevel, $provinceCode: ID, $currentOnly: Boolean, $on: Date, $first: Int) {
    areas(search: $search, level: $level, provinceCode: $provinceCode, currentOnly: $currentOnly, on: $on, first: $first) {
      code
      fullName
      level
      province {
        code
        name
      }
      parent {
        fullName
      }
      validFrom
      validTo
    }
  }
`);

interface AreasSearchOptions {
  readonly level?: string;
  readonly province?: string;
  readonly all?: boolean;
  readonly on?: string;
  readonly first: string;
  readonly format: string;
  readonly bom?: boolean;
}

const LEVELS = ['province', 'district', 'commune'];

export function registerAreasSearch(program: Command): void {
  program
    .command('areas')
    .description('Administrative units (địa bàn) of the national register')
    .command('search')
    .description('Find units by name, diacritics and case ignored ("can giuoc" finds Cần Giuộc)')
    .argument('<name>', 'a name or part of one')
    .option('--level <level>', LEVELS.join(' | '))
    .option('--province <code>', 'only units of this province')
    .option('--on <date>', 'the register in force on a date (YYYY-MM-DD), e.g. 2025-01-01 for the units before the 2025 reform')
    .option('--all', 'every version of every code, ended ones too')
    .option('--first <n>', 'at most this many', '20')
    .option('--format <format>', 'table | json | ndjson | csv', 'table')
    .option('--bom', 'start CSV with a byte-order mark (Excel)')
    .addHelpText('after', '\nExample:\n  npx antq areas search "can giuoc"\n  npx antq areas search "long hau" --all')
    .action(
      action<AreasSearchOptions>(async ([name], options) => {
        const format = parseFormat(options.format);
        if (options.level !== undefined && !LEVELS.includes(options.level)) throw usageError(`Unknown --level "${options.level}": use ${LEVELS.join(', ')}.`);
        const first = Number(options.first);
        if (!Number.isInteger(first) || first < 1) throw usageError(`--first takes a whole number of 1 or more, got "${options.first}".`);
        const connection = await connect(options, { role: 'analyst' });
        try {
          const data = dataOrThrow(
            await connection.client.request(AREAS, {
              search: name!,
              level: (options.level?.toUpperCase() as 'PROVINCE' | undefined) ?? null,
              provinceCode: options.province ?? null,
              currentOnly: !options.all,
              on: options.on ?? null,
              first,
            }),
          );
          const rows = data.areas.map((area) => ({
            code: area.code,
            name: area.fullName,
            level: area.level.toLowerCase(),
            in: area.parent?.fullName ?? '',
            province: area.province ? `${area.province.name} (${area.province.code})` : '',
            from: area.validFrom,
            until: area.validTo ?? '',
          }));
          const output = openOutput(undefined);
          await write(output.stream, format === 'table' && rows.length === 0 ? `No unit matches "${name}".\n` : formatRows(rows, format, { bom: options.bom ?? false }));
        } finally {
          await connection.close();
        }
      }),
    );
}
