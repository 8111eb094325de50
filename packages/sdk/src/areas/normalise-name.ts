/**
 * Folds a Vietnamese name for matching: no diacritics or tone marks (so "Hòa" and "Hoà", two
 * tone placements both in use, match), đ → d, lower case, single spaces. "Mỹ Lộc" → "my loc".
 */
export function normaliseName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
