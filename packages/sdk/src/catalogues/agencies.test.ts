import { describe, expect, it } from 'vitest';
import { Agency, Organisation } from '../domain/types.js';
import { AntqError, ErrorCode } from '../errors.js';
import {
  AGENCIES,
  agencyCarriesOrganisation,
  getAgency,
  getAgencyOrganisations,
  getOrganisation,
  isAgencyCode,
  isOrganisationCode,
  ORGANISATIONS,
  requireAgency,
  requireOrganisation,
} from './agencies.js';

describe('agencies and organisations', () => {
  it('lists every agency and organisation of the domain types, and no other', () => {
    expect(AGENCIES.map((a) => a.code).sort()).toEqual(Object.values(Agency).sort());
    expect(ORGANISATIONS.map((o) => o.code).sort()).toEqual(Object.values(Organisation).sort());
  });

  it('lets the Front carry its member organisations, and the veterans and youth their own', () => {
    expect(getAgencyOrganisations('front')).toEqual(['fatherland_front', 'womens_union', 'farmers_union', 'trade_union', 'elderly_association']);
    expect(getAgencyOrganisations('veterans')).toEqual(['veterans_association']);
    expect(getAgencyOrganisations('youth')).toEqual(['youth_union']);
    expect(getAgencyOrganisations('police')).toEqual(['police']);
    expect(agencyCarriesOrganisation('front', 'womens_union')).toBe(true);
    expect(agencyCarriesOrganisation('police', 'womens_union')).toBe(false);
    expect(getOrganisation('veterans_association')?.carriedBy).toBe('veterans');
  });

  it('gives each agency an own organisation that it carries', () => {
    for (const agency of AGENCIES) {
      expect(agencyCarriesOrganisation(agency.code, agency.organisation)).toBe(true);
      expect(agency.subgraph).toBe(agency.code);
    }
    expect(getAgency('front')?.label.vi).toBe('Mặt trận Tổ quốc Việt Nam');
  });

  it('guards codes and names close codes when one is unknown', () => {
    expect(isAgencyCode('youth')).toBe(true);
    expect(isAgencyCode('YOUTH')).toBe(false);
    expect(isOrganisationCode('womens_union')).toBe(true);
    expect(requireAgency('police').organisation).toBe('police');
    for (const [fn, typo, expected] of [
      [requireAgency, 'veteran', 'veterans'],
      [requireOrganisation, 'women_union', 'womens_union'],
    ] as const) {
      try {
        fn(typo);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(AntqError);
        expect((error as AntqError).code).toBe(ErrorCode.BAD_USER_INPUT);
        expect((error as AntqError).message).toContain(`"${expected}"`);
      }
    }
  });
});
