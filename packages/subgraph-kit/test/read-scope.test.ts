import { mergeResolvers } from '@graphql-tools/merge';
import { GraphQLScalarType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { READ_SCOPE_MAX_LENGTH, createReadScope, formatReadScope, markingWrites, parseReadScope, readingEverything, type ReadScope } from '../src/records/read-scope.js';

const read = (scope: ReadScope) => formatReadScope(scope.value());

describe('a request read scope', () => {
  it('collects the areas read per kind of record, and every area once a list was national', () => {
    const scope = createReadScope();
    scope.noteAreas('security_model', ['28177', '28183']);
    scope.noteRecords('security_model', [{ areaCode: '80' }]);
    scope.noteAreas('observation', ['28177']);
    scope.noteAreas('observation', '*');
    expect(read(scope)).toBe('security_model=28177,28183,80;observation=*');
  });

  it('reads every area of a kind when an id has no record: one may be created under it', () => {
    const scope = createReadScope();
    scope.noteRecords('volunteer_force', [{ areaCode: '28177' }, undefined]);
    expect(read(scope)).toBe('volunteer_force=*');
  });

  it('says everything once anything was read outside the loaders, whatever is noted after', () => {
    const scope = createReadScope();
    scope.noteAreas('security_model', ['28177']);
    scope.noteEverything();
    scope.noteAreas('observation', ['28177']);
    expect(read(scope)).toBe('*');
  });

  it('stays within its length by saying every area for its longest lists, longest first', () => {
    // Three provinces' lineages: about 1,300 codes of each kind a page lists, over 16 KiB in all.
    const codes = (from: number, count: number) => Array.from({ length: count }, (_, index) => String(from + index));
    const scope = createReadScope();
    scope.noteAreas('security_model', codes(20_000, 1_300));
    scope.noteAreas('volunteer_force', codes(30_000, 1_250));
    scope.noteAreas('observation', codes(40_000, 10));
    const text = read(scope);
    expect(text.length).toBeLessThanOrEqual(READ_SCOPE_MAX_LENGTH);
    const parsed = parseReadScope(text) as ReadonlyMap<string, '*' | ReadonlySet<string>>;
    expect(parsed.get('security_model')).toBe('*');
    // One kind widened is enough here; the short lists keep their codes.
    expect(parsed.get('volunteer_force')).toEqual(new Set(codes(30_000, 1_250)));
    expect(parsed.get('observation')).toEqual(new Set(codes(40_000, 10)));
    expect(formatReadScope(scope.value(), 20)).toBe('security_model=*;volunteer_force=*;observation=*');
    expect(formatReadScope(parseReadScope('security_model=28177,80'), 23)).toBe('security_model=28177,80');
    expect(formatReadScope(parseReadScope('security_model=28177,80'), 22)).toBe('security_model=*');
  });

  it('parses its header back, and a missing or malformed header as everything', () => {
    const value = parseReadScope('security_model=28177,80;observation=*');
    expect(value).not.toBe('*');
    expect(formatReadScope(value)).toBe('security_model=28177,80;observation=*');
    expect(parseReadScope('')).toEqual(new Map());
    expect(parseReadScope(null)).toBe('*');
    expect(parseReadScope('security_model')).toBe('*');
  });
});

describe('resolvers that read outside the loaders', () => {
  const context = () => ({ reads: createReadScope() });
  const merged = () =>
    mergeResolvers([
      { Query: { shared: () => 'shared' }, Mutation: { write: () => 'written' } },
      readingEverything({
        Query: { own: (_: unknown, __: unknown, ctx: { reads: ReadScope }) => read(ctx.reads) },
        Own: { __resolveReference: () => ({ id: '1' }), stream: { subscribe: () => 'stream' } },
        Date: new GraphQLScalarType({ name: 'Date' }),
      }),
    ]) as Record<string, Record<string, unknown>>;

  it('mark their request as having read everything: fields, references and subscriptions, in merged maps', () => {
    const resolvers = markingWrites(merged());
    const fields = resolvers as Record<string, Record<string, (...args: unknown[]) => unknown>>;
    const own = context();
    expect(fields.Query!.own!(undefined, {}, own)).toBe('*');
    const reference = context();
    fields.Own!.__resolveReference!({ id: '1' }, reference);
    expect(read(reference.reads)).toBe('*');
    const subscribed = context();
    (resolvers.Own!.stream as { subscribe: (...args: unknown[]) => unknown }).subscribe(undefined, {}, subscribed);
    expect(read(subscribed.reads)).toBe('*');
    expect(resolvers.Date).toBeInstanceOf(GraphQLScalarType);
  });

  it('leave the shared resolvers to note their own scopes, and mark every mutation as a write', () => {
    const fields = markingWrites(merged()) as Record<string, Record<string, (...args: unknown[]) => unknown>>;
    const shared = context();
    expect(fields.Query!.shared!(undefined, {}, shared)).toBe('shared');
    expect(read(shared.reads)).toBe('');
    expect(shared.reads.wrote).toBe(false);
    const written = context();
    expect(fields.Mutation!.write!(undefined, {}, written)).toBe('written');
    expect(written.reads.wrote).toBe(true);
  });
});
