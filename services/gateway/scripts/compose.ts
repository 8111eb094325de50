// npm run compose — writes schema/supergraph.graphql from schema/<agency>.graphql.
import { readFile, writeFile } from 'node:fs/promises';
import { GRAPH_SUBGRAPHS, composeSupergraph, embeddedSubgraphUrl } from '../src/compose-supergraph.js';

const schemaDir = new URL('../../../schema/', import.meta.url);
const subgraphs = await Promise.all(
  GRAPH_SUBGRAPHS.map(async (name) => ({ name, url: embeddedSubgraphUrl(name), sdl: await readFile(new URL(`${name}.graphql`, schemaDir), 'utf8') })),
);
const supergraph = composeSupergraph(subgraphs);
await writeFile(new URL('supergraph.graphql', schemaDir), supergraph);
console.log(`schema/supergraph.graphql written: ${subgraphs.length} subgraphs, ${supergraph.length} characters`);
