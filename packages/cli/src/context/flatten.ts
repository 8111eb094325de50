import type { Row } from './output.js';

/**
 * The rule for CSV and table output of `antq query`: the rows are the elements of the first list
 * in the answer (depth first, in the order of the fields asked for); each row's nested objects
 * become columns named by their path (`area.code`), lists of scalars are joined with ";" and lists
 * of objects are written as JSON. An answer without a list is one row.
 */
export function rowsOfAnswer(data: unknown): Row[] {
  const list = firstList(data);
  if (list === undefined) return data && typeof data === 'object' ? [flattenObject(data as Record<string, unknown>)] : [];
  return list.map((item) => (item && typeof item === 'object' && !Array.isArray(item) ? flattenObject(item as Record<string, unknown>) : { value: item }));
}

function firstList(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) {
      const found = firstList(child);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Nested objects to dotted columns; lists stay values (see cellText). */
export function flattenObject(object: Record<string, unknown>, prefix = '', into: Row = {}): Row {
  for (const [key, value] of Object.entries(object)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object' && !Array.isArray(value)) flattenObject(value as Record<string, unknown>, name, into);
    else into[name] = value;
  }
  return into;
}
