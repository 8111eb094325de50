// ESLint flat config: typescript-eslint's recommended rules plus the repository's import boundaries.
// Formatting is Prettier's job (prettier.config.js); nothing here is about layout.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Files that only run in tests, scripts, benchmarks or builds: they may use devDependencies. */
const devOnlyFiles = [
  '**/test/**',
  '**/*.test.ts',
  '**/*.e2e.ts',
  '**/*.bench.ts',
  '**/*.bench.mjs',
  '**/bench/**',
  '**/scripts/**',
  '**/*.config.ts',
  'vitest.shared.ts',
  'eslint.config.js',
  'prettier.config.js',
];

const rootDir = import.meta.dirname;

/** Every workspace folder of the root package.json (`dir/*` patterns and plain folders), relative to the root. */
function workspaceDirs() {
  const { workspaces } = JSON.parse(readFileSync(`${rootDir}/package.json`, 'utf8'));
  return workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return readdirSync(`${rootDir}/${parent}`, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(`${rootDir}/${parent}/${entry.name}/package.json`))
      .map((entry) => `${parent}/${entry.name}`);
  });
}

/**
 * No extraneous dependencies, per workspace: an import must be declared in the workspace's own
 * package.json. The root's devDependencies (vitest, tsx, typescript) count for dev-only files.
 */
function dependencyRules(files, workspace, whitelist = []) {
  return {
    files: [files],
    rules: {
      'import-x/no-extraneous-dependencies': ['error', { devDependencies: devOnlyFiles, includeTypes: true, packageDir: [`${rootDir}/${workspace}`, rootDir], whitelist }],
    },
  };
}

export default defineConfig(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/coverage/**',
      '**/.turbo/**',
      '**/.data/**',
      // Generated: scripts/build-area-registry.mjs, gql.tada and graphql-codegen (scripts/resolver-types.ts) write these.
      'packages/sdk/src/areas/registry-data.ts',
      '**/src/generated/**',
      'packages/client/src/graphql-env.d.ts',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          conditionNames: ['@antq/source', 'types', 'import', 'node', 'default'],
          project: 'tsconfig.base.json',
        }),
      ],
    },
    rules: {
      // Import boundaries: a workspace is reached through its package name and its exports map only.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@antq/*/src', '@antq/*/src/**'], message: 'Import the package by its name; its exports map is the public surface.' },
            { group: ['@antq/*/dist', '@antq/*/dist/**'], message: 'Import the package by its name; its exports map picks the build.' },
          ],
        },
      ],
      'import-x/no-relative-packages': 'error',
      'import-x/no-extraneous-dependencies': ['error', { devDependencies: devOnlyFiles, includeTypes: true, packageDir: rootDir }],
      'import-x/no-self-import': 'error',
      // The codebase names intentionally unused bindings with a leading underscore (rest siblings, skipped parameters).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // Browser-safe packages: no Node built-ins in their sources (tests run on Node and may use them).
    files: ['packages/sdk/src/**/*.ts', 'packages/client/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'import-x/no-nodejs-modules': 'error' },
  },
  ...workspaceDirs().map((workspace) => dependencyRules(`${workspace}/**/*.{ts,mts,js,mjs}`, workspace)),
  // An example's package.json lists only what a partner installs from the public registry
  // (test/installable.test.ts copies the folder out and installs it); its tests run in the monorepo.
  dependencyRules('examples/partner-subscriber/test/**/*.ts', 'examples/partner-subscriber', ['@antq/sdk', '@antq/testing', '@antq/embedded']),
  {
    // A runtime file read that leaves the workspace breaks a service's dist outside the monorepo
    // (issue 12: schemas travel with their service). A warning until the schema work removes the
    // last ones; then make it an error. Tests, scripts and benchmarks may read repository files.
    files: ['packages/*/src/**/*.ts', 'services/*/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          // From src/ (or dist/), one '../' is the package's own root; two or more leave it.
          selector: "NewExpression[callee.name='URL'] > Literal[value=/^(\\.\\.\\/){2,}(schema|packages|services|bench|examples)\\//]",
          message: 'Read files of the own workspace only: ship the file with the package.',
        },
      ],
    },
  },
  {
    // Tests read GraphQL answers as loosely typed JSON and index into them; a cast per access says nothing more.
    files: ['**/test/**', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The benchmark's monolith and Apollo subgraphs reach kit and police internals on purpose, in
    // this one file (see its header); nothing else may.
    files: ['bench/src/agency-internals.ts'],
    rules: { 'import-x/no-relative-packages': 'off' },
  },
  {
    // The whole-repo test configuration lives at the root and every workspace's vitest config extends it.
    files: ['**/vitest.config.ts'],
    rules: { 'import-x/no-relative-packages': 'off' },
  },
);
