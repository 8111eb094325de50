import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { RESOLVER_TYPES_FILE, renderPoliceResolverTypes } from '../scripts/resolver-types.js';

describe("the police's resolver types", () => {
  it('are what its contract makes (run `npm run generate:types -w @antq/police` when this fails)', async () => {
    const built = await renderPoliceResolverTypes();
    const checkedIn = await readFile(RESOLVER_TYPES_FILE, 'utf8');
    if (built === checkedIn) return;
    const line = built.split('\n').findIndex((text, index) => text !== checkedIn.split('\n')[index]);
    expect.fail(`${RESOLVER_TYPES_FILE.pathname} is stale from line ${line + 1}: ${built.split('\n')[line] ?? '(end)'}`);
  });
});
