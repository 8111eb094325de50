import { describe, expect, it } from 'vitest';
import { AGENCIES, ORGANISATIONS } from './agencies.js';
import { foldForMatching } from './catalogue-lookup.js';
import { FORCE_KINDS } from './force-kinds.js';
import { INDICATORS } from './indicators.js';
import { MODEL_KINDS } from './model-kinds.js';

const CATALOGUES = { AGENCIES, ORGANISATIONS, MODEL_KINDS, FORCE_KINDS, INDICATORS };

describe('catalogue codes', () => {
  it.each(Object.entries(CATALOGUES))('%s has unique snake_case codes and unique labels', (_name, entries) => {
    const codes = entries.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/);
    const vi = entries.map((e) => e.label.vi);
    const en = entries.map((e) => e.label.en);
    expect(new Set(vi).size).toBe(vi.length);
    expect(new Set(en).size).toBe(en.length);
  });

  it('folds Vietnamese text for matching', () => {
    expect(foldForMatching('Tiếng kẻng bình yên')).toBe('tieng_keng_binh_yen');
    expect(foldForMatching('  Đội dân phòng! ')).toBe('doi_dan_phong');
  });
});
