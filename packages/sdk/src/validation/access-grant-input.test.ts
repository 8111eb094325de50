import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.js';
import { loadAreaRegistry } from '../areas/index.js';
import { validateAccessGrantInput } from './access-grant-input.js';
import { thrownAntqError as failure } from '../testing/thrown-antq-error.js';

const nextYear = `${new Date().getUTCFullYear() + 1}-01-01T00:00:00Z`;

describe('validateAccessGrantInput', () => {
  it('returns a good grant as it was given, a past window included (it gives no access)', () => {
    const grant = { grantee: 'front', areaCode: '80', validUntil: nextYear, note: 'Phối hợp rà soát mô hình' };
    expect(validateAccessGrantInput(grant, { agency: 'police', areas: new Set(['80']) })).toEqual(grant);
    const past = { grantee: 'front', validFrom: '2020-01-01T00:00:00Z', validUntil: '2021-01-01T00:00:00+07:00' };
    expect(validateAccessGrantInput(past, { agency: 'police' })).toEqual(past);
  });

  it('refuses a grant to the owner itself, a window that ends before it starts, and a note no store should keep', () => {
    const error = failure(() =>
      validateAccessGrantInput(
        { grantee: 'police', validFrom: '2027-01-01T00:00:00Z', validUntil: '2026-01-01T00:00:00Z', note: `a\u0007${'x'.repeat(10)}` },
        { agency: 'police' },
      ),
    );
    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.issues.map((issue) => issue.path)).toEqual(['note']);
    expect(error.issues[0]!.message).toBe('expected text without control characters, got U+0007');
    expect(failure(() => validateAccessGrantInput({ grantee: 'front', validUntil: nextYear, note: 'x'.repeat(2001) })).issues[0]!.message).toBe(
      'expected at most 2000 characters, got 2001',
    );
    expect(
      failure(() => validateAccessGrantInput({ grantee: 'police', validFrom: '2027-01-01T00:00:00Z', validUntil: '2026-01-01T00:00:00Z' }, { agency: 'police' })).issues,
    ).toEqual([
      { path: 'grantee', message: 'expected another agency than the police, which owns the data' },
      { path: 'validUntil', message: 'expected a time after 2027-01-01T00:00:00.000Z, when the grant starts' },
    ]);
    expect(failure(() => validateAccessGrantInput({ grantee: 'front', validUntil: '2020-01-01T00:00:00Z' })).issues[0]!.path).toBe('validUntil');
  });

  it('refuses a unit that has ended for a grant in force after it, naming the units that took it over', async () => {
    const areas = await loadAreaRegistry();
    // Tỉnh Tây Ninh (72) went into the new Tỉnh Tây Ninh (80) on 2025-07-01: a grant under 72 from now would cover only what was reported before.
    const error = failure(() => validateAccessGrantInput({ grantee: 'front', areaCode: '72', validUntil: nextYear }, { agency: 'police', areas }));
    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.issues).toEqual([
      {
        path: 'areaCode',
        message: expect.stringMatching(
          /^area 72 \(Tỉnh Tây Ninh\) did not exist while the grant is in force \(.*\) \(it stood until 2025-07-01\); grant access under Tỉnh Tây Ninh \(80\), which took it over$/,
        ),
      },
    ]);
    // A grant of 2024, kept as a record of what was agreed, names the unit of its time.
    const agreed = { grantee: 'front', areaCode: '72', validFrom: '2024-01-01T00:00:00Z', validUntil: '2024-12-31T00:00:00Z' };
    expect(validateAccessGrantInput(agreed, { agency: 'police', areas })).toEqual(agreed);
    expect(validateAccessGrantInput({ grantee: 'front', areaCode: '80', validUntil: nextYear }, { agency: 'police', areas })).toMatchObject({ areaCode: '80' });
    // Its days are Vietnam's: from half past midnight on 2025-07-01 there (still 30 June in UTC), 72 had ended.
    expect(failure(() => validateAccessGrantInput({ ...agreed, validFrom: '2025-07-01T00:30:00+07:00', validUntil: nextYear }, { agency: 'police', areas })).issues[0]?.path).toBe(
      'areaCode',
    );
  });

  it('refuses times that are not ISO 8601 and unknown agencies and areas', () => {
    expect(failure(() => validateAccessGrantInput({ grantee: 'front', validUntil: 'next year' })).issues[0]).toEqual({
      path: 'validUntil',
      message: 'expected an ISO 8601 date-time (2026-01-31T00:00:00Z), got "next year"',
    });
    expect(failure(() => validateAccessGrantInput({ grantee: 'coastguard', validUntil: nextYear })).issues[0]!.path).toBe('grantee');
    expect(failure(() => validateAccessGrantInput({ grantee: 'front', areaCode: '99999', validUntil: nextYear }, { areas: new Set(['80']) })).code).toBe(ErrorCode.UNKNOWN_AREA);
  });
});
