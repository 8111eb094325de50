// npm run generate -w @antq/client [-- --check] — writes src/graphql-env.d.ts, the types of the
// gateway's API schema (schema/supergraph.graphql without the federation machinery and the
// @inaccessible fields) in gql.tada's format; --check exits 1 when the file is stale.
import { readFile, writeFile } from 'node:fs/promises';
import { outputIntrospectionFile, minifyIntrospection } from '@gql.tada/internal';
import { transformSupergraphToPublicSchema } from '@theguild/federation-composition';
import { buildASTSchema, introspectionFromSchema, parse } from 'graphql';

const supergraphFile = new URL('../../../schema/supergraph.graphql', import.meta.url);
const outputFile = new URL('../src/graphql-env.d.ts', import.meta.url);

/** The introspection types of the supergraph's API schema, as the file gql.tada reads. */
export async function renderIntrospection(): Promise<string> {
  const api = buildASTSchema(transformSupergraphToPublicSchema(parse(await readFile(supergraphFile, 'utf8'))), { assumeValidSDL: true });
  const introspection = introspectionFromSchema(api, { descriptions: false });
  const file = outputIntrospectionFile(minifyIntrospection(introspection), { fileType: '.d.ts', shouldPreprocess: true });
  // The package passes the schema to initGraphQLTada itself: no global augmentation of gql.tada
  // in the projects that install it.
  return `${file.slice(0, file.indexOf("import * as gqlTada from 'gql.tada';")).trimEnd()}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rendered = await renderIntrospection();
  if (process.argv.includes('--check')) {
    const current = await readFile(outputFile, 'utf8').catch(() => '');
    if (current !== rendered) {
      console.error('packages/client/src/graphql-env.d.ts is stale: run `npm run generate -w @antq/client`.');
      process.exit(1);
    }
    console.log('graphql-env.d.ts is up to date.');
  } else {
    await writeFile(outputFile, rendered);
    console.log(`wrote ${outputFile.pathname}`);
  }
}
