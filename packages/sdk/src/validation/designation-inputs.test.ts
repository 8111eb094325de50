/*
 * The police's yearly records of an area: complex-area designations and their transformation,
 * "safe for security and order" recognitions, exemplary-commune pilots, movement ratings, and
 * the residential areas they may point at. Each case comes from a seed article.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.js';
import { validateComplexAreaDesignationInput } from './complex-area-designation-input.js';
import { validateExemplaryCommunePilotInput } from './exemplary-commune-pilot-input.js';
import { validateMovementRatingInput } from './movement-rating-input.js';
import { toResidentialAreaId, validateResidentialAreaInput } from './residential-area-input.js';
import { validateSafetyRecognitionInput } from './safety-recognition-input.js';
import { validateTransformationResultInput } from './transformation-result-input.js';
import { thrownAntqError as failure } from '../testing/thrown-antq-error.js';

const randomCommune = () => String(10_000 + Math.floor(Math.random() * 89_999));
const randomYear = () => 2000 + Math.floor(Math.random() * 25);

describe('validateComplexAreaDesignationInput', () => {
  it('accepts Mỹ Lộc on the Ministry list (seed 000)', () => {
    const input = { areaCode: randomCommune(), list: 'ANTT', problemTypes: ['social_order', 'drugs'], year: 2017 } as const;
    expect(validateComplexAreaDesignationInput(input, { agency: 'police' })).toEqual(input);
  });

  it('wants at least one known problem type, each once, and a year in range', () => {
    const base = { areaCode: randomCommune(), list: 'TTATXH', year: 2012 };
    expect(failure(() => validateComplexAreaDesignationInput({ ...base, problemTypes: [] })).issues[0]?.path).toBe('problemTypes');
    const error = failure(() => validateComplexAreaDesignationInput({ ...base, problemTypes: ['drug', 'drugs', 'drugs'], year: 1900, list: 'antt' }));
    expect(error.issues).toEqual([
      { path: 'list', message: 'unknown complex-area list "antt"; did you mean "ANTT"? (expected one of "ANTT", "TTATXH")' },
      { path: 'problemTypes.0', message: expect.stringContaining('unknown complex-area problem type "drug"') },
      { path: 'year', message: 'expected a year from 1945 to 2100, got 1900' },
    ]);
    expect(failure(() => validateComplexAreaDesignationInput({ ...base, problemTypes: ['drugs', 'drugs'] })).issues).toEqual([
      { path: 'problemTypes.1', message: 'expected each problem type once, got "drugs" again' },
    ]);
  });
});

describe('validateTransformationResultInput', () => {
  it('accepts Tân An’s five years, "basically completed" (seed 001)', () => {
    const input = { designationId: `d-${Math.random().toString(36).slice(2)}`, year: 2017, sinceYear: 2012, outcome: 'basically_achieved' } as const;
    expect(validateTransformationResultInput(input)).toEqual(input);
  });

  it('refuses a plan that starts after the year judged, and an unknown outcome', () => {
    const error = failure(() => validateTransformationResultInput({ designationId: 'd', year: 2017, sinceYear: 2018, outcome: 'achieved' }));
    expect(error.issues).toEqual([{ path: 'sinceYear', message: 'expected a year up to 2017 (the year judged), got 2018' }]);
    expect(failure(() => validateTransformationResultInput({ designationId: 'd', year: 2017, outcome: 'done' })).issues[0]?.path).toBe('outcome');
  });
});

describe('validateSafetyRecognitionInput', () => {
  it('accepts Tân An recognised under Circular 23/2012/TT-BCA through Directive 30/CT-UBND (seed 001)', () => {
    const input = {
      areaCode: randomCommune(),
      unitKind: 'commune',
      year: 2017,
      recognised: true,
      standard: 'Thông tư 23/2012/TT-BCA',
      implementingAct: 'Chỉ thị 30/CT-UBND (2012-08-22)',
    } as const;
    expect(validateSafetyRecognitionInput(input)).toEqual(input);
  });

  it('wants a commune code for a commune, and the residential area for a residential area', () => {
    const error = failure(() => validateSafetyRecognitionInput({ areaCode: '601', unitKind: 'commune', year: 2023, recognised: 'yes', standard: '124/2021/TT-BCA' }));
    expect(error.issues).toEqual([{ path: 'recognised', message: 'expected true or false, got "yes"' }]);
    expect(failure(() => validateSafetyRecognitionInput({ areaCode: '601', unitKind: 'commune', year: 2023, recognised: true, standard: '124/2021/TT-BCA' })).issues).toEqual([
      { path: 'areaCode', message: 'expected a commune code of 5 digits (unitKind is "commune"), got "601"' },
    ]);
    const commune = randomCommune();
    const residential = { areaCode: commune, unitKind: 'residential_area', year: 2023, recognised: false, standard: '124/2021/TT-BCA' };
    expect(failure(() => validateSafetyRecognitionInput(residential)).issues[0]?.path).toBe('residentialAreaId');
    expect(validateSafetyRecognitionInput({ ...residential, residentialAreaId: `${commune}:ap-4` }).recognised).toBe(false);
  });
});

describe('validateExemplaryCommunePilotInput', () => {
  it('accepts Long Hậu’s 2023 pilot with 34 criteria (seed 002)', () => {
    const met = Math.floor(Math.random() * 35);
    const input = { areaCode: randomCommune(), year: 2023, criteriaTotal: 34, criteriaMet: met, decisionRef: '9745/QĐ-BCA-V05' };
    expect(validateExemplaryCommunePilotInput(input)).toEqual(input);
  });

  it('refuses more criteria met than there are, and an area that is not a commune', () => {
    const total = 30 + Math.floor(Math.random() * 10);
    const error = failure(() => validateExemplaryCommunePilotInput({ areaCode: randomCommune(), year: 2023, criteriaTotal: total, criteriaMet: total + 1 }));
    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.issues).toEqual([{ path: 'criteriaMet', message: `expected at most ${total} (criteriaTotal), got ${total + 1}` }]);
    expect(error.message).toContain('criteriaMet');
    expect(failure(() => validateExemplaryCommunePilotInput({ areaCode: '80', year: 2023, criteriaTotal: 34 })).issues).toEqual([
      { path: 'areaCode', message: 'expected a commune code of 5 digits, got "80"' },
    ]);
    expect(failure(() => validateExemplaryCommunePilotInput({ areaCode: randomCommune(), year: 2023, criteriaTotal: 34, focusModelIds: ['a', 'a'] })).issues[0]?.path).toBe(
      'focusModelIds.1',
    );
  });
});

describe('validateMovementRatingInput', () => {
  it('accepts Long Hậu rated excellent for 2022 (seed 002)', () => {
    const input = { areaCode: randomCommune(), year: 2022, rating: 'excellent', score: 95.5 } as const;
    expect(validateMovementRatingInput(input)).toEqual(input);
  });

  it('refuses an unknown class, with a suggestion, and a negative score', () => {
    const error = failure(() => validateMovementRatingInput({ areaCode: randomCommune(), year: randomYear(), rating: 'excelent', score: -1 }));
    expect(error.issues).toEqual([
      { path: 'rating', message: expect.stringContaining('unknown movement rating class "excelent"') },
      { path: 'score', message: 'expected a score of 0 or more, got -1' },
    ]);
  });
});

describe('a recognition or a rating for a year not begun', () => {
  // This year in Vietnam as the time-zone database has it, whatever this machine's zone.
  const thisYear = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(new Date()));
  const recognition = (year: number) => ({ areaCode: randomCommune(), unitKind: 'commune', year, recognised: true, standard: 'Thông tư 124/2021/TT-BCA' });
  const rating = (year: number) => ({ areaCode: randomCommune(), year, rating: 'good' });

  it('is refused, naming the year', () => {
    const year = `expected a year that has begun (today is ${thisYear}-`;
    expect(failure(() => validateSafetyRecognitionInput(recognition(thisYear + 1))).issues).toEqual([{ path: 'year', message: expect.stringContaining(year) }]);
    expect(failure(() => validateMovementRatingInput(rating(thisYear + 1))).issues).toEqual([
      { path: 'year', message: expect.stringMatching(new RegExp(`in Vietnam\\), got ${thisYear + 1}, which starts on ${thisYear + 1}-01-01$`)) },
    ]);
  });

  it('is taken for the year under way', () => {
    expect(validateSafetyRecognitionInput(recognition(thisYear)).year).toBe(thisYear);
    expect(validateMovementRatingInput(rating(thisYear)).year).toBe(thisYear);
  });
});

describe('validateResidentialAreaInput', () => {
  it('accepts hamlet 3 of Long Hậu (seed 002) and gives its id', () => {
    const communeCode = randomCommune();
    const input = { slug: 'ap-3', communeCode, name: 'Ấp 3', localKind: 'ap' } as const;
    expect(validateResidentialAreaInput(input, { areas: new Set([communeCode]) })).toEqual(input);
    expect(toResidentialAreaId(input)).toBe(`${communeCode}:ap-3`);
  });

  it('refuses a bad slug, an unknown local kind and an unknown commune', () => {
    const error = failure(() => validateResidentialAreaInput({ slug: 'Ấp 3', communeCode: '80', name: 'Ấp 3', localKind: 'hamlet' }));
    expect(error.issues.map((i) => i.path)).toEqual(['slug', 'communeCode', 'localKind']);
    const communeCode = randomCommune();
    const unknown = failure(() => validateResidentialAreaInput({ slug: 'to-dan-pho-gia-thanh', communeCode, name: 'Gia Thạnh', localKind: 'to_dan_pho' }, { areas: new Set() }));
    expect(unknown.code).toBe(ErrorCode.UNKNOWN_AREA);
    expect(unknown.issues).toEqual([{ path: 'communeCode', message: `unknown area code "${communeCode}"` }]);
  });
});
