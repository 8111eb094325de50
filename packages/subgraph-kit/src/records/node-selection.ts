import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/** What a connection resolver reads of its `info`: the fields asked for and the document's fragments. */
export type SelectionInfo = Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>;

/**
 * The names of the fields asked for on the `nodes` of a connection (through inline fragments and
 * fragment spreads), or undefined when `info` does not say. A list reads from its table only
 * what its nodes need: a page of names and statuses need not carry every record's `details`.
 */
export function nodeFieldNames(info: SelectionInfo | undefined): ReadonlySet<string> | undefined {
  if (!info?.fieldNodes) return undefined;
  const names = new Set<string>();
  const fragments = info.fragments ?? {};
  const visit = (selectionSet: SelectionSetNode | undefined, into: (name: string, selectionSet: SelectionSetNode | undefined) => void, seen: Set<string>): void => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === 'Field') into(selection.name.value, selection.selectionSet);
      else if (selection.kind === 'InlineFragment') visit(selection.selectionSet, into, seen);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments[selection.name.value];
        if (!fragment)
          names.add('…'); // an unknown fragment: take it as asking for everything
        else visit(fragment.selectionSet, into, seen);
      }
    }
  };
  for (const fieldNode of info.fieldNodes) {
    visit(
      fieldNode.selectionSet,
      (name, selectionSet) => {
        if (name === 'nodes') visit(selectionSet, (field) => names.add(field), new Set());
      },
      new Set(),
    );
  }
  return names;
}
