import { describe, expect, it } from 'vitest';
import { NATIONAL_JURISDICTION, jurisdictionCovers } from './national-jurisdiction.js';
import { parseCallerClaims } from './parse-caller-claims.js';

describe('jurisdictionCovers', () => {
  const province = String(10 + Math.floor(Math.random() * 89));
  const commune = `${province}${String(100 + Math.floor(Math.random() * 899))}`;
  const isWithin = (code: string, ancestor: string) => code.startsWith(ancestor) && code !== ancestor;

  it('gives the whole country, national grants included, only to "VN"', () => {
    expect(jurisdictionCovers(NATIONAL_JURISDICTION, commune, isWithin)).toBe(true);
    expect(jurisdictionCovers(NATIONAL_JURISDICTION, null, isWithin)).toBe(true);
    expect(jurisdictionCovers(province, null, isWithin)).toBe(false);
  });

  it('gives nothing to a missing jurisdiction', () => {
    for (const missing of [undefined, null, '']) {
      expect(jurisdictionCovers(missing, commune, isWithin)).toBe(false);
      expect(jurisdictionCovers(missing, null, isWithin)).toBe(false);
    }
  });

  it('covers an area and its subtree, nothing beside it', () => {
    expect(jurisdictionCovers(province, province, isWithin)).toBe(true);
    expect(jurisdictionCovers(province, commune, isWithin)).toBe(true);
    expect(jurisdictionCovers(commune, province, isWithin)).toBe(false);
  });
});

describe('parseCallerClaims', () => {
  it('reads the national jurisdiction as it is, and a missing one as none', () => {
    const now = Date.now();
    const exp = Math.floor(now / 1000) + 60;
    const national = parseCallerClaims({ sub: 's', agency: 'youth', jurisdiction: NATIONAL_JURISDICTION, exp }, { now });
    const unbound = parseCallerClaims({ sub: 's', agency: 'youth', exp }, { now });
    expect(national.ok && national.caller.jurisdiction).toBe('VN');
    expect(unbound.ok && unbound.caller.jurisdiction).toBeUndefined();
    expect(unbound.ok && unbound.caller.organisation).toBe('youth_union');
  });
});
