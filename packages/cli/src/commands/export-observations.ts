import { open, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { AGENCY_CODES, type Agency } from '@antq/sdk';
import type { Command } from 'commander';
import { usageError } from '../context/cli-error.js';
import { connect, type GlobalOptions } from '../context/connection.js';
import { checkAgencies, checkArea, checkIndicators, checkPeriod, collect } from '../context/domain-checks.js';
import { ExitCode } from '../context/exit-codes.js';
import { countObservations, fetchObservationPage, observationRow, OBSERVATION_COLUMNS, type ObservationFilter } from '../context/observation-pages.js';
import { BOM, csvLines, parseFormat, write } from '../context/output.js';
import { createProgress } from '../context/progress.js';
import { openXlsxSheet, XLSX_MAX_ROWS, type XlsxSheetWriter } from '../context/xlsx-sheet.js';
import { action } from '../context/run-action.js';

interface ExportOptions {
  readonly area?: string;
  readonly period?: string;
  readonly indicator?: string[];
  readonly agency?: string[];
  readonly format: string;
  readonly out?: string;
  readonly resume?: boolean;
  readonly bom?: boolean;
  readonly pageSize: string;
}

/** What an interrupted export left beside its file: where to go on, and how much of the file is whole. */
interface ExportState {
  readonly version: 1;
  readonly request: { filter: ObservationFilter; agencies: readonly Agency[]; format: string; bom: boolean };
  agencyIndex: number;
  after: string | null;
  rows: number;
  bytes: number;
}

const stateFile = (out: string) => `${out}.antq-export.json`;

async function readState(out: string): Promise<ExportState | undefined> {
  try {
    return JSON.parse(await readFile(stateFile(out), 'utf8')) as ExportState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Saved after each page is on disk: the file up to `bytes` holds exactly the rows before `after`. */
async function saveState(out: string, state: ExportState): Promise<void> {
  await writeFile(`${stateFile(out)}.tmp`, JSON.stringify(state));
  await rename(`${stateFile(out)}.tmp`, stateFile(out));
}

/** A page's rows as text in the export's format; the CSV header goes before the first row of a file. */
function render(rows: readonly Record<string, unknown>[], state: ExportState): string {
  if (state.request.format === 'ndjson') return rows.map((row) => JSON.stringify(row)).join('\n') + (rows.length ? '\n' : '');
  const head = state.bytes === 0;
  return (head && state.request.bom ? BOM : '') + csvLines(rows, OBSERVATION_COLUMNS, head);
}

/** Where the export starts: a new state, or the saved one of an interrupted run (checked to be the same export). */
async function startingState(options: ExportOptions, request: ExportState['request']): Promise<ExportState> {
  const fresh: ExportState = { version: 1, request, agencyIndex: 0, after: null, rows: 0, bytes: 0 };
  if (options.out === undefined) {
    if (options.resume) throw usageError('--resume needs --out <file>: an export to stdout cannot be resumed.');
    return fresh;
  }
  const saved = await readState(options.out);
  if (!options.resume) {
    if (saved)
      throw usageError(`An interrupted export of ${options.out} left ${stateFile(options.out)}: add --resume to go on from where it stopped, or delete that file to start again.`);
    return fresh;
  }
  if (!saved) throw usageError(`Nothing to resume for ${options.out} (no ${stateFile(options.out)}): the export finished, or never started. Run it without --resume.`);
  if (JSON.stringify(saved.request) !== JSON.stringify(request)) {
    throw usageError(
      `${options.out} was being exported with other options (${JSON.stringify(saved.request)}); resume it with the same --area, --period, --indicator, --agency and --format.`,
    );
  }
  return saved;
}

/**
 * Every page of the agencies' observations in turn, from an agency's cursor (where an interrupted
 * export stopped) on: each with its agency's place, the cursor after it, and whether it is that agency's last.
 */
async function* observationPages(
  client: Parameters<typeof fetchObservationPage>[0],
  request: { readonly agencies: readonly Agency[]; readonly filter: ObservationFilter; readonly first: number },
  from: { readonly agencyIndex: number; readonly after: string | null } = { agencyIndex: 0, after: null },
) {
  // A copy: the caller's resume state is `from`, and it moves on with every page.
  const start = { ...from };
  for (let agencyIndex = start.agencyIndex; agencyIndex < request.agencies.length; agencyIndex++) {
    let after = agencyIndex === start.agencyIndex ? (start.after ?? undefined) : undefined;
    for (let more = true; more;) {
      const page = await fetchObservationPage(client, { agency: request.agencies[agencyIndex]!, filter: request.filter, first: request.first, after });
      after = page.pageInfo.endCursor ?? after;
      more = page.pageInfo.hasNextPage;
      yield { agencyIndex, nodes: page.nodes, after: after ?? null, last: !more };
    }
  }
}

/**
 * An export to an xlsx file: every page into one worksheet, the file at its name once whole. It
 * is not resumed (an xlsx file ends with what its rows need); one interrupted is started again.
 */
async function runXlsxExport(options: ExportOptions & GlobalOptions, request: { agencies: readonly Agency[]; filter: ObservationFilter; pageSize: number }): Promise<ExitCode> {
  const out = options.out;
  if (out === undefined) throw usageError('--format xlsx needs --out <file.xlsx>: a workbook is a file, not text for stdout.');
  if (options.resume) throw usageError('An xlsx export is not resumed: run it again without --resume (or export to CSV, which is).');
  const { agencies, filter } = request;
  const connection = await connect(options, { role: 'analyst', ...(agencies.length === 1 ? { agency: agencies[0] } : {}) });
  const progress = createProgress({ label: 'exported', quiet: options.quiet });
  let sheet: XlsxSheetWriter | undefined;
  try {
    const total = await countObservations(connection.client, { agencies, filter });
    if (total > XLSX_MAX_ROWS) {
      throw usageError(`${total} observations match, more than an Excel sheet holds (${XLSX_MAX_ROWS}): narrow --area, --period or --indicator, or export to CSV.`);
    }
    sheet = await openXlsxSheet(out, 'observations', OBSERVATION_COLUMNS);
    let rows = 0;
    progress.update(0, total);
    for await (const page of observationPages(connection.client, { agencies, filter, first: request.pageSize })) {
      sheet.add(page.nodes.map(observationRow));
      rows += page.nodes.length;
      progress.update(rows, Math.max(total, rows));
    }
    await sheet.finish();
    sheet = undefined;
    progress.stop();
    if (!options.quiet) process.stderr.write(`antq: exported ${rows} observations to ${out}\n`);
    return ExitCode.OK;
  } finally {
    progress.stop();
    await sheet?.abandon();
    await connection.close();
  }
}

async function runExport(options: ExportOptions & GlobalOptions): Promise<ExitCode> {
  if (options.area !== undefined) await checkArea(options.area);
  if (options.period !== undefined) checkPeriod(options.period);
  const format = parseFormat(options.format, ['csv', 'ndjson', 'xlsx']);
  const pageSize = Number(options.pageSize);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 200) throw usageError(`--page-size takes 1 to 200, got "${options.pageSize}".`);
  const agencies = options.agency?.length ? checkAgencies(options.agency) : [...AGENCY_CODES];
  const filter: ObservationFilter = {
    ...(options.area ? { area: options.area } : {}),
    ...(options.period ? { period: options.period } : {}),
    ...(options.indicator?.length ? { indicators: checkIndicators(options.indicator) } : {}),
  };
  if (format === 'xlsx') return runXlsxExport(options, { agencies, filter, pageSize });
  const state = await startingState(options, { filter, agencies, format, bom: options.bom ?? false });
  const connection = await connect(options, { role: 'analyst', ...(agencies.length === 1 ? { agency: agencies[0] } : {}) });
  let file: FileHandle | undefined;
  const progress = createProgress({ label: 'exported', quiet: options.quiet });
  try {
    const total = await countObservations(connection.client, { agencies, filter });
    if (options.out !== undefined) {
      file = await open(options.out, state.bytes === 0 ? 'w' : 'r+');
      await file.truncate(state.bytes); // drops a page written after the last saved state
    }
    progress.update(state.rows, Math.max(total, state.rows));
    for await (const page of observationPages(connection.client, { agencies, filter, first: pageSize }, state)) {
      const text = render(page.nodes.map(observationRow), state);
      const bytes = Buffer.byteLength(text);
      if (file) await file.write(text, state.bytes);
      else await write(process.stdout, text);
      Object.assign(state, { agencyIndex: page.agencyIndex, after: page.after, rows: state.rows + page.nodes.length, bytes: state.bytes + bytes });
      if (file) {
        await file.sync();
        await saveState(options.out!, { ...state, ...(page.last ? { agencyIndex: page.agencyIndex + 1, after: null } : {}) });
      }
      progress.update(state.rows, Math.max(total, state.rows));
    }
    progress.stop();
    if (options.out !== undefined) await rm(stateFile(options.out), { force: true });
    if (!options.quiet) process.stderr.write(`antq: exported ${state.rows} observations${options.out ? ` to ${options.out}` : ''}\n`);
    return ExitCode.OK;
  } finally {
    progress.stop();
    await file?.close();
    await connection.close();
  }
}

export function registerExportObservations(program: Command): void {
  program
    .command('export')
    .description('Export records page by page to CSV, NDJSON or an Excel workbook')
    .command('observations')
    .description('Export observations (số liệu): every page, with a progress bar, to stdout or --out; --resume goes on after an interruption')
    .option('--area <code>', 'an area and everything under it, its pre-2025 units included (e.g. 80)')
    .option('--period <period>', 'observations whose period lies within it: 2025, 2025-Q3, 2025-07 or 2025-01-01/2025-06-30')
    .option('--indicator <code>', 'only these indicators (repeat, or a comma list)', collect)
    .option('--agency <code>', `only these agencies (repeat, or a comma list; default all: ${AGENCY_CODES.join(', ')})`, collect)
    .option('--format <format>', 'csv | ndjson | xlsx (an Excel workbook: codes kept as text, needs --out)', 'csv')
    .option('--bom', 'start the CSV with a byte-order mark, so Excel reads Vietnamese diacritics correctly')
    .option('--out <file>', 'write to a file (needed for --resume)')
    .option('--resume', 'go on with an interrupted export of --out: no row twice, none missed')
    .option('--page-size <n>', 'rows per request (1–200)', '200')
    .addHelpText(
      'after',
      `
Columns: ${OBSERVATION_COLUMNS.join(', ')} (the ones antq import observations reads).

Examples:
  npx antq export observations --area 80 --period 2025 --format csv --bom --out tay-ninh-2025.csv
  npx antq export observations --area 80 --period 2025 --format xlsx --out tay-ninh-2025.xlsx`,
    )
    .action(action<ExportOptions>((_args, options) => runExport(options)));
}
