import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { graphql } from '@antq/client';
import type { Command } from 'commander';
import { usageError } from '../context/cli-error.js';
import { connect } from '../context/connection.js';
import { describeGraphQLErrors, graphQLErrorsToCliError } from '../context/explain-error.js';
import { ExitCode } from '../context/exit-codes.js';
import { rowsOfAnswer } from '../context/flatten.js';
import { FORMATS, formatRows, openOutput, parseFormat, write } from '../context/output.js';
import { action } from '../context/run-action.js';

interface QueryOptions {
  readonly var: readonly string[];
  readonly format: string;
  readonly bom?: boolean;
  readonly out?: string;
  readonly as?: string;
}

/** `--var k=v`: the value read as JSON when it is JSON (numbers, true, lists), else as a string. */
export function parseVariables(pairs: readonly string[]): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw usageError(`--var takes name=value, got "${pair}".`);
    const raw = pair.slice(at + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // not JSON: a plain string
    }
    variables[pair.slice(0, at)] = value;
  }
  return variables;
}

async function readDocument(source: string): Promise<string> {
  if (source === '-') return text(process.stdin);
  try {
    return await readFile(source, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw usageError(`No file "${source}". Give a .graphql file, or - to read the operation from stdin.`);
    throw error;
  }
}

export function registerQuery(program: Command): void {
  program
    .command('query')
    .description('Run any GraphQL operation (query or mutation) and print the answer as a table, JSON, NDJSON or CSV')
    .argument('<file>', 'a .graphql file, or - for stdin')
    .option('--var <name=value>', 'a variable (repeat); JSON values are parsed: --var first=5 --var area=\'"80"\'', (value: string, all: string[]) => [...all, value], [])
    .option('--format <format>', `${FORMATS.join(' | ')}`, 'json')
    .option('--bom', 'start CSV with a byte-order mark, so Excel reads Vietnamese diacritics correctly')
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--as <agency>', 'against npm start without a token: the agency of the minted analyst token', 'police')
    .addHelpText(
      'after',
      `
CSV and table output: the rows are the items of the first list in the answer (depth first); nested
objects become columns named by their path (area.code), lists of values are joined with ";".

Example:
  echo '{ areas(search: "can giuoc") { code fullName province { name } } }' | npx antq query - --format csv`,
    )
    .action(
      action<QueryOptions>(async ([file], options) => {
        const format = parseFormat(options.format);
        const document = await readDocument(file!);
        if (/^\s*subscription\b/m.test(document)) throw usageError('antq query runs queries and mutations; follow changes with `npx antq changes follow`.');
        let parsed;
        try {
          parsed = graphql(document as '{ __typename }');
        } catch (error) {
          throw usageError(`The operation does not parse: ${(error as Error).message}`);
        }
        const connection = await connect(options, { role: 'analyst', agency: options.as as never });
        try {
          const result = await connection.client.request(parsed, parseVariables(options.var) as never);
          if (result.data !== null) {
            const output = openOutput(options.out);
            const rendered = format === 'json' ? JSON.stringify(result.data, null, 2) + '\n' : formatRows(rowsOfAnswer(result.data), format, { bom: options.bom ?? false });
            await write(output.stream, rendered);
            await output.close();
          }
          if (result.errors.length === 0) return ExitCode.OK;
          process.stderr.write(`antq: ${describeGraphQLErrors(result.errors)}\n`);
          return result.data === null ? graphQLErrorsToCliError(result.errors).exitCode : ExitCode.FAILED;
        } finally {
          await connection.close();
        }
      }),
    );
}
