import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { RESOLVER_TYPES_FILE, renderStreamResolverTypes } from '../scripts/resolver-types.js';

describe("the stream's resolver types", () => {
  it('are what its contract makes (run `npm run generate:types -w @antq/stream` when this fails)', async () => {
    const built = await renderStreamResolverTypes();
    const checkedIn = await readFile(RESOLVER_TYPES_FILE, 'utf8');
    if (built === checkedIn) return;
    const line = built.split('\n').findIndex((text, index) => text !== checkedIn.split('\n')[index]);
    expect.fail(`${RESOLVER_TYPES_FILE.pathname} is stale from line ${line + 1}: ${built.split('\n')[line] ?? '(end)'}`);
  });
});
