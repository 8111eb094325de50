// Lists functions, arrow functions and methods longer than a limit (default 100 lines) in
// packages/, services/ and bench/, leaving out generated and data files: the house rule
// "no function over ~100 lines". Exits 1 when it finds one. Test files' describe bodies are groups of
// tests rather than logic: they are counted only with --tests.
// Usage: npx tsx scripts/long-functions.ts [--tests] [limit]
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const withTests = args.includes('--tests');
const limit = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 100);
const TEST_FILES = /\.(test|e2e|bench)\.ts$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'generated', '.turbo', 'coverage', '.data']);
// Data, not logic: the area registry and the example datasets.
const DATA_FILES = [/registry-data\.ts$/, /example-data\.ts$/, /-dataset\.ts$/, /\.d\.ts$/];

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) yield* sourceFiles(join(dir, entry.name));
    } else if (/\.(ts|mts)$/.test(entry.name) && !DATA_FILES.some((pattern) => pattern.test(entry.name)) && (withTests || !TEST_FILES.test(entry.name))) {
      yield join(dir, entry.name);
    }
  }
}

function nameOf(node: ts.Node): string {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name) return node.name.getText();
  if (ts.isVariableDeclaration(node.parent) || ts.isPropertyAssignment(node.parent)) return node.parent.name.getText();
  if (ts.isCallExpression(node.parent)) return `callback of ${node.parent.expression.getText().slice(0, 40)}`;
  return '(anonymous)';
}

const found: string[] = [];
for (const top of ['packages', 'services', 'bench']) {
  for (const file of sourceFiles(join(root, top))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node)) {
        const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        if (end - start + 1 > limit) found.push(`${relative(root, file)}:${start + 1}  ${nameOf(node)}  ${end - start + 1} lines`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
}
console.log(found.length === 0 ? `No function over ${limit} lines.` : found.join('\n'));
process.exitCode = found.length === 0 ? 0 : 1;
