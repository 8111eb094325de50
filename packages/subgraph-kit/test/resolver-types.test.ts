import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { RESOLVER_TYPES_FILE, TEMPLATE_SDL_FILE, renderKitResolverTypes } from '../scripts/resolver-types.js';
import { forAgency } from '../src/records/agency-names.js';

function firstDifference(built: string, checkedIn: string): string {
  const want = built.split('\n');
  const have = checkedIn.split('\n');
  const line = want.findIndex((text, index) => text !== have[index]);
  return `first difference at line ${line + 1}:\n- checked in: ${have[line] ?? '(end)'}\n+ built:      ${want[line] ?? '(end)'}`;
}

describe("the kit's resolver types", () => {
  it('are what the shared contract and the agency template make (run `npm run generate:types -w @antq/subgraph-kit` when this fails)', async () => {
    const { sdl, types } = await renderKitResolverTypes();
    for (const [file, built] of [
      [TEMPLATE_SDL_FILE, sdl],
      [RESOLVER_TYPES_FILE, types],
    ] as const) {
      const checkedIn = await readFile(file, 'utf8');
      if (built !== checkedIn) expect.fail(`${file.pathname} is stale: ${firstDifference(built, checkedIn)}`);
    }
  });

  it("renames the placeholder's types, fields and resolved type names to an agency's", async () => {
    const prefix = `Z${Math.random().toString(36).slice(2, 8)}`;
    const renamed = forAgency(
      {
        Query: { templateModels: () => ({ nodes: [], totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null } }), indicators: () => [] },
        Mutation: { grantTemplateAccess: () => Promise.reject(new Error('not called')) },
        SecurityModel: { __resolveType: () => 'TemplateModel' },
        TemplateAreaView: { agency: () => 'police' },
      },
      { typePrefix: prefix, code: prefix.toLowerCase() },
    );
    expect(Object.keys(renamed).sort()).toEqual(['Mutation', 'Query', 'SecurityModel', `${prefix}AreaView`].sort());
    expect(Object.keys(renamed.Query).sort()).toEqual(['indicators', `${prefix.toLowerCase()}Models`]);
    expect(Object.keys(renamed.Mutation)).toEqual([`grant${prefix}Access`]);
    const resolveType = renamed.SecurityModel.__resolveType as () => unknown;
    expect(resolveType()).toBe(`${prefix}Model`);
  });
});
