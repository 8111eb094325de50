import { beforeAll, describe, expect, it } from 'vitest';
import { loadAreaRegistry, type AreaRegistry } from '../areas/index.js';
import { ErrorCode } from '../errors.js';
import { validateExemplaryCommunePilotInput } from './exemplary-commune-pilot-input.js';
import { validateObservationCorrectionInput, validateObservationInput } from './observation-input.js';
import { validateSecurityModelInput } from './security-model-input.js';
import { validateVolunteerForceInput } from './volunteer-force-input.js';
import { thrownAntqError as failure } from '../testing/thrown-antq-error.js';

const randomCommune = () => String(10_000 + Math.floor(Math.random() * 89_999));

/** Tân An's criminal offences (seed 001): 13 this period. */
function offences(extra: Record<string, unknown> = {}) {
  return { indicator: 'criminal_offences', areaCode: randomCommune(), period: '2017', value: 13, ...extra };
}

describe('validateObservationInput', () => {
  it.each(['2023', '2023-Q2', '2023-05', '2023-01-15/2023-06-30', '2024-02-29/2024-02-29', '1945', '2025-Q4'])('accepts the period %s', (period) => {
    expect(validateObservationInput(offences({ period })).period).toBe(period);
  });

  it.each([
    ['2023-Q5', 'expected a period as 2023, 2023-Q2, 2023-05 or 2023-01-15/2023-06-30, got "2023-Q5"'],
    ['2023-13', 'expected a period as 2023, 2023-Q2, 2023-05 or 2023-01-15/2023-06-30, got "2023-13"'],
    ['23', 'expected a period as 2023, 2023-Q2, 2023-05 or 2023-01-15/2023-06-30, got "23"'],
    ['2023/2024', 'expected a period as 2023, 2023-Q2, 2023-05 or 2023-01-15/2023-06-30, got "2023/2024"'],
    ['1944', 'the year must be between 1945 and 2100, got "1944"'],
    ['2023-02-29/2023-03-31', 'the range start 2023-02-29 is not a real date between 1945 and 2100, got "2023-02-29/2023-03-31"'],
    ['2023-06-30/2023-01-15', 'the range ends (2023-01-15) before it starts (2023-06-30), got "2023-06-30/2023-01-15"'],
  ])('refuses the period %s', (period, message) => {
    expect(failure(() => validateObservationInput(offences({ period }))).issues).toEqual([{ path: 'period', message }]);
  });

  it('refuses a period that has not begun in Vietnam, and takes the one under way', () => {
    // Today in Vietnam as the time-zone database has it, whatever this machine's zone.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    const thisMonth = today.slice(0, 7);
    const next = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)), 1)).toISOString().slice(0, 7);
    expect(validateObservationInput(offences({ period: thisMonth })).period).toBe(thisMonth);
    expect(validateObservationInput(offences({ period: thisMonth.slice(0, 4) })).period).toBe(thisMonth.slice(0, 4));
    const issues = failure(() => validateObservationInput(offences({ period: next }))).issues;
    expect(issues).toEqual([
      {
        path: 'period',
        message: expect.stringMatching(new RegExp(`^expected a period that has begun \\(today is ${today} in Vietnam\\), got "${next}", which starts on ${next}-01$`)),
      },
    ]);
    expect(failure(() => validateObservationInput(offences({ period: '2100-Q4' }))).issues[0]?.path).toBe('period');
  });

  it('wants a value that fits the indicator’s unit', () => {
    const fraction = failure(() => validateObservationInput(offences({ value: 12.5 })));
    expect(fraction.issues).toEqual([{ path: 'value', message: 'expected a whole number (0 or more) for indicator "criminal_offences" (unit count), got 12.5' }]);
    expect(failure(() => validateObservationInput(offences({ value: -1 }))).issues[0]?.path).toBe('value');
    expect(failure(() => validateObservationInput(offences({ indicator: 'rewards_vnd', value: 2_000_000.5 }))).issues[0]?.message).toContain('whole number of VND');
    const percent = Math.round(Math.random() * 10_000) / 100;
    expect(validateObservationInput(offences({ indicator: 'safe_residential_areas_percent', value: percent })).value).toBe(percent);
    expect(failure(() => validateObservationInput(offences({ indicator: 'safe_residential_areas_percent', value: 100.1 }))).issues[0]?.message).toBe(
      'expected a percentage from 0 to 100 for indicator "safe_residential_areas_percent" (unit percent), got 100.1',
    );
    expect(validateObservationInput(offences({ indicator: 'residential_group_camera_coverage', value: 1 })).value).toBe(1);
    expect(failure(() => validateObservationInput(offences({ indicator: 'residential_group_camera_coverage', value: -0.5 }))).issues[0]?.path).toBe('value');
  });

  it('refuses values that are not finite numbers', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, '13', null]) {
      const error = failure(() => validateObservationInput(offences({ value })));
      expect(error.issues[0]?.path, String(value)).toBe('value');
    }
  });

  it('names the closest indicator when the code is unknown', () => {
    const error = failure(() => validateObservationInput(offences({ indicator: 'snatch_theft' })));
    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.issues).toEqual([{ path: 'indicator', message: 'unknown indicator "snatch_theft"; did you mean "snatch_thefts"?' }]);
  });

  it('keeps "more than" and "about", but not both', () => {
    expect(validateObservationInput(offences({ indicator: 'mass_model_participants', value: 13_000, atLeast: true })).atLeast).toBe(true);
    expect(failure(() => validateObservationInput(offences({ atLeast: true, approximate: true }))).issues[0]?.path).toBe('approximate');
  });

  it('refuses server-assigned fields', () => {
    const error = failure(() => validateObservationInput(offences({ revision: 2, reportedAt: '2023-01-01T00:00:00Z' })));
    expect(error.issues.map((i) => i.path)).toEqual(['revision', 'reportedAt']);
  });

  it('checks the area and the organisation', () => {
    const input = offences({ organisation: 'farmers_union' });
    expect(validateObservationInput(input, { agency: 'front', areas: new Set([input.areaCode]) }).organisation).toBe('farmers_union');
    expect(failure(() => validateObservationInput(input, { agency: 'police' })).issues[0]?.path).toBe('organisation');
    expect(failure(() => validateObservationInput(input, { agency: 'front', areas: new Set(['00000']) })).code).toBe(ErrorCode.UNKNOWN_AREA);
  });
});

