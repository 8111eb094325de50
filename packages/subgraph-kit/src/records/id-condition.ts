/**
 * The condition that reads rows by id: `id = $n` for one id, `id = ANY($n::text[])` for
 * more. A lookup asks for one; on PGlite the one-element array still costs its encoding and an
 * array scan, about half again the statement's time (0.13 against 0.20 ms of CPU by primary key).
 */
export function idCondition(ids: readonly string[], placeholder: number): { readonly sql: string; readonly param: unknown } {
  return ids.length === 1 ? { sql: `id = $${placeholder}`, param: ids[0] } : { sql: `id = ANY($${placeholder}::text[])`, param: ids };
}
