import { getIndicator, type Agency } from '@antq/sdk';
import { loadAreaRegistry } from '@antq/sdk/areas';
import type { Command } from 'commander';
import { usageError } from '../context/cli-error.js';
import { connect, type GlobalOptions } from '../context/connection.js';
import { checkAgencies } from '../context/domain-checks.js';
import { ExitCode } from '../context/exit-codes.js';
import pMap from 'p-map';
import { checkColumns, checkRows, indicatorOf, type BadRow, type GoodRow } from '../context/observation-rows.js';
import { existingFigures, writeBatch } from '../context/observation-writer.js';
import { createProgress } from '../context/progress.js';
import { readTableFile, type SheetRow } from '../context/read-table-file.js';
import { action } from '../context/run-action.js';

interface ImportOptions {
  readonly agency?: string;
  readonly dryRun?: boolean;
  readonly sheet?: string;
  readonly batchSize: string;
}

const say = (options: GlobalOptions, text: string) => {
  if (!options.quiet) process.stderr.write(`${text}\n`);
};

/** The agency whose subgraph receives the rows: --agency, else the one that reports every indicator of the file. */
function owningAgency(options: ImportOptions, rows: readonly SheetRow[]): Agency {
  if (options.agency !== undefined) return checkAgencies([options.agency])[0]!;
  const agencies = new Set(rows.map((row) => getIndicator(indicatorOf(row))?.reportedBy).filter((agency) => agency !== undefined));
  if (agencies.size === 1) return [...agencies][0]!;
  throw usageError(
    `Say which agency's subgraph receives these figures: --agency ${agencies.size > 1 ? [...agencies].join('|') : '<agency>'} (the file's indicators do not name one agency).`,
  );
}

const rowCount = (count: number) => `${count} ${count === 1 ? 'row' : 'rows'}`;

function reportBad(bad: readonly BadRow[]): void {
  for (const row of bad) process.stderr.write(`line ${row.line}: ${row.problem}\n`);
}

async function runImport(file: string, options: ImportOptions & GlobalOptions): Promise<ExitCode> {
  const batchSize = Number(options.batchSize);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 25) throw usageError(`--batch-size takes 1 to 25 (the gateway allows 30 aliases), got "${options.batchSize}".`);
  const rows = await readTableFile(file, options.sheet === undefined ? {} : { sheet: options.sheet });
  checkColumns(rows);
  const agency = owningAgency(options, rows);
  const { good, bad } = checkRows(rows, { agency, registry: await loadAreaRegistry() });
  if (bad.length > 0) {
    reportBad(bad);
    say(
      options,
      `antq: ${bad.length} of ${rowCount(rows.length)} ${bad.length === 1 ? 'is' : 'are'} wrong (listed above); nothing was written. Fix those lines and run the import again.`,
    );
    return ExitCode.INVALID_ROWS;
  }
  const connection = await connect(options, { role: 'editor', agency });
  try {
    const existing = await existingFigures(connection.client, agency, good);
    const differ = good.filter((row) => existing.has(row.key) && existing.get(row.key)!.value !== row.input.value);
    for (const row of differ) {
      const stored = existing.get(row.key)!;
      say(
        options,
        `line ${row.line}: the graph has ${stored.value} (observation ${stored.id}), the file ${row.input.value}; left as it is — correct it with correct<Agency>Observation if the file is right`,
      );
    }
    const toWrite = good.filter((row) => !existing.has(row.key));
    const already = good.length - toWrite.length;
    if (options.dryRun) {
      say(
        options,
        `antq: dry run — ${rowCount(rows.length)} valid for the ${agency}: would write ${toWrite.length}; ${already} already in the graph (${differ.length} with another value).`,
      );
      return ExitCode.OK;
    }
    return await writeRows(toWrite, { ...options, agency, already, differ: differ.length, total: rows.length, connection });
  } finally {
    await connection.close();
  }
}

async function writeRows(
  rows: readonly GoodRow[],
  context: GlobalOptions & { agency: Agency; already: number; differ: number; total: number; batchSize: string; connection: Awaited<ReturnType<typeof connect>> },
): Promise<ExitCode> {
  const size = Number(context.batchSize);
  const batches = Array.from({ length: Math.ceil(rows.length / size) }, (_, i) => rows.slice(i * size, (i + 1) * size));
  const progress = createProgress({ label: 'imported', quiet: context.quiet });
  const started = Date.now();
  let done = 0;
  progress.update(0, rows.length);
  const outcomes = await pMap(
    batches,
    async (batch) => {
      const outcome = await writeBatch(context.connection.client, context.agency, batch);
      progress.update((done += batch.length), rows.length);
      return outcome;
    },
    { concurrency: 2 },
  );
  progress.stop();
  const written = outcomes.reduce((sum, outcome) => sum + outcome.written, 0);
  const raced = outcomes.reduce((sum, outcome) => sum + outcome.alreadyThere, 0);
  const failed = outcomes.flatMap((outcome) => outcome.failed);
  reportBad(failed);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  say(
    context,
    `antq: ${rowCount(context.total)} for the ${context.agency}: ${written} written in ${seconds} s, ${context.already + raced} already in the graph` +
      `${context.differ > 0 ? ` (${context.differ} with another value, left as they are)` : ''}${failed.length > 0 ? `, ${failed.length} refused (listed above)` : ''}.`,
  );
  return failed.length > 0 ? ExitCode.FAILED : ExitCode.OK;
}

export function registerImportObservations(program: Command): void {
  program
    .command('import')
    .description("Bring records into an agency's own subgraph")
    .command('observations')
    .description('Import figures (số liệu) from CSV or xlsx: every row checked first and bad lines reported by number; then written in batches, nothing twice')
    .argument('<file>', 'a .csv (UTF-8) or .xlsx file; first row: indicator, area, period, value [, at_least, approximate, note, residential_area]')
    .option('--agency <code>', 'the agency whose subgraph receives them (default: the one that reports the indicators)')
    .option('--dry-run', 'check every row and say what would be written; write nothing')
    .option('--sheet <name>', 'the sheet of an xlsx file (default the first)')
    .option('--batch-size <n>', 'rows per request (1–25)', '25')
    .addHelpText(
      'after',
      `
Checks, before anything is written: a known indicator, an area code of the register that stood in
the row's period (old codes are fine for the periods they existed), a period that parses, a value
that fits the indicator's unit, no row twice. A figure already in the graph (same indicator, area
and period) is not written again, so the same file can be imported twice.

The columns may be named in Vietnamese too (chỉ tiêu, mã địa bàn, kỳ báo cáo, giá trị, ghi chú),
and periods written as officers write them: Tháng 7/2025 or 07/2025, Quý 3/2025, Năm 2025.

What Excel made of typed cells is read as it was typed: a period made a date (07/2025) as the
month or year the cell shows; an area code made a number (00031 kept as 31) as the one code among
31, 031 and 00031 the register knows, refused when there are several (format the column as
Text); a percentage in a percentage cell (87.5 %, kept as 0.875) as shown, for an indicator
counted in percent. A CSV separated by semicolons, as Excel saves one on Vietnamese settings,
writes decimals with a comma (87,5); a CSV must be UTF-8 ("CSV UTF-8" in Excel's Save as).

Example:
  npx antq import observations police-2025.xlsx --agency police --dry-run`,
    )
    .action(action<ImportOptions>(([file], options) => runImport(file!, options)));
}
