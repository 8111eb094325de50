import type { ModelKind } from '../domain/types.js';
import { createCatalogueLookup } from './catalogue-lookup.js';

/**
 * Loại mô hình — the kinds of security model of the TDBVANTQ movement. Every model named in the
 * source articles has a kind here; `other` takes what the catalogue does not know yet.
 * `agency`/`organisation` give who usually runs the kind; a record states its own owner.
 * Codes are stable: add kinds, never rename or remove one.
 */
export const MODEL_KINDS = [
  // --- Police-led models -------------------------------------------------------------------
  {
    code: 'security_camera',
    label: { vi: 'Camera an ninh', en: 'Security cameras' },
    agency: 'police',
    organisation: 'police',
    description:
      'Cameras on roads, junctions and complex spots, often funded by the community (xã hội hóa); footage serves crime prevention and investigation. Also "Camera giám sát ANTT".',
  },
  {
    code: 'camera_observation_centre',
    label: { vi: 'Trung tâm quan sát camera an ninh', en: 'Security-camera observation centre' },
    agency: 'police',
    organisation: 'police',
    description: 'A room at the commune police where the security-camera feeds are watched and stored.',
  },
  {
    code: 'security_barrier',
    label: { vi: 'Rào chắn an ninh, trật tự', en: 'Security barriers' },
    agency: 'police',
    organisation: 'police',
    description: 'Barriers (Rào chắn ANTT) closing lanes and hamlet entrances at night to cut theft and escape routes.',
  },
  {
    code: 'regular_commune_police',
    label: { vi: 'Bố trí công an chính quy về xã', en: 'Regular police posted to the commune' },
    agency: 'police',
    organisation: 'police',
    description: 'Regular (professional) police officers posted to a commune, e.g. "1 trưởng và 1 phó trưởng công an chính quy" in a key complex commune.',
  },
  {
    code: 'safe_boarding_house',
    label: { vi: 'Nhà trọ an toàn', en: 'Safe boarding houses' },
    agency: 'police',
    organisation: 'police',
    description: 'Boarding houses kept free of crime and linked to security cameras; landlords register temporary residents and report incidents.',
  },
  {
    code: 'safe_boarding_house_club',
    label: { vi: 'Câu lạc bộ Nhà trọ an toàn', en: 'Safe boarding-house club' },
    agency: 'police',
    organisation: 'police',
    description: 'A club of landlords of a hamlet that registers temporary residents and passes information to the police.',
  },
  {
    code: 'community_drug_user_support',
    label: {
      vi: 'Quản lý, cảm hóa, giáo dục, giúp đỡ người nghiện ma túy tại cộng đồng',
      en: 'Managing and helping drug users in the community',
    },
    agency: 'police',
    organisation: 'police',
    description: 'Managing, persuading, educating and helping drug users in the residential community and pushing drugs back.',
  },
  {
    code: 'security_fire_safe_residential_area',
    label: {
      vi: 'Khu dân cư bảo đảm an ninh, trật tự và an toàn phòng cháy, chữa cháy',
      en: 'Residential area safe for security and fire',
    },
    agency: 'police',
    organisation: 'police',
    description: 'A residential area organised to keep security and order and to prevent and fight fires.',
  },
  {
    code: 'electronic_identity_guidance',
    label: {
      vi: 'Hướng dẫn cài đặt, kích hoạt tài khoản định danh điện tử',
      en: 'Electronic identity guidance',
    },
    agency: 'police',
    organisation: 'police',
    description: 'Propaganda and help to install and activate electronic identity accounts (VNeID), run with the armed forces, the Front and its member organisations.',
  },
  {
    code: 'peak_crime_suppression',
    label: { vi: 'Đợt cao điểm tấn công, trấn áp tội phạm', en: 'Peak crime-suppression campaign' },
    agency: 'police',
    organisation: 'police',
    description: 'Planned peak campaigns to attack and suppress the crime problems emerging in an area.',
  },
  {
    code: 'night_patrol',
    label: { vi: 'Tuần tra ban đêm', en: 'Night patrols' },
    agency: 'police',
    organisation: 'police',
    description: 'Regular night patrols of the commune police.',
  },
  {
    code: 'police_listen_forum',
    label: { vi: 'Diễn đàn Công an xã lắng nghe ý kiến nhân dân', en: 'Forum "Commune police listen to the people"' },
    agency: 'police',
    organisation: 'police',
    description: 'A yearly forum where the commune police hear residents’ concerns and suggestions.',
  },
  {
    code: 'online_residence_registration',
    label: {
      vi: 'Đăng ký cư trú qua Cổng dịch vụ công trực tuyến',
      en: 'Online residence registration',
    },
    agency: 'police',
    organisation: 'police',
    description: 'Registering permanent, temporary and short stays through the online public-service portal.',
  },
  {
    code: 'industrial_zone_police_coordination',
    label: { vi: 'Phối hợp với Đồn Công an khu công nghiệp', en: 'Coordination with the industrial-zone police' },
    agency: 'police',
    organisation: 'police',
    description: 'Joint work of the commune police with the police station of an industrial zone.',
  },
  {
    code: 'anti_trafficking_community_support',
    label: {
      vi: 'Hỗ trợ cộng đồng phòng, chống tội phạm mua bán người',
      en: 'Community help against human trafficking',
    },
    agency: 'police',
    organisation: 'police',
    description: 'Community support to prevent human trafficking, mostly in mountain districts.',
  },
  {
    code: 'peaceful_gong',
    label: { vi: 'Tiếng kẻng bình yên', en: 'Peaceful gong' },
    agency: 'police',
    organisation: 'police',
    description: 'A gong struck to raise the alarm so residents come out against thieves and offenders.',
  },
  {
    code: 'drug_crime_free_village',
    label: {
      vi: 'Làng bản, khối xóm sạch về ma túy, không có tội phạm và tệ nạn xã hội',
      en: 'Village free of drugs, crime and social evils',
    },
    agency: 'police',
    organisation: 'police',
    description: 'Villages and hamlets that commit to stay free of drugs, crime and social evils.',
  },
  {
    code: 'crime_free_hamlet',
    label: { vi: 'Thôn, xóm không có tội phạm, tệ nạn xã hội', en: 'Hamlet without crime or social evils' },
    agency: 'police',
    organisation: 'police',
    description: 'Hamlets (thôn, xóm) with no crime and no social evils.',
  },
  {
    code: 'peoples_patrol',
    label: {
      vi: 'Tổ tuần tra nhân dân của Ban tự quản về an ninh, trật tự',
      en: "People's patrol of the self-management board",
    },
    agency: 'police',
    organisation: 'police',
    description: 'Residents patrolling their area under the self-management board for security and order.',
  },
  {
    code: 'fire_safety_household_group',
    label: { vi: 'Tổ liên gia an toàn phòng cháy, chữa cháy', en: 'Fire-safety household group' },
    agency: 'police',
    organisation: 'police',
    description: 'Neighbouring households grouped to prevent fires and help each other fight them.',
  },
  {
    code: 'fire_safe_apartment_building',
    label: { vi: 'Chung cư an toàn về phòng cháy, chữa cháy', en: 'Fire-safe apartment building' },
    agency: 'police',
    organisation: 'police',
    description: 'Apartment buildings organised to meet fire-safety rules.',
  },
  {
    code: 'weapons_surrender',
    label: {
      vi: 'Vận động người dân tự giác giao nộp vũ khí, vật liệu nổ',
      en: 'Voluntary surrender of weapons and explosives',
    },
    agency: 'police',
    organisation: 'police',
    description: 'Persuading residents to hand in weapons, explosives and support tools.',
  },
  {
    code: 'drug_free_border_commune',
    label: { vi: 'Xã biên giới sạch về ma túy', en: 'Drug-free border commune' },
    agency: 'police',
    organisation: 'police',
    description: 'Border communes made and kept free of drugs (Nghệ An project, replicated nationwide).',
  },
  {
    code: 'community_hired_guards',
    label: { vi: 'Dân cử dân nuôi', en: 'Residents choose and support their own guards' },
    agency: 'police',
    organisation: 'police',
    description: 'Residents choose people to guard their area and pay for them themselves.',
  },
  {
    code: 'alarm_bell',
    label: { vi: 'Tiếng chuông cảnh báo', en: 'Alarm bells' },
    agency: 'police',
    organisation: 'police',
    description: 'Alarm bells at banks, the treasury, credit funds and enterprises, linked to the police.',
  },
  {
    code: 'online_movement_propaganda',
    label: {
      vi: 'Tuyên truyền phong trào Toàn dân bảo vệ an ninh Tổ quốc trên không gian mạng',
      en: 'Online propaganda for the movement',
    },
    agency: 'police',
    organisation: 'police',
    description: 'Propaganda for the movement on social networks such as Facebook and Zalo.',
  },
  {
    code: 'security_assurance',
    label: { vi: 'Bảo đảm an ninh, trật tự', en: 'Security and order assurance' },
    agency: 'police',
    organisation: 'police',
    description: 'A general model for keeping security and order in a village or commune (e.g. Làng Phan, Hưng Tân).',
  },
  // --- Fatherland Front and its member organisations --------------------------------------
  {
    code: 'residential_area_camera',
    label: { vi: 'Gắn camera ở các khu dân cư', en: 'Cameras in residential areas' },
    agency: 'front',
    organisation: 'fatherland_front',
    description: 'The Front mobilises residents to install cameras in their residential areas.',
  },
  {
    code: 'core_force_health_insurance',
    label: {
      vi: 'Hỗ trợ thẻ bảo hiểm y tế cho lực lượng nòng cốt',
      en: 'Health-insurance cards for the core forces',
    },
    agency: 'front',
    organisation: 'fatherland_front',
    description: 'Health-insurance cards paid for the core forces (lực lượng nòng cốt) of the movement.',
  },
  {
    code: 'traffic_victim_support',
    label: {
      vi: 'Hỗ trợ kinh phí cho người bị tai nạn giao thông nặng',
      en: 'Help for people badly hurt in traffic accidents',
    },
    agency: 'front',
    organisation: 'fatherland_front',
    description: 'Money for people badly hurt in traffic accidents, so they can rebuild their lives.',
  },
  {
    code: 'zalo_crime_reporting',
    label: { vi: 'Zalo tố giác tội phạm', en: 'Reporting crime over Zalo' },
    agency: 'front',
    organisation: 'womens_union',
    description: 'A Zalo group or account through which residents report crime and suspicious acts.',
  },
  {
    code: 'clean_environment_security_group',
    label: {
      vi: 'Tổ công dân vì môi trường sáng, xanh, sạch, đẹp, tự quản về an ninh, trật tự',
      en: 'Citizens’ group for a clean environment and self-managed security',
    },
    agency: 'front',
    organisation: 'womens_union',
    description: 'Residents’ groups that keep their street clean and green and manage its security themselves.',
  },
  {
    code: 'self_managed_security_group',
    label: { vi: 'Tổ an ninh tự quản', en: 'Self-managed security group' },
    agency: 'front',
    organisation: 'fatherland_front',
    description: 'Mass models of self-management and self-defence ("tự quản, tự phòng, tự bảo vệ, tự hòa giải") in a residential area.',
  },
  {
    code: 'self_management_cluster',
    label: { vi: 'Cụm liên kết tự quản về an ninh, trật tự', en: 'Self-management cluster for security' },
    agency: 'front',
    organisation: 'fatherland_front',
    description: 'Neighbouring residential areas linked to manage security and order together.',
  },
  {
    code: 'peaceful_parish',
    label: {
      vi: 'Giáo xứ, giáo họ bình yên, không có tội phạm và tệ nạn xã hội',
      en: 'Peaceful parish without crime or social evils',
    },
    agency: 'front',
    organisation: 'fatherland_front',
    description: 'Catholic parishes and sub-parishes that keep free of crime and social evils and join in building new rural areas.',
  },
  {
    code: 'exemplary_clan',
    label: { vi: 'Dòng họ tiêu biểu về an ninh, trật tự', en: 'Exemplary clan for security and order' },
    agency: 'front',
    organisation: 'fatherland_front',
    description: 'Family clans whose members commit to obey the law and keep security and order.',
  },
  {
    code: 'national_flag_road',
    label: { vi: 'Đường cờ Tổ quốc tại các cơ sở tôn giáo', en: 'National-flag road at religious sites' },
    agency: 'front',
    organisation: 'fatherland_front',
    description: 'Roads lined with national flags at religious sites, showing unity of believers and the nation.',
  },
  {
    code: 'grassroots_mediation',
    label: { vi: 'Tổ hòa giải ở cơ sở', en: 'Grassroots mediation' },
    agency: 'front',
    organisation: 'fatherland_front',
    description: 'Mediation groups that settle disputes among residents before they turn into conflicts.',
  },
  // --- Veterans' Association ---------------------------------------------------------------
  {
    code: 'veterans_crime_shock_force',
    label: {
      vi: 'Cựu chiến binh, cựu quân nhân xung kích phòng, chống tội phạm',
      en: 'Veterans as a shock force against crime',
    },
    agency: 'veterans',
    organisation: 'veterans_association',
    description: 'Veterans and former soldiers acting as a shock force in preventing and fighting crime.',
  },
  {
    code: 'offender_reintegration',
    label: {
      vi: 'Quản lý, cảm hóa, giáo dục người vi phạm tái hòa nhập cộng đồng',
      en: 'Re-educating offenders returning to the community',
    },
    agency: 'veterans',
    organisation: 'veterans_association',
    description: 'Managing, persuading and educating offenders who return to the community.',
  },
  {
    code: 'veterans_self_managed_boarding_house',
    label: {
      vi: 'Cựu chiến binh, cựu quân nhân làm chủ nhà trọ tự quản về an ninh, trật tự',
      en: 'Veterans as landlords of self-managed boarding houses',
    },
    agency: 'veterans',
    organisation: 'veterans_association',
    description: 'Veteran landlords who keep their boarding houses self-managed for security and order.',
  },
  {
    code: 'veterans_for_security',
    label: { vi: 'Cựu chiến binh với công tác bảo đảm an ninh, trật tự', en: 'Veterans for security and order' },
    agency: 'veterans',
    organisation: 'veterans_association',
    description: 'Veterans taking part in keeping security and order where they live.',
  },
  // --- Youth Union -------------------------------------------------------------------------
  {
    code: 'law_awareness_club',
    label: { vi: 'Câu lạc bộ Tuyên truyền pháp luật', en: 'Law-awareness club' },
    agency: 'youth',
    organisation: 'youth_union',
    description: 'A youth club that spreads knowledge of the law.',
  },
  {
    code: 'youth_digital_transformation_club',
    label: { vi: 'Câu lạc bộ Thanh niên chuyển đổi số', en: 'Youth digital-transformation club' },
    agency: 'youth',
    organisation: 'youth_union',
    description: 'A youth club that helps residents with digital public services and electronic identity.',
  },
  // --- Anything else -----------------------------------------------------------------------
  {
    code: 'other',
    label: { vi: 'Mô hình khác', en: 'Other model' },
    agency: 'police',
    organisation: 'police',
    description: 'A model the catalogue does not list yet; describe it in the record and propose a kind.',
  },
] as const satisfies readonly ModelKind[];

/** Code of a model kind in {@link MODEL_KINDS}. */
export type ModelKindCode = (typeof MODEL_KINDS)[number]['code'];

const lookup = createCatalogueLookup<ModelKind, ModelKindCode>('model kind', MODEL_KINDS);

/** The model kind with this code, or undefined. */
export function getModelKind(code: string): ModelKind | undefined {
  return lookup.get(code);
}
/** The model kind with this code; throws `AntqError` BAD_USER_INPUT naming the closest kinds. */
export function requireModelKind(code: string): ModelKind {
  return lookup.require(code);
}
/** Whether a value is a model-kind code. */
export function isModelKindCode(value: unknown): value is ModelKindCode {
  return lookup.is(value);
}
/** Up to three model-kind codes close to a code or a Vietnamese/English name, best first. */
export function suggestModelKinds(query: string): readonly ModelKindCode[] {
  return lookup.suggest(query);
}
