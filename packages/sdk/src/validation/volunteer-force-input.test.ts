import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.js';
import { validateVolunteerForceInput, validateVolunteerForcePatch } from './volunteer-force-input.js';
import { thrownAntqError as failure } from '../testing/thrown-antq-error.js';

const randomCommune = () => String(10_000 + Math.floor(Math.random() * 89_999));

/** Mỹ Lộc's civil-defence teams (seed 000): 5 teams, 52 members, 10,000,000 VND per team per month. */
function civilDefence() {
  return {
    kind: 'civil_defence_team',
    name: `Đội dân phòng ${Math.random().toString(36).slice(2, 6)}`,
    areaCode: randomCommune(),
    units: 5,
    members: 52,
    funding: [{ amountVnd: 10_000_000, source: 'police', recurrence: 'monthly', per: 'team' }],
    equipment: [
      { kind: 'base', quantity: 5 },
      { kind: 'support_tool', quantity: 20, approximate: true },
    ],
  } as const;
}

describe('validateVolunteerForceInput', () => {
  it('returns a good input as it was given', () => {
    const input = civilDefence();
    expect(validateVolunteerForceInput(input, { agency: 'police' })).toEqual(input);
  });

  it('accepts the Nghệ An self-management boards on the Front subgraph', () => {
    const boards = { kind: 'self_management_board', name: 'Ban tự quản', areaCode: '40', units: 7588, legalBasis: 'QĐ 57/QĐ-UBND' };
    expect(validateVolunteerForceInput(boards, { agency: 'front', areas: new Set(['40']) }).units).toBe(7588);
  });

  it('refuses fewer members than units, no units and fractional counts', () => {
    expect(failure(() => validateVolunteerForceInput({ ...civilDefence(), members: 4 })).issues).toEqual([
      { path: 'members', message: 'expected at least 5 (one member per unit), got 4' },
    ]);
    const error = failure(() => validateVolunteerForceInput({ ...civilDefence(), units: 0, members: 2.5 }));
    expect(error.issues).toEqual([
      { path: 'units', message: 'expected a whole number (1 or more), got 0' },
      { path: 'members', message: 'expected a whole number (0 or more), got 2.5' },
    ]);
  });

  it('names the closest force kind and refuses unknown resource kinds', () => {
    const error = failure(() => validateVolunteerForceInput({ ...civilDefence(), kind: 'civil_defense_team', equipment: [{ kind: 'cameras', quantity: 1 }] }));
    expect(error.issues[0]).toEqual({ path: 'kind', message: 'unknown force kind "civil_defense_team"; did you mean "civil_defence_team"?' });
    expect(error.issues[1]?.path).toBe('equipment.0.kind');
    expect(error.issues[1]?.message).toContain('unknown resource kind "cameras"; did you mean "camera"?');
  });

  it('refuses the forces replaced by Law 30/2023/QH15 after 2024-07-01, and its teams before', () => {
    const late = failure(() => validateVolunteerForceInput({ ...civilDefence(), kind: 'urban_civil_guard', establishedOn: '2024-07-01' }));
    expect(late.issues).toEqual([
      {
        path: 'kind',
        message: '"urban_civil_guard" was replaced by "grassroots_security_team" on 2024-07-01; a force established on 2024-07-01 should use that kind',
      },
    ]);
    expect(validateVolunteerForceInput({ ...civilDefence(), kind: 'urban_civil_guard', establishedOn: '2010-03-01' }).kind).toBe('urban_civil_guard');
    const early = failure(() => validateVolunteerForceInput({ ...civilDefence(), kind: 'grassroots_security_team', establishedOn: '2024-06-30' }));
    expect(early.issues[0]?.path).toBe('establishedOn');
  });

  it('refuses an organisation the agency does not carry, and unknown areas', () => {
    const error = failure(() => validateVolunteerForceInput({ ...civilDefence(), organisation: 'police' }, { agency: 'youth' }));
    expect(error.issues[0]?.path).toBe('organisation');
    const input = civilDefence();
    const unknown = failure(() => validateVolunteerForceInput(input, { areas: new Set<string>() }));
    expect(unknown.code).toBe(ErrorCode.UNKNOWN_AREA);
    expect(unknown.details).toMatchObject({ areaCode: input.areaCode });
  });
});

describe('validateVolunteerForcePatch', () => {
  it('accepts a change of members and refuses one below the units it gives', () => {
    expect(validateVolunteerForcePatch({ members: 60 })).toEqual({ members: 60 });
    expect(failure(() => validateVolunteerForcePatch({ units: 6, members: 5 })).issues[0]?.path).toBe('members');
    expect(failure(() => validateVolunteerForcePatch({ kind: 'club' })).issues).toEqual([{ path: 'kind', message: 'unknown field "kind"; remove it or check its spelling' }]);
  });
});