describe('an area code during the time an input speaks of (with a registry)', () => {
  let registry: AreaRegistry;
  beforeAll(async () => {
    registry = await loadAreaRegistry();
  });
  const longHau = (period: string) => ({ indicator: 'criminal_offences', areaCode: '28168', period, value: 1 });

  it('accepts a period while the unit stood, or that it ended in, and a code that passed to another unit', () => {
    for (const period of ['2017', '2024-05', '2025', '2025-Q2', '2025-06-01/2025-07-31'])
      expect(validateObservationInput(longHau(period), { areas: registry }).period).toBe(period);
    // 23235 was Phường Tân An until 2025-07-01 and is Phường La Gi since.
    for (const period of ['2017', '2026']) expect(validateObservationInput({ ...longHau(period), areaCode: '23235' }, { areas: registry }).areaCode).toBe('23235');
  });

  it('refuses a period after the unit ended, naming the unit that took it over', () => {
    for (const period of ['2025-07', '2025-Q3', '2026']) {
      const error = failure(() => validateObservationInput(longHau(period), { areas: registry }));
      expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
      expect(error.issues).toEqual([
        {
          path: 'areaCode',
          message: `area 28168 (Xã Long Hậu) did not exist in ${period} (it stood until 2025-07-01); report that time under Xã Cần Giuộc (28159), which took it over`,
        },
      ]);
    }
    // A set of codes knows nothing of time: only the code is checked.
    expect(validateObservationInput(longHau('2026'), { areas: new Set(['28168']) }).areaCode).toBe('28168');
  });

  it('refuses a period before a unit that came into being after the register began', () => {
    // Xã Ba Chẽ (06978) stands from the register of 2025-07-01.
    expect(validateObservationInput({ ...longHau('2025-Q3'), areaCode: '06978' }, { areas: registry }).period).toBe('2025-Q3');
    expect(failure(() => validateObservationInput({ ...longHau('2024'), areaCode: '06978' }, { areas: registry })).issues).toEqual([
      { path: 'areaCode', message: 'area 06978 (Xã Ba Chẽ) did not exist in 2024 (it stood 2025-07-01 – now)' },
    ]);
  });

  it('holds for records by their dates and for yearly designations by their year', () => {
    const model = { kind: 'security_camera', name: 'Camera an ninh', status: 'active', areaCode: '28168' };
    expect(validateSecurityModelInput({ ...model, startedOn: '2020-03-01' }, { agency: 'police', areas: registry }).startedOn).toBe('2020-03-01');
    expect(validateSecurityModelInput(model, { agency: 'police', areas: registry }).areaCode).toBe('28168');
    expect(failure(() => validateSecurityModelInput({ ...model, startedOn: '2026-01-10' }, { agency: 'police', areas: registry })).issues[0]?.message).toMatch(
      /^area 28168 \(Xã Long Hậu\) did not exist on or after 2026-01-10 .*Xã Cần Giuộc \(28159\)/,
    );
    const force = { kind: 'civil_defence_team', name: 'Đội dân phòng', areaCode: '28168', units: 1, members: 10, establishedOn: '2025-08-01' };
    expect(failure(() => validateVolunteerForceInput(force, { agency: 'police', areas: registry })).issues[0]?.path).toBe('areaCode');
    const pilot = { areaCode: '28168', year: 2026, criteriaMet: 5, criteriaTotal: 5 };
    expect(failure(() => validateExemplaryCommunePilotInput(pilot, { agency: 'police', areas: registry })).issues[0]?.message).toMatch(/did not exist in 2026 /);
  });
});

describe('validateObservationCorrectionInput', () => {
  it('takes a value and a reason', () => {
    const note = `recount ${Math.random()}`;
    expect(validateObservationCorrectionInput({ value: 14, note })).toEqual({ value: 14, note });
    expect(failure(() => validateObservationCorrectionInput({ value: 14 })).issues).toEqual([{ path: 'note', message: 'expected text, got nothing' }]);
  });

  it('checks the value against the indicator being corrected', () => {
    expect(failure(() => validateObservationCorrectionInput({ value: 1.5, note: 'x' }, { indicator: 'guns_recovered' })).issues[0]?.path).toBe('value');
    expect(validateObservationCorrectionInput({ value: 1.5, note: 'x' }, { indicator: 'residential_group_camera_coverage' }).value).toBe(1.5);
    expect(failure(() => validateObservationCorrectionInput({ value: 1, note: 'x' }, { indicator: 'guns' })).code).toBe(ErrorCode.UNKNOWN_INDICATOR);
  });
});
