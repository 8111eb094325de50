// npm run new-agency -- <code> --vi "<Vietnamese name>" --en "<English name>" [--organisation <code>] [--no-install]
//
// Adds an agency to the graph: registers it in the SDK's agency registry (the one list every other list
// derives from), scaffolds services/<code> (its own contract file, factory, main, example data and the
// conformance tests), plugs it into the embedded graph and the benchmark, links the workspace
// (npm install) and composes schema/. Nothing of the other agencies is edited. Run from the repository root.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AGENCIES, ORGANISATIONS } from '@antq/sdk';

/** Ports of the platform's own services; an agency never takes one. */
const PLATFORM_PORTS = new Set([4000, 4005]);
const CODE = /^[a-z][a-z0-9]*$/;

const usage = `Usage: npm run new-agency -- <code> --vi "<Vietnamese name>" --en "<English name>" [--organisation <code>] [--no-install]

  <code>                 the agency's code: lower-case letters and digits, e.g. coastguard
  --vi, --en             its names, e.g. --vi "Cảnh sát biển Việt Nam" --en "Vietnam Coast Guard"
  --organisation <code>  the organisation that stands for the agency itself (default: the agency's code)
  --no-install           do not run npm install (link the new workspace yourself)`;

function fail(message: string): never {
  console.error(`new-agency: ${message}\n\n${usage}`);
  process.exit(1);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    vi: { type: 'string' },
    en: { type: 'string' },
    organisation: { type: 'string' },
    'no-install': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const code = positionals[0] ?? fail('Name the agency: npm run new-agency -- <code> …');
if (!CODE.test(code)) fail(`"${code}" is not a code: use lower-case letters and digits, starting with a letter.`);
if (AGENCIES.some((agency) => agency.code === code)) fail(`"${code}" is already an agency of the registry.`);
const vi = values.vi ?? fail('Give its Vietnamese name: --vi "…"');
const en = values.en ?? fail('Give its English name: --en "…"');
const organisation = values.organisation ?? code;
if (!CODE.test(organisation.replaceAll('_', ''))) fail(`"${organisation}" is not an organisation code: lower-case letters, digits and _.`);
if (ORGANISATIONS.some((known) => known.code === organisation)) fail(`The organisation "${organisation}" exists already: choose another with --organisation.`);

const root = process.cwd();
if (!existsSync(join(root, 'packages/sdk/src/catalogues/agencies.ts'))) fail('Run it from the repository root.');
const service = join(root, 'services', code);
if (existsSync(service)) fail(`services/${code} exists already.`);

const prefix = code[0]!.toUpperCase() + code.slice(1);
const constant = code.toUpperCase();
const organisationConstant = organisation.toUpperCase();
let port = Math.max(...AGENCIES.map((agency) => agency.defaultPort)) + 1;
while (PLATFORM_PORTS.has(port) || AGENCIES.some((agency) => agency.defaultPort === port)) port += 1;
const quote = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/** Inserts text before the first occurrence of an anchor that follows a given marker; fails loudly when the file has moved on. */
async function insertBefore(file: string, after: string, anchor: string, text: string): Promise<void> {
  const path = join(root, file);
  const source = await readFile(path, 'utf8');
  const from = source.indexOf(after);
  const at = from < 0 ? -1 : source.indexOf(anchor, from);
  if (at < 0) fail(`${file}: could not find where to register the agency (after "${after}", before "${anchor}"); add it by hand.`);
  await writeFile(path, source.slice(0, at) + text + source.slice(at));
}

async function addDependency(file: string, name: string, version: string): Promise<void> {
  const path = join(root, file);
  const manifest = JSON.parse(await readFile(path, 'utf8')) as { dependencies?: Record<string, string> };
  manifest.dependencies = Object.fromEntries(Object.entries({ ...manifest.dependencies, [name]: version }).sort(([a], [b]) => a.localeCompare(b)));
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
}

const step = (text: string) => console.log(`• ${text}`);

step(`Registering ${code} (${en}) in the SDK's agency registry, port ${port}`);
await insertBefore('packages/sdk/src/domain/types.ts', 'export const Agency = {', '} as const;', `  /** ${vi} — ${en}. */\n  ${constant}: '${code}',\n`);
await insertBefore('packages/sdk/src/domain/types.ts', 'export const Organisation = {', '} as const;', `  /** ${vi}. */\n  ${organisationConstant}: '${organisation}',\n`);
await insertBefore(
  'packages/sdk/src/catalogues/agencies.ts',
  'const AGENCY_DETAILS',
  '};\n',
  `  ${code}: {\n    label: { vi: ${quote(vi)}, en: ${quote(en)} },\n    organisation: '${organisation}',\n    typePrefix: '${prefix}',\n    defaultPort: ${port},\n  },\n`,
);
await insertBefore(
  'packages/sdk/src/catalogues/agencies.ts',
  'export const ORGANISATIONS = [',
  '] as const satisfies',
  `  { code: '${organisation}', label: { vi: ${quote(vi)}, en: ${quote(en)} }, carriedBy: '${code}' },\n`,
);

step(`Scaffolding services/${code}`);
const files: Record<string, string> = {
  'package.json': `${JSON.stringify(
    {
      name: `@antq/${code}`,
      version: '0.1.0',
      private: true,
      description: `The ${en} subgraph of ANTQ Graph: its models, forces and indicators`,
      license: 'MIT',
      type: 'module',
      exports: { '.': { '@antq/source': './src/index.ts', default: './dist/index.js' }, './package.json': './package.json' },
      files: ['dist', 'schema'],
      scripts: { build: 'tsup', typecheck: 'tsc -p tsconfig.json', test: 'vitest run', start: 'node dist/main.js' },
      dependencies: { '@antq/sdk': '0.1.0', '@antq/subgraph-kit': '0.1.0' },
      devDependencies: { '@antq/testing': '0.0.0', tsup: '~8.5.0' },
    },
    null,
    2,
  )}\n`,
  'tsconfig.json': `{\n  "extends": "../../tsconfig.base.json",\n  "include": ["src", "test", "*.ts"]\n}\n`,
  'tsup.config.ts': `import { defineConfig } from 'tsup';\n\nexport default defineConfig({\n  entry: { index: 'src/index.ts', main: 'src/main.ts' },\n  format: ['esm'],\n  dts: false,\n  clean: true,\n  sourcemap: true,\n  target: 'node20',\n  platform: 'node',\n});\n`,
  'vitest.config.ts': `import { sharedConfig } from '../../vitest.shared.js';\nexport default sharedConfig;\n`,
  [`schema/${code}.graphql`]: `# The ${en}'s own part of its contract. It serves the shared records (models, forces, figures and grants)
# from the contract of @antq/subgraph-kit under its own names (${prefix}Model, ${code}Models, Area.${code} …).
# Its own types, and fields it adds to its records, go here, e.g.
#   extend type ${prefix}Model { vesselsInvolved: Int }
# then \`npm run compose\` writes the whole SDL to schema/${code}.graphql.
`,
  'src/index.ts': `export { create${prefix}Subgraph, ${code}TypeDefs } from './${code}-subgraph.js';\n`,
  'src/main.ts': `// Starts the ${code} subgraph from the environment: PORT, DATABASE_URL or ANTQ_DATA_DIR, ANTQ_SIGNING_KEY.
import { runAgencySubgraphMain } from '@antq/subgraph-kit';
import { create${prefix}Subgraph } from './${code}-subgraph.js';

await runAgencySubgraphMain({ agency: '${code}', start: create${prefix}Subgraph });
`,
  [`src/${code}-subgraph.ts`]: `import { readFileSync } from 'node:fs';
import { buildAgencyContract, createAgencySubgraph, type AgencySubgraph, type AgencySubgraphOptions } from '@antq/subgraph-kit';
import { load${prefix}ExampleData } from './example-data.js';

// This agency's own part of its contract, in this package; the kit adds the shared contract.
const ownTypeDefs = readFileSync(new URL('../schema/${code}.graphql', import.meta.url), 'utf8');

/** The ${code} contract as its subgraph serves it (\`npm run compose\` copies it to schema/${code}.graphql). */
export const ${code}TypeDefs = buildAgencyContract('${code}', ownTypeDefs);

/** ${vi} — starts the ${en} subgraph: its models, forces and figures. */
export function create${prefix}Subgraph(options: AgencySubgraphOptions = {}): Promise<AgencySubgraph> {
  return createAgencySubgraph({ agency: '${code}', typeDefs: ownTypeDefs, loadExampleData: load${prefix}ExampleData }, options);
}
`,
  'src/example-data.ts': `/**
 * The ${en}'s part of the example dataset: the facts of the source articles it owns, each with its
 * source. Empty until its facts are added; \`npm start\` loads what is here.
 */
import type { AgencyDataset, ExampleDataTarget } from '@antq/subgraph-kit';

export const ${code}Dataset: AgencyDataset = { agency: '${code}', models: [] };

/** Loads the ${code} example data; idempotent. The kit is imported here, so this module stays plain data. */
export async function load${prefix}ExampleData(target: ExampleDataTarget): Promise<number> {
  const { loadAgencyDataset } = await import('@antq/subgraph-kit');
  return loadAgencyDataset(target.storage, target.registry, ${code}Dataset);
}
`,
  [`test/${code}-subgraph.test.ts`]: `import { defineSubgraphConformance } from '@antq/testing';
import { create${prefix}Subgraph } from '../src/index.js';

defineSubgraphConformance({
  agency: '${code}',
  start: create${prefix}Subgraph,
  modelKind: 'grassroots_mediation',
  forceKind: 'civil_defence_team',
  indicator: 'crime_tips_received',
});
`,
};
for (const [file, text] of Object.entries(files)) {
  await mkdir(join(service, file, '..'), { recursive: true });
  await writeFile(join(service, file), text);
}

step('Plugging it into the embedded graph and the benchmark');
const factoryImport = `import { create${prefix}Subgraph } from '@antq/${code}';\n`;
await insertBefore('services/embedded/src/agency-factories.ts', 'export const AGENCY_FACTORIES', '\n};', `\n  ${code}: create${prefix}Subgraph,`);
await insertBefore('services/embedded/src/agency-factories.ts', 'import { createPoliceSubgraph }', 'import { createPoliceSubgraph }', factoryImport);
await addDependency('services/embedded/package.json', `@antq/${code}`, '0.1.0');
await insertBefore('bench/src/agencies.ts', 'SUBGRAPH_FACTORIES', '\n};', `\n  ${code}: create${prefix}Subgraph,`);
await insertBefore('bench/src/agencies.ts', 'export const AGENCY_TYPE_DEFS', ' };', `, ${code}: ${code}TypeDefs`);
await insertBefore(
  'bench/src/agencies.ts',
  'import { createPoliceSubgraph',
  'import { createPoliceSubgraph',
  `import { create${prefix}Subgraph, ${code}TypeDefs } from '@antq/${code}';\n`,
);
await addDependency('bench/package.json', `@antq/${code}`, '0.1.0');

const run = (command: string, args: string[]) => execFileSync(command, args, { cwd: root, stdio: 'inherit' });
if (!values['no-install']) {
  step('Linking the new workspace (npm install)');
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline']);
}
step('Composing schema/ (npm run compose)');
run('npm', ['run', '-s', 'compose']);

console.log(`
${en} added as "${code}" (types ${prefix}Model, ${prefix}Force …; field Area.${code}; port ${port}).
Next:
  1. Put its own types in services/${code}/schema/${code}.graphql and its facts in services/${code}/src/example-data.ts.
  2. npm run build && npm test -w @antq/${code}
  3. npm start — the graph now serves it; mint a token with: npm run -s token -- --agency ${code} --role editor --area 80`);
