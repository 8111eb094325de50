import type { ForceKind } from '../domain/types.js';
import { createCatalogueLookup } from './catalogue-lookup.js';

const LAW_30 = 'Luật Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở số 30/2023/QH15';

/**
 * Loại lực lượng quần chúng — the kinds of volunteer and mass force. Kinds that no longer exist
 * stay listed with `replacedBy`, so records made before the change keep their meaning.
 * Codes are stable: add kinds, never rename or remove one.
 */
export const FORCE_KINDS = [
  {
    code: 'grassroots_security_team',
    label: { vi: 'Tổ bảo vệ an ninh, trật tự ở cơ sở', en: 'Grassroots security and order protection team' },
    agency: 'police',
    organisation: 'police',
    legalBasis: `${LAW_30}; Nghị định 40/2024/NĐ-CP; Thông tư 14/2024/TT-BCA`,
    inForceFrom: '2024-07-01',
    description: 'One team per hamlet or residential group (leader, deputy, members), set up by the commune chair on the police’s proposal to support the commune police.',
  },
  {
    code: 'urban_civil_guard',
    label: { vi: 'Bảo vệ dân phố', en: 'Urban civil guards' },
    agency: 'police',
    organisation: 'police',
    replacedBy: 'grassroots_security_team',
    replacedOn: '2024-07-01',
    description: 'Civil guards of urban wards; merged into the grassroots security teams under Law 30/2023/QH15.',
  },
  {
    code: 'semi_professional_commune_police',
    label: { vi: 'Công an xã bán chuyên trách', en: 'Semi-professional commune police' },
    agency: 'police',
    organisation: 'police',
    replacedBy: 'grassroots_security_team',
    replacedOn: '2024-07-01',
    description: 'Part-time commune police kept on after regular police were posted to communes; merged into the grassroots security teams under Law 30/2023/QH15.',
  },
  {
    code: 'civil_defence_team',
    label: { vi: 'Đội dân phòng', en: 'Civil-defence team' },
    agency: 'police',
    organisation: 'police',
    legalBasis: 'Luật Phòng cháy và chữa cháy',
    description:
      'A hamlet team for fire prevention and security patrols, often with its own base and equipment. Its leaders and deputies joined the grassroots security teams in 2024; the teams remain under fire-prevention law.',
  },
  {
    code: 'fire_safety_household_group',
    label: { vi: 'Tổ liên gia an toàn phòng cháy, chữa cháy', en: 'Fire-safety household group' },
    agency: 'police',
    organisation: 'police',
    legalBasis: 'Luật Phòng cháy và chữa cháy',
    description: 'Neighbouring households grouped to prevent fires and help each other fight them.',
  },
  {
    code: 'peoples_patrol_group',
    label: { vi: 'Tổ tuần tra nhân dân', en: "People's patrol group" },
    agency: 'police',
    organisation: 'police',
    description: 'Residents who patrol their area, usually under a self-management board.',
  },
  {
    code: 'self_management_steering_board',
    label: { vi: 'Ban chỉ đạo tự quản về an ninh, trật tự', en: 'Steering board for security self-management' },
    agency: 'front',
    organisation: 'fatherland_front',
    legalBasis: 'Quy chế tự quản về ANTT của UBND tỉnh (vd. Nghệ An: QĐ 57/QĐ-UBND ngày 09/6/2006)',
    description: 'Commune-level board that steers the self-management boards and groups.',
  },
  {
    code: 'self_management_board',
    label: { vi: 'Ban tự quản về an ninh, trật tự', en: 'Self-management board for security' },
    agency: 'front',
    organisation: 'fatherland_front',
    legalBasis: 'Quy chế tự quản về ANTT của UBND tỉnh (vd. Nghệ An: QĐ 57/QĐ-UBND ngày 09/6/2006)',
    description: 'A residential area’s board that organises self-management, self-defence and mediation.',
  },
  {
    code: 'self_management_group',
    label: { vi: 'Tổ tự quản về an ninh, trật tự', en: 'Self-management group for security' },
    agency: 'front',
    organisation: 'fatherland_front',
    legalBasis: 'Quy chế tự quản về ANTT của UBND tỉnh (vd. Nghệ An: QĐ 57/QĐ-UBND ngày 09/6/2006)',
    description: 'A group of neighbouring households that watch over each other’s security (tổ an ninh tự quản).',
  },
  {
    code: 'mediation_group',
    label: { vi: 'Tổ hòa giải', en: 'Mediation group' },
    agency: 'front',
    organisation: 'fatherland_front',
    legalBasis: 'Luật Hòa giải ở cơ sở số 35/2013/QH13',
    description: 'Grassroots mediators who settle disputes among residents.',
  },
  {
    code: 'veterans_shock_force',
    label: { vi: 'Tổ cựu chiến binh xung kích phòng, chống tội phạm', en: "Veterans' shock force against crime" },
    agency: 'veterans',
    organisation: 'veterans_association',
    description: 'Veterans and former soldiers organised as a shock force against crime.',
  },
  {
    code: 'youth_volunteer_team',
    label: { vi: 'Đội thanh niên tình nguyện, xung kích an ninh, trật tự', en: 'Youth volunteer team for security' },
    agency: 'youth',
    organisation: 'youth_union',
    description: 'Young volunteers who patrol, guide traffic and help keep order.',
  },
  {
    code: 'club',
    label: { vi: 'Câu lạc bộ', en: 'Club' },
    agency: 'police',
    organisation: 'police',
    description: 'A club that takes part in the movement (landlords, law awareness, digital transformation …).',
  },
  {
    code: 'other',
    label: { vi: 'Lực lượng khác', en: 'Other force' },
    agency: 'police',
    organisation: 'police',
    description: 'A force the catalogue does not list yet; describe it in the record and propose a kind.',
  },
] as const satisfies readonly ForceKind[];

/** Code of a force kind in {@link FORCE_KINDS}. */
export type ForceKindCode = (typeof FORCE_KINDS)[number]['code'];

const lookup = createCatalogueLookup<ForceKind, ForceKindCode>('force kind', FORCE_KINDS);

/** The force kind with this code, or undefined. */
export function getForceKind(code: string): ForceKind | undefined {
  return lookup.get(code);
}
/** The force kind with this code; throws `AntqError` BAD_USER_INPUT naming the closest kinds. */
export function requireForceKind(code: string): ForceKind {
  return lookup.require(code);
}
/** Whether a value is a force-kind code. */
export function isForceKindCode(value: unknown): value is ForceKindCode {
  return lookup.is(value);
}
/** Up to three force-kind codes close to a code or a Vietnamese/English name, best first. */
export function suggestForceKinds(query: string): readonly ForceKindCode[] {
  return lookup.suggest(query);
}
