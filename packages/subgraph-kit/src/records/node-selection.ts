import { isAbstractType, type GraphQLResolveInfo, type NamedTypeNode, type SelectionSetNode } from 'graphql';

/** What a connection resolver reads of its `info`: the fields asked for and the document's fragments. */
export type SelectionInfo = Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>;

/** What a connection field's selection asks for (see `connectionSelection`). */
export interface ConnectionSelection {
  /** The fields asked for on its `nodes`; undefined when `info` does not say. */
  readonly nodeFields: ReadonlySet<string> | undefined;
  /** Whether `totalCount` is asked for (true when `info` does not say): counting a long list costs more than its page. */
  readonly totalCount: boolean;
}

/**
 * What is asked of a connection (through inline fragments and fragment spreads): the fields of its
 * `nodes`, so a page of names and statuses need not carry every record's `details`, and whether
 * its `totalCount`, so a page read without it does not count every row of the list. A field under
 * `@skip` or `@include` counts as asked; a fragment the document lacks, as asking for everything.
 */
export function connectionSelection(info: SelectionInfo | undefined): ConnectionSelection {
  if (!info?.fieldNodes) return { nodeFields: undefined, totalCount: true };
  const nodeFields = new Set<string>();
  let totalCount = false;
  const fragments = info.fragments ?? {};
  const visit = (selectionSet: SelectionSetNode | undefined, into: (name: string, selectionSet: SelectionSetNode | undefined) => void, seen: Set<string>): void => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === 'Field') into(selection.name.value, selection.selectionSet);
      else if (selection.kind === 'InlineFragment') visit(selection.selectionSet, into, seen);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments[selection.name.value];
        if (fragment) visit(fragment.selectionSet, into, seen);
        else into('…', undefined);
      }
    }
  };
  for (const fieldNode of info.fieldNodes) {
    visit(
      fieldNode.selectionSet,
      (name, selectionSet) => {
        if (name === 'nodes') visit(selectionSet, (field) => nodeFields.add(field), new Set());
        else if (name === 'totalCount') totalCount = true;
        else if (name === '…') {
          // an unknown fragment: take it as asking for everything
          nodeFields.add('…');
          totalCount = true;
        }
      },
      new Set(),
    );
  }
  return { nodeFields, totalCount };
}

/**
 * The names of the fields asked for on one object of type `typeName` where `info` resolves it
 * (`_entities`, `policeModel(id:)`): its own selection, through fragments on that type or on an
 * interface or union; undefined when `info` does not say. Nested selections are not included.
 */
export function objectFieldNames(info: (SelectionInfo & Pick<GraphQLResolveInfo, 'schema'>) | undefined, typeName: string): ReadonlySet<string> | undefined {
  if (!info?.fieldNodes || !info.schema) return undefined;
  const names = new Set<string>();
  const fragments = info.fragments ?? {};
  const applies = (condition: NamedTypeNode | undefined) => {
    if (!condition || condition.name.value === typeName) return true;
    const type = info.schema.getType(condition.name.value);
    return type !== undefined && type !== null && isAbstractType(type);
  };
  const visit = (selectionSet: SelectionSetNode | undefined, seen: Set<string>): void => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === 'Field') names.add(selection.name.value);
      else if (selection.kind === 'InlineFragment') {
        if (applies(selection.typeCondition)) visit(selection.selectionSet, seen);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments[selection.name.value];
        if (!fragment) names.add('…');
        else if (applies(fragment.typeCondition)) visit(fragment.selectionSet, seen);
      }
    }
  };
  for (const fieldNode of info.fieldNodes) visit(fieldNode.selectionSet, new Set());
  return names;
}
