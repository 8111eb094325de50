// npm run compose — writes each subgraph's SDL to schema/<subgraph>.graphql and composes schema/supergraph.graphql.
import { writeFile } from 'node:fs/promises';
import { composeSupergraph, generatedSubgraphFile } from '../src/compose-supergraph.js';
import { repositoryRoot, subgraphSourcesFromRepository } from './contracts.js';

const subgraphs = await subgraphSourcesFromRepository();
for (const subgraph of subgraphs) await writeFile(new URL(`schema/${subgraph.name}.graphql`, repositoryRoot), generatedSubgraphFile(subgraph.name, subgraph.sdl));
const supergraph = composeSupergraph(subgraphs);
await writeFile(new URL('schema/supergraph.graphql', repositoryRoot), supergraph);
console.log(`schema/: ${subgraphs.map((subgraph) => `${subgraph.name}.graphql`).join(', ')} and supergraph.graphql written (${supergraph.length} characters)`);
