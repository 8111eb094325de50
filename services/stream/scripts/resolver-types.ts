import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildPlatformContract } from '@antq/subgraph-kit';
import { renderResolverTypes } from '@antq/testing/resolver-types';

/**
 * The stream's resolver types, generated from its contract (schema/stream.graphql and the
 * registry's Agency enum). Run `npm run generate:types -w @antq/stream` after changing the contract;
 * a test keeps the file current.
 */

export const RESOLVER_TYPES_FILE = new URL('../src/generated/resolver-types.ts', import.meta.url);

export async function renderStreamResolverTypes(): Promise<string> {
  const sdl = buildPlatformContract(await readFile(new URL('../schema/stream.graphql', import.meta.url), 'utf8'));
  return renderResolverTypes({
    sdl,
    importFrom: '../resolver-parents.js',
    contextType: 'StreamContext',
    // No mappers: the stream builds each object in the schema's shape (toStreamEvent, toWebhookObject), which the types check.
    // The schema maps Agency values to the SDK's codes (police), as in the agency subgraphs.
    enumTypes: { Agency: 'Agency' },
    scalars: { DateTime: 'string', _FieldSet: 'string', link__Import: 'unknown', federation__FieldSet: 'string', federation__Scope: 'string', federation__Policy: 'string' },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await writeFile(RESOLVER_TYPES_FILE, await renderStreamResolverTypes());
