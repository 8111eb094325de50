import { describe, expect, it } from 'vitest';
import { AntqError, ErrorCode } from '../errors.js';
import { agencyCarriesOrganisation } from './agencies.js';
import { FORCE_KINDS, getForceKind, isForceKindCode, requireForceKind, suggestForceKinds } from './force-kinds.js';

/** Every force the source articles name, as (seed file, phrase as written, force kind). */
const SEED_FORCES: readonly (readonly [seed: string, phrase: string, kind: string])[] = [
  ['000_a7ea2bf832c86f30.txt', '5 đội dân phòng', 'civil_defence_team'],
  ['002_4e89c4f139ec771b.txt', 'CLB Nhà trọ an toàn', 'club'],
  ['002_4e89c4f139ec771b.txt', 'Cựu chiến binh - cựu quân nhân xung kích phòng, chống tội phạm', 'veterans_shock_force'],
  ['003_63db35812c8a6911.txt', '480 Ban Chỉ đạo tự quản', 'self_management_steering_board'],
  ['003_63db35812c8a6911.txt', '7.588 Ban tự quản', 'self_management_board'],
  ['003_63db35812c8a6911.txt', '38.578 Tổ tự quản về ANTT', 'self_management_group'],
  ['003_63db35812c8a6911.txt', 'Tổ tuần tra Nhân dân', 'peoples_patrol_group'],
  ['003_63db35812c8a6911.txt', 'tổ liên gia phòng cháy, chữa cháy', 'fire_safety_household_group'],
  ['004_226c72acf191d1bb.txt', 'tổ hòa giải', 'mediation_group'],
  ['004_226c72acf191d1bb.txt', 'tổ an ninh tự quản', 'self_management_group'],
];

describe('force-kind catalogue', () => {
  it.each(SEED_FORCES)('%s: "%s" is force kind %s', (_seed, _phrase, kind) => {
    expect(getForceKind(kind)?.code).toBe(kind);
  });

  it('gives every kind both labels and an owner its agency carries', () => {
    for (const kind of FORCE_KINDS) {
      expect(kind.label.vi.trim(), kind.code).not.toBe('');
      expect(kind.label.en.trim(), kind.code).not.toBe('');
      expect(agencyCarriesOrganisation(kind.agency, kind.organisation), kind.code).toBe(true);
    }
  });

  it('keeps the forces that Law 30/2023/QH15 replaced, pointing at the teams that replaced them', () => {
    const team = requireForceKind('grassroots_security_team');
    expect(team.legalBasis).toContain('30/2023/QH15');
    expect(team.inForceFrom).toBe('2024-07-01');
    for (const code of ['urban_civil_guard', 'semi_professional_commune_police']) {
      expect(getForceKind(code)).toMatchObject({ replacedBy: 'grassroots_security_team', replacedOn: '2024-07-01' });
    }
    // The civil-defence teams themselves remain (only their leaders joined the new teams).
    expect(getForceKind('civil_defence_team')?.replacedBy).toBeUndefined();
  });

  it('points every replacedBy at a kind that still exists', () => {
    for (const kind of FORCE_KINDS) {
      if (!('replacedBy' in kind)) continue;
      const successor = getForceKind(kind.replacedBy);
      expect(successor, kind.code).toBeDefined();
      expect(successor && 'replacedBy' in successor ? successor.replacedBy : undefined).toBeUndefined();
    }
  });

  it('looks codes up, guards them and names close codes when one is unknown', () => {
    expect(isForceKindCode('mediation_group')).toBe(true);
    expect(isForceKindCode(`x_${Math.random().toString(36).slice(2)}`)).toBe(false);
    expect(suggestForceKinds('đội dân phòng')[0]).toBe('civil_defence_team');
    try {
      requireForceKind('mediaton_group');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AntqError);
      expect((error as AntqError).code).toBe(ErrorCode.BAD_USER_INPUT);
      expect((error as AntqError).message).toContain('"mediation_group"');
    }
  });
});
