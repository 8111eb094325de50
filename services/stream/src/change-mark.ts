import type { StreamChange } from '@antq/subgraph-kit';

const marks = new WeakMap<StreamChange, string>();

/**
 * The mark a cursor keeps of the change it stands at: a 32-bit FNV-1a hash of what
 * `isSameChange` compares, in base 36. A change numbered again at the same seq after a restore
 * (another record, another moment) has another mark. Computed once per change, which every
 * reader's cursor carries.
 */
export function changeMark(change: StreamChange): string {
  let mark = marks.get(change);
  if (mark === undefined) {
    mark = fnv1a(`${change.recordKind}|${change.recordId}|${change.change}|${change.areaCode}|${change.occurredAt}`).toString(36);
    marks.set(change, mark);
  }
  return mark;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
