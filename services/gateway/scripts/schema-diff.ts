// npm run schema:diff [-- <git ref>] — what changed in the supergraph's API schema since <ref>.
//
// Compares schema/supergraph.graphql in the working tree with the same file at a git ref
// (default HEAD~1, the previous commit) with graphql-inspector, after reducing both supergraphs
// to the API schema clients see (join__/link__ machinery and @inaccessible elements removed).
// Prints the changes grouped by criticality and exits 1 on breaking changes, unless
// ANTQ_ALLOW_BREAKING=1. When the ref or the file at that ref does not exist (a shallow clone,
// the first commit), it says so and exits 0: there is nothing to compare with.
//
// Options: --ref <ref> (or a positional ref; also ANTQ_SCHEMA_DIFF_BASE), --file <path in the repo>.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { transformSupergraphToPublicSchema } from '@theguild/federation-composition';
import { buildASTSchema, parse, type GraphQLSchema } from 'graphql';

const git = promisify(execFile);

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    ref: { type: 'string' },
    file: { type: 'string', default: 'schema/supergraph.graphql' },
  },
});
const ref = values.ref ?? positionals[0] ?? (process.env.ANTQ_SCHEMA_DIFF_BASE || 'HEAD~1');
const file = values.file;
const allowBreaking = process.env.ANTQ_ALLOW_BREAKING === '1';

function skip(reason: string): never {
  console.log(`schema-diff: ${reason} — nothing to compare with; skipping.`);
  process.exit(0);
}

/** The API schema of a supergraph: what clients of the gateway can query. */
function apiSchema(supergraphSdl: string, where: string): GraphQLSchema {
  try {
    return buildASTSchema(transformSupergraphToPublicSchema(parse(supergraphSdl)), { assumeValidSDL: true });
  } catch (error) {
    console.error(`schema-diff: ${where} is not a valid supergraph: ${(error as Error).message}`);
    process.exit(2);
  }
}

const root = await git('git', ['rev-parse', '--show-toplevel']).then(
  (done) => done.stdout.trim(),
  (error: { stderr?: string; message: string }) => skip(`no git work tree here (${(error.stderr || error.message).trim().split('\n')[0]})`),
);
const commit = await git('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: root }).then(
  (done) => done.stdout.trim(),
  () => skip(`git ref "${ref}" does not exist here (a shallow clone or the first commit? fetch more history with \`git fetch --deepen=1\`)`),
);
const before = await git('git', ['show', `${commit}:${file}`], { cwd: root, maxBuffer: 64 * 1024 * 1024 }).then(
  (done) => done.stdout,
  () => skip(`${file} does not exist at ${ref} (${commit.slice(0, 12)})`),
);
const after = await readFile(join(root, file), 'utf8').catch((error: unknown) => {
  console.error(`schema-diff: cannot read ${file}: ${(error as Error).message}. Run \`npm run compose\` first.`);
  process.exit(2);
});

const changes = await diff(apiSchema(before, `${file} at ${ref}`), apiSchema(after, `${file} in the working tree`));

const groups: readonly { level: CriticalityLevel; title: string }[] = [
  { level: CriticalityLevel.Breaking, title: 'Breaking — existing operations can fail' },
  { level: CriticalityLevel.Dangerous, title: 'Dangerous — existing operations may behave differently' },
  { level: CriticalityLevel.NonBreaking, title: 'Non-breaking' },
];

console.log(`schema-diff: ${file} (API schema), ${ref} (${commit.slice(0, 12)}) → working tree`);
if (changes.length === 0) {
  console.log('No changes.');
  process.exit(0);
}
const byLevel = (level: CriticalityLevel): Change[] => changes.filter((change) => change.criticality.level === level);
for (const group of groups) {
  const found = byLevel(group.level);
  if (found.length === 0) continue;
  console.log(`\n${group.title} (${found.length}):`);
  for (const change of found) {
    const reason = change.criticality.reason ? `\n      ${change.criticality.reason}` : '';
    console.log(`  - ${change.message}${change.path ? ` [${change.path}]` : ''}${reason}`);
  }
}
const breaking = byLevel(CriticalityLevel.Breaking).length;
const summary = groups.map((group) => `${byLevel(group.level).length} ${group.level.toLowerCase().replace('_', '-')}`).join(', ');
console.log(`\n${summary}.`);
if (breaking > 0) {
  if (allowBreaking) {
    console.log('Breaking changes allowed by ANTQ_ALLOW_BREAKING=1.');
  } else {
    console.error(
      `schema-diff: ${breaking} breaking change${breaking === 1 ? '' : 's'} against ${ref}. Keep the old fields (deprecate them first), or set ANTQ_ALLOW_BREAKING=1 when the break is agreed with the graph's clients.`,
    );
    process.exit(1);
  }
}
