import { AntqError, ErrorCode } from '../errors.js';
import type { Label } from '../domain/types.js';

/** What every catalogue entry has: a stable code and a label. */
interface CatalogueEntry {
  readonly code: string;
  readonly label: Label;
}

/** Look-ups over one catalogue. Internal: each catalogue file exports named wrappers. */
export interface CatalogueLookup<E extends CatalogueEntry, C extends string> {
  /** Every code, in catalogue order. */
  readonly codes: readonly C[];
  get(code: string): E | undefined;
  is(value: unknown): value is C;
  /** Throws `AntqError` (BAD_USER_INPUT unless told otherwise) naming the closest codes. */
  require(code: string): E;
  /** Up to three codes close to `query` (by code, Vietnamese or English label), best first. */
  suggest(query: string): readonly C[];
}

/**
 * Folds a text for matching: lower case, Vietnamese diacritics removed (đ → d), anything that
 * is not a letter or digit turned into one `_`. "Camera an ninh" → `camera_an_ninh`.
 */
export function foldForMatching(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Edit distance, with a cut-off above which the exact value no longer matters. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/** A score from 0 (same) to 1 (unrelated) between a folded query and a folded key. */
function distanceScore(query: string, key: string): number {
  if (query === key) return 0;
  if (query.length >= 4 && key.length >= 4 && (key.includes(query) || query.includes(key))) return 0.2;
  const longest = Math.max(query.length, key.length);
  const max = Math.ceil(longest * 0.45);
  const distance = editDistance(query, key, max);
  return distance > max ? 1 : distance / longest;
}

/** Words shared by query and key, as a score: 0.3 when every word of the query is in the key. */
function wordScore(query: string, key: string): number {
  const queryWords = query.split('_').filter((w) => w.length >= 3);
  if (queryWords.length === 0) return 1;
  const keyWords = new Set(key.split('_'));
  const shared = queryWords.filter((w) => keyWords.has(w)).length;
  return shared === queryWords.length ? 0.3 : shared > 0 ? 0.5 - 0.15 * (shared / queryWords.length) : 1;
}

/** Builds the look-ups of one catalogue; `noun` names an entry in messages ("model kind"). */
export function createCatalogueLookup<E extends CatalogueEntry, C extends string = E['code'] & string>(
  noun: string,
  entries: readonly E[],
  options: { errorCode?: ErrorCode } = {},
): CatalogueLookup<E, C> {
  const byCode = new Map<string, E>();
  for (const entry of entries) byCode.set(entry.code, entry);
  const keys = entries.map((entry) => ({
    code: entry.code as C,
    keys: [foldForMatching(entry.code), foldForMatching(entry.label.vi), foldForMatching(entry.label.en)],
  }));
  const codes = entries.map((entry) => entry.code as C);

  const suggest = (query: string): readonly C[] => {
    const folded = foldForMatching(query);
    if (folded === '') return [];
    const scored = keys
      .map(({ code, keys: entryKeys }) => ({
        code,
        score: Math.min(...entryKeys.map((key) => Math.min(distanceScore(folded, key), wordScore(folded, key)))),
      }))
      .filter(({ score }) => score <= 0.45)
      .sort((a, b) => a.score - b.score || codes.indexOf(a.code) - codes.indexOf(b.code));
    // Keep only the matches about as good as the best one.
    const best = scored[0]?.score ?? 0;
    return scored
      .filter(({ score }) => score <= best + 0.15)
      .slice(0, 3)
      .map(({ code }) => code);
  };

  return {
    codes,
    get: (code) => byCode.get(code),
    is: (value): value is C => typeof value === 'string' && byCode.has(value),
    suggest,
    require(code) {
      const entry = byCode.get(code);
      if (entry !== undefined) return entry;
      const suggestions = suggest(code);
      const message = unknownCodeMessage(noun, code, suggestions);
      throw new AntqError(options.errorCode ?? ErrorCode.BAD_USER_INPUT, message[0]!.toUpperCase() + message.slice(1), {
        details: { catalogue: noun, value: code, suggestions },
      });
    },
  };
}

/** `unknown model kind "camra"; did you mean "security_camera"?` */
export function unknownCodeMessage(noun: string, code: unknown, suggestions: readonly string[]): string {
  const shown = typeof code === 'string' ? JSON.stringify(code.length > 60 ? `${code.slice(0, 57)}…` : code) : String(code);
  const hint = suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : `; see the ${noun} catalogue for the codes`;
  return `unknown ${noun} ${shown}${hint}`;
}
