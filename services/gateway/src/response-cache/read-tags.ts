import { parseReadScope, type ReadScopeValue, type StreamChange } from '@antq/subgraph-kit';

/**
 * Nhãn phạm vi — an answer's read scopes as tags, and the tags a change touches:
 * `agency` (read everything of it), `agency|kind` (every area of a kind), `agency|kind|area`.
 * A change touches an answer when they share a tag: it drops that answer, and no answer whose
 * read began before the change was heard is kept if the change touches it.
 */
export type AnswerReads = Map<string, ReadScopeValue>;

/** Adds what one subgraph answer read (its read-scope header) to what the operation read of that agency. */
export function addReads(reads: AnswerReads, agency: string, header: string | null): void {
  const read = parseReadScope(header);
  const before = reads.get(agency);
  if (before === undefined || read === '*') {
    reads.set(agency, read);
    return;
  }
  if (before === '*') return;
  const kinds = new Map(before);
  for (const [kind, codes] of read) {
    const had = kinds.get(kind);
    kinds.set(kind, had === '*' || codes === '*' ? '*' : new Set([...(had ?? []), ...codes]));
  }
  reads.set(agency, kinds);
}

export function tagsOfReads(reads: AnswerReads): string[] {
  const tags: string[] = [];
  for (const [agency, read] of reads) {
    if (read === '*') {
      tags.push(agency);
      continue;
    }
    for (const [kind, codes] of read) {
      if (codes === '*') tags.push(`${agency}|${kind}`);
      else for (const code of codes) tags.push(`${agency}|${kind}|${code}`);
    }
  }
  return tags;
}

/**
 * The tags a change touches. A change of no area (a national grant) touches every area of its
 * kind: `areaWide` is then the prefix of the tags it touches.
 */
export function tagsOfChange(change: Pick<StreamChange, 'agency' | 'recordKind' | 'areaCode'>): { tags: string[]; areaWide?: string } {
  const tags = [change.agency, `${change.agency}|${change.recordKind}`];
  if (change.areaCode === '') return { tags, areaWide: `${change.agency}|${change.recordKind}|` };
  tags.push(`${change.agency}|${change.recordKind}|${change.areaCode}`);
  return { tags };
}

/** Whether any of these changes touches an answer with these tags. */
export function touchesAny(changes: readonly StreamChange[], answerTags: ReadonlySet<string>): boolean {
  for (const change of changes) {
    const { tags, areaWide } = tagsOfChange(change);
    if (tags.some((tag) => answerTags.has(tag))) return true;
    if (areaWide !== undefined) for (const tag of answerTags) if (tag.startsWith(areaWide)) return true;
  }
  return false;
}
