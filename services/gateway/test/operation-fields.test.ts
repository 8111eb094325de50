import { parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { rootFields } from '../src/operation-fields.js';

// The gateway's checks of what an operation writes or follows find its root fields wherever the
// client put them: a root field in a fragment must not slip past them.

function names(source: string, variables: Record<string, unknown> = {}): string[] {
  const document = parse(source);
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === 'OperationDefinition')!;
  return rootFields(document, operation.selectionSet, variables).map((field) => field.alias?.value ?? field.name.value);
}

describe('rootFields', () => {
  it('reads fields, inline fragments and named fragments, nested', () => {
    expect(names('mutation { a: one ... on Mutation { two ...F } } fragment F on Mutation { three ... { four } }')).toEqual(['a', 'two', 'three', 'four']);
  });

  it('leaves out what @skip and @include leave out, by literal or variable', () => {
    expect(names('subscription ($no: Boolean!) { a @skip(if: true) b @include(if: $no) ... @include(if: false) { c } d @skip(if: $no) }', { no: false })).toEqual(['d']);
  });
});
