/**
 * Dữ liệu mẫu của Công an — the police's part of the example dataset: every fact of the five
 * source articles (/work/shared/seeds) that the police own. Who owns which fact, and why, is in
 * services/README.md; each record cites its article in `sources`.
 *
 * Conventions: ids are stable and readable (`police-<record>-<place>-<what>-<year>`); areas are the
 * units as they were when the article was written (old codes — the graph links them to their
 * successors); money is whole VND with `atLeast` for "hơn"; approximate counts are flagged; a
 * figure the article gives for "now" is recorded for the article's year. Names of private
 * persons quoted in the articles are left out.
 */
import type { ObservationInput, SecurityModelInput, VolunteerForceInput } from '@antq/sdk';
import type { AgencyDataset, ExampleDataTarget } from '@antq/subgraph-kit';
import type { PoliceDesignationDataset } from './designations/designation-dataset.js';

type WithId<T> = T & { readonly id: string };

const MY_LOC = '28177'; // Xã Mỹ Lộc, huyện Cần Giuộc, tỉnh Long An
const CAN_GIUOC = '807'; // Huyện Cần Giuộc, tỉnh Long An
const LONG_HAU = '28168'; // Xã Long Hậu, huyện Cần Giuộc, tỉnh Long An
const TAN_AN = '23235'; // Phường Tân An, thị xã La Gi, tỉnh Bình Thuận
const NGHE_AN = '40'; // Tỉnh Nghệ An
const HUNG_TAN = '18031'; // Xã Hưng Tân, huyện Hưng Nguyên, tỉnh Nghệ An (register of 2024-11-01)
const LAM_HA = '676'; // Huyện Lâm Hà, tỉnh Lâm Đồng
const DINH_VAN = '24871'; // Thị trấn Đinh Văn, huyện Lâm Hà, tỉnh Lâm Đồng

const police = { agency: 'police', organisation: 'police' } as const;

/** The source articles, as each record cites them. */
const S000 = {
  title: '000_a7ea2bf832c86f30.txt — Chuyển hóa địa bàn phức tạp về an ninh, trật tự (xã Mỹ Lộc, huyện Cần Giuộc, tỉnh Long An)',
  date: '2017-04-11',
};
const S001 = {
  title: '001_dd7c2b3e7725a3b0.txt — Phường Tân An (thị xã Lagi) làm tốt công tác chuyển hóa địa bàn trọng điểm phức tạp về ANTT',
  date: '2017-08-11',
};
const S002 = {
  title: "002_4e89c4f139ec771b.txt — Long Hậu: 'Điểm sáng' trong phong trào Toàn dân bảo vệ an ninh Tổ quốc",
  date: '2023-10-30',
};
const S003 = {
  title: '003_63db35812c8a6911.txt — Nghệ An: Nhiều mô hình hiệu quả về bảo đảm an ninh trật tự ở cơ sở',
  date: '2023-06-15',
};
/** The Lâm Hà article carries no date; it reports the year 2023, so it is dated to that year's end. */
const S004 = {
  title: '004_226c72acf191d1bb.txt — Phong trào Toàn dân bảo vệ an ninh Tổ quốc ở huyện Lâm Hà, tỉnh Lâm Đồng (undated article reporting 2023; dated here to the end of 2023)',
  date: '2023-12-31',
};
/** The criteria set behind Long Hậu's 34 criteria (docs/domain-facts.md, section e); the article names only the 34. */
const DECISION_9745 = {
  title: 'Quyết định 9745/QĐ-BCA-V05 — provisional criteria (34) for exemplary communes of the TDBVANTQ movement (see docs/domain-facts.md)',
  date: '2022-12-28',
};

const ref = (id: string) => ({ agency: 'police', kind: 'security_model', id }) as const;

// --- Security models (mô hình) ------------------------------------------------------------------

const models = [
  // 000 — Mỹ Lộc, 2017
  {
    id: 'police-model-my-loc-regular-police-2017',
    ...police,
    kind: 'regular_commune_police',
    name: '1 trưởng và 1 phó trưởng công an chính quy',
    description:
      'Under the Ministry of Public Security’s policy of posting regular police to communes that are key and complex in security and order, the director of the Long An provincial police chose Mỹ Lộc to apply the model "1 trưởng và 1 phó trưởng công an chính quy" (a regular-police chief and deputy). The commune police work ever more closely with the Fatherland Front (MTTQ), the commune’s sectors and mass organisations (đoàn thể), the hamlet Party cells (chi bộ ấp) and the hamlet boards (ban ấp).',
    status: 'active',
    areaCode: MY_LOC,
    resources: [{ kind: 'officer', quantity: 2, note: '1 trưởng và 1 phó trưởng công an chính quy' }],
    outcomes: [
      'Since regular police were posted to the commune, security and order in Mỹ Lộc are more stable than before and building the TDBVANTQ movement is ever more effective.',
      'The commune police proposed replacing crime-prevention models that no longer fitted with new, more effective ones: Rào chắn ANTT, Camera an ninh.',
      'Files prepared to send 4 drug users to compulsory rehabilitation — the first locality of the province to do so since Decree 221/2013/NĐ-CP.',
      'Contributed to building Mỹ Lộc as a new-rural commune (xã nông thôn mới); the commune strives to become a model new-rural commune (xã nông thôn mới kiểu mẫu).',
      'Photo caption: the commune police of Cần Giuộc district’s communes received certificates of merit (giấy khen) for their work.',
    ],
    commendations: [
      {
        by: 'Giám đốc Công an tỉnh Long An',
        note: 'Khen thưởng đột xuất (ad-hoc commendation) for the files sending 4 drug users to compulsory rehabilitation under Decree 221/2013/NĐ-CP.',
      },
      {
        by: 'Công an huyện Cần Giuộc',
        amountVnd: 2_000_000,
        note: 'Thưởng nóng (on-the-spot reward) of 2,000,000 VND for the same files.',
      },
    ],
    partners: ['fatherland_front'],
    sources: [S000],
  },
  {
    id: 'police-model-my-loc-security-barriers-2017',
    ...police,
    kind: 'security_barrier',
    name: 'Rào chắn ANTT',
    description: 'Security barriers — one of the new models the commune police proposed in place of models that no longer fitted.',
    status: 'active',
    areaCode: MY_LOC,
    sources: [S000],
  },
  {
    id: 'police-model-my-loc-cameras-2017',
    ...police,
    kind: 'security_camera',
    name: 'Camera an ninh',
    description:
      'The most notable of the commune’s new models: 150 cameras on the roads and in residential spots complex in security and order, paid for by the community (xã hội hóa) with more than 630 million VND.',
    status: 'active',
    areaCode: MY_LOC,
    resources: [{ kind: 'camera', quantity: 150, note: 'on roads and in residential spots complex in security and order' }],
    funding: [{ amountVnd: 630_000_000, source: 'community', atLeast: true, note: 'xã hội hóa: "hơn 630 triệu đồng"' }],
    outcomes: ['Footage extracted from the cameras serves crime prevention and fighting effectively and helps stabilise local security and order.'],
    linkedRecords: [ref('police-model-my-loc-camera-centre-2017')],
    sources: [S000],
  },
  {
    id: 'police-model-my-loc-camera-centre-2017',
    ...police,
    kind: 'camera_observation_centre',
    name: 'Trung tâm quan sát “Camera an ninh” xã Mỹ Lộc',
    description: 'The observation centre of the security cameras at the commune (shown in the article’s photo).',
    status: 'active',
    areaCode: MY_LOC,
    resources: [{ kind: 'observation_centre', quantity: 1 }],
    linkedRecords: [ref('police-model-my-loc-cameras-2017')],
    sources: [S000],
  },

  // 001 — Tân An, 2017
  {
    id: 'police-model-tan-an-self-management-2017',
    ...police,
    kind: 'self_managed_security_group',
    name: 'Mô hình quần chúng “tự quản, tự phòng”',
    description:
      'Mass self-management and self-prevention models for security and order, built and replicated by the ward with the ward police as the core force while transforming the key complex area; the article credits the ward police and the ward’s Party committee and People’s Committee, not another organisation.',
    status: 'replicated',
    areaCode: TAN_AN,
    replication: { note: 'Maintained and replicated (phát huy, nhân rộng) across the ward; the article gives no count.' },
    outcomes: [
      'Residents’ awareness of "tự giác, tự quản, tự phòng, tự bảo vệ, tự hòa giải" (self-awareness, self-management, self-prevention, self-protection, self-mediation) has risen.',
    ],
    sources: [S001],
  },

  // 002 — Long Hậu, 2023
  {
    id: 'police-model-long-hau-safe-boarding-houses-2023',
    ...police,
    kind: 'safe_boarding_house',
    name: 'Nhà trọ an toàn không có tội phạm gắn với camera giám sát ANTT',
    description:
      'Boarding houses kept free of crime and linked to the security cameras. Long Hậu borders Ho Chi Minh City and has a growing industrial zone, so many migrants live there and security and order are complex.',
    status: 'active',
    areaCode: LONG_HAU,
    linkedRecords: [ref('police-model-long-hau-boarding-house-club-2023'), ref('police-model-long-hau-cameras-2023')],
    sources: [S002],
  },
  {
    id: 'police-model-long-hau-boarding-house-club-2023',
    ...police,
    kind: 'safe_boarding_house_club',
    name: 'CLB Nhà trọ an toàn ấp 3',
    description:
      'Set up by the local government, above all the police. When someone comes to stay, the landlord must register their temporary residence; the club spreads the Party’s and the State’s policies and laws, keeps track of new arrivals and informs the police in time when something happens.',
    status: 'active',
    areaCode: LONG_HAU,
    residentialAreaId: `${LONG_HAU}:ap-3`,
    linkedRecords: [ref('police-model-long-hau-safe-boarding-houses-2023')],
    sources: [S002],
  },
  {
    id: 'police-model-long-hau-drug-user-support-2023',
    ...police,
    kind: 'community_drug_user_support',
    name: 'Quản lý, cảm hóa, giáo dục, giúp đỡ người nghiện ma túy và đẩy lùi ma túy trong cộng đồng dân cư',
    status: 'active',
    areaCode: LONG_HAU,
    sources: [S002],
  },
  {
    id: 'police-model-long-hau-safe-residential-areas-2023',
    ...police,
    kind: 'security_fire_safe_residential_area',
    name: 'Khu dân cư bảo đảm ANTT và an toàn phòng cháy, chữa cháy',
    description: 'One of the two models the commune focuses on as the 2023 exemplary-commune pilot.',
    status: 'active',
    areaCode: LONG_HAU,
    sources: [S002],
  },
  {
    id: 'police-model-long-hau-e-identity-2023',
    ...police,
    kind: 'electronic_identity_guidance',
    name: 'Lực lượng vũ trang, MTTQ và các tổ chức thành viên đẩy mạnh tuyên truyền, hướng dẫn cài đặt, kích hoạt tài khoản định danh điện tử',
    description:
      'Launched by the commune: the armed forces, the Fatherland Front and its member organisations promote, and guide residents to install and activate, electronic identity accounts, serving digital transformation. The member organisations are not named.',
    status: 'active',
    areaCode: LONG_HAU,
    partners: ['fatherland_front'],
    sources: [S002],
  },
  {
    id: 'police-model-long-hau-cameras-2023',
    ...police,
    kind: 'security_camera',
    name: 'Camera giám sát ANTT',
    description: 'One of the two models the commune focuses on as the 2023 exemplary-commune pilot; the safe boarding houses are linked to these cameras.',
    status: 'active',
    areaCode: LONG_HAU,
    sources: [S002],
  },
  {
    id: 'police-model-long-hau-crime-suppression-2023',
    ...police,
    kind: 'peak_crime_suppression',
    name: 'Các đợt cao điểm tấn công, trấn áp tội phạm',
    description: 'The commune police plan and run peak campaigns against the crime problems emerging in the commune.',
    status: 'active',
    areaCode: LONG_HAU,
    outcomes: [
      'Thanks to good propaganda work, since the start of 2023 residents have given the commune police valuable information, handled in time; the article gives no count.',
    ],
    sources: [S002],
  },
  {
    id: 'police-model-long-hau-night-patrols-2023',
    ...police,
    kind: 'night_patrol',
    name: 'Tuần tra ban đêm',
    status: 'active',
    areaCode: LONG_HAU,
    outcomes: [
      'A resident of ấp 4 says security and order there have improved thanks to the commune police, who mobilise residents against crime and patrol often, so people feel safe.',
    ],
    sources: [S002],
  },
  {
    id: 'police-model-long-hau-listening-forum-2023',
    ...police,
    kind: 'police_listen_forum',
    name: 'Diễn đàn Công an xã lắng nghe ý kiến nhân dân',
    description: 'Held every year to hear residents’ concerns and improve how the commune police serve them.',
    status: 'active',
    areaCode: LONG_HAU,
    sources: [S002],
  },
  {
    id: 'police-model-long-hau-online-residence-2023',
    ...police,
    kind: 'online_residence_registration',
    name: 'Đăng ký quản lý hộ khẩu, tạm trú, lưu trú qua Cổng dịch vụ công trực tuyến',
    description: 'Part of the commune police’s reception of citizens and administrative reform; it is becoming routine and follows the law.',
    status: 'active',
    areaCode: LONG_HAU,
    sources: [S002],
  },
  {
    id: 'police-model-long-hau-industrial-zone-2023',
    ...police,
    kind: 'industrial_zone_police_coordination',
    name: 'Phối hợp với Đồn Công an Khu công nghiệp Long Hậu',
    status: 'active',
    areaCode: LONG_HAU,
    sources: [S002],
  },

  // 003 — Nghệ An, 2023: the police at every level mobilised residents to build 32 model types.
  {
    id: 'police-model-nghe-an-peaceful-parishes-2023',
    ...police,
    kind: 'peaceful_parish',
    name: 'Giáo xứ, giáo họ bình yên, không có tội phạm và tệ nạn xã hội, đoàn kết chung tay xây dựng nông thôn mới',
    status: 'replicated',
    areaCode: NGHE_AN,
    replication: { sites: 31, siteKind: 'parish', note: '31 xứ, họ đạo' },
    sources: [S003],
  },
  {
    id: 'police-model-nghe-an-anti-trafficking-2023',
    ...police,
    kind: 'anti_trafficking_community_support',
    name: 'Hỗ trợ cộng đồng phòng chống tội phạm mua bán người',
    status: 'replicated',
    areaCode: NGHE_AN,
    replication: { note: 'In the mountain districts (các huyện miền núi); the article gives no count.' },
    sources: [S003],
  },
  {
    id: 'police-model-nghe-an-exemplary-clans-2023',
    ...police,
    kind: 'exemplary_clan',
    name: 'Dòng họ tiêu biểu về an ninh trật tự',
    status: 'replicated',
    areaCode: NGHE_AN,
    replication: { sites: 49, siteKind: 'clan', note: '49 mô hình' },
    sources: [S003],
  },
  {
    id: 'police-model-nghe-an-self-management-clusters-2023',
    ...police,
    kind: 'self_management_cluster',
    name: 'Cụm liên kết tự quản về ANTT',
    status: 'replicated',
    areaCode: NGHE_AN,
    replication: { sites: 32, siteKind: 'cluster', note: '32 mô hình' },
    sources: [S003],
  },
  {
    id: 'police-model-nghe-an-peaceful-gong-2023',
    ...police,
    kind: 'peaceful_gong',
    name: 'Tiếng kẻng bình yên',
    status: 'replicated',
    areaCode: NGHE_AN,
    replication: { sites: 27, siteKind: 'commune', note: '27 xã' },
    sources: [S003],
  },
  {
    id: 'police-model-nghe-an-drug-free-villages-2023',
    ...police,
    kind: 'drug_crime_free_village',
    name: 'Làng bản, khối xóm sạch về ma túy, không có tội phạm và tệ nạn xã hội',
    status: 'replicated',
    areaCode: NGHE_AN,
    replication: { sites: 107, siteKind: 'residential_area', note: '107 làng bản, khối xóm' },
    sources: [S003],
  },
  {
    id: 'police-model-nghe-an-cameras-2023',
    ...police,
    kind: 'security_camera',
    name: 'Camera an ninh',
    description: 'Deployed to many communes, wards and towns across the province (photo caption).',
    status: 'replicated',
    areaCode: NGHE_AN,
    replication: { sites: 32, siteKind: 'site', note: '32 điểm' },
    sources: [S003],
  },
  {
    id: 'police-model-nghe-an-crime-free-hamlets-2023',
    ...police,
    kind: 'crime_free_hamlet',
    name: 'Thôn, xóm không có tội phạm, tệ nạn xã hội',
    status: 'replicated',
    areaCode: NGHE_AN,
    replication: { sites: 19, siteKind: 'residential_area', note: '19 điểm' },
    sources: [S003],
  },
  {
    id: 'police-model-nghe-an-flag-roads-2023',
    ...police,
    kind: 'national_flag_road',
    name: 'Đường cờ Tổ quốc tại các cơ sở tôn giáo',
    description: 'Strengthens unity and shows the role and strength of the people in keeping local security and order (photo caption).',
    status: 'replicated',
    areaCode: NGHE_AN,
    replication: { sites: 4, siteKind: 'religious_site', note: '04 điểm' },
    sources: [S003],
  },
  {
    id: 'police-model-nghe-an-peoples-patrols-2023',
    ...police,
    kind: 'peoples_patrol',
    name: 'Tổ tuần tra Nhân dân của Ban tự quản về an ninh trật tự',
    description:
      'Patrols of the self-management boards set up under Decision 57/QĐ-UBND. Together with the veterans’ model "Cựu chiến binh với công tác đảm bảo an ninh trật tự" it became an example of building on-the-spot forces that deter lawbreaking.',
    status: 'replicated',
    areaCode: NGHE_AN,
    replication: { sites: 19, siteKind: 'site', note: '19 điểm — one count for this model and the veterans’ model together, as the article gives it.' },
    linkedRecords: [{ agency: 'veterans', kind: 'security_model', id: 'veterans-model-nghe-an-veterans-for-security-2023' }],
    sources: [S003],
  },
  {
    id: 'police-model-nghe-an-fire-safety-groups-2023',
    ...police,
    kind: 'fire_safety_household_group',
    name: 'Tổ liên gia phòng cháy, chữa cháy',
    description: 'Effective, per a photo caption; the article gives no count.',
    status: 'active',
    areaCode: NGHE_AN,
    sources: [S003],
  },
  {
    id: 'police-model-nghe-an-fire-safe-apartments-2023',
    ...police,
    kind: 'fire_safe_apartment_building',
    name: 'Chung cư an toàn về phòng cháy, chữa cháy',
    description: 'Effective, per a photo caption; the article gives no count.',
    status: 'active',
    areaCode: NGHE_AN,
    sources: [S003],
  },
  {
    id: 'police-model-nghe-an-weapons-surrender-2023',
    ...police,
    kind: 'weapons_surrender',
    name: 'Phong trào người dân tự giác giao nộp vũ khí và vật liệu nổ',
    description: 'Has contributed importantly to security and order (photo caption); the article gives no figures.',
    status: 'active',
    areaCode: NGHE_AN,
    sources: [S003],
  },
  {
    id: 'police-model-nghe-an-drug-free-border-communes-2023',
    ...police,
    kind: 'drug_free_border_commune',
    name: 'Xã biên giới sạch về ma túy',
    description:
      'A provincial project (Đề án) steered by the provincial police director. After one year it changed the awareness and action of the whole political system and of residents against drug crime.',
    status: 'replicated',
    areaCode: NGHE_AN,
    replication: {
      sites: 96,
      siteKind: 'commune',
      note: 'After one year, 96 communes, wards and towns are drug-free; the Ministry of Public Security’s leaders directed that the model be replicated nationwide.',
    },
    sources: [S003],
  },
  {
    id: 'police-model-hung-tan-lang-phan-2023',
    ...police,
    kind: 'security_assurance',
    name: 'Mô hình "Bảo đảm ANTT" tại Làng Phan',
    status: 'commended',
    areaCode: HUNG_TAN,
    residentialAreaId: `${HUNG_TAN}:lang-phan`,
    commendations: [
      {
        by: 'Bộ trưởng Bộ Công an',
        note: 'The Minister of Public Security visited the model in person, gave directions, recognised and commended it; the article gives no date.',
      },
    ],
    sources: [S003],
  },
  {
    id: 'police-model-nghe-an-border-housing-2023',
    ...police,
    kind: 'other',
    name: 'Xây dựng nhà cho người nghèo tại các xã biên giới',
    description:
      'Building houses for poor households in the border communes, inspected by the provincial police director (photo caption). The model-kind catalogue has no kind for it yet.',
    status: 'active',
    areaCode: NGHE_AN,
    sources: [S003],
  },

  // 004 — Lâm Hà, 2023: the district police advised the local Party committees and governments
  // to build 27 types of mass models.
  {
    id: 'police-model-lam-ha-community-guards-2023',
    ...police,
    kind: 'community_hired_guards',
    name: 'Dân cử dân nuôi',
    status: 'active',
    areaCode: LAM_HA,
    sources: [S004],
  },
  {
    id: 'police-model-lam-ha-mediation-2023',
    ...police,
    kind: 'grassroots_mediation',
    name: 'Tổ hòa giải',
    description: 'Listed by the district police among the mass models it helps build and maintain; the article gives no count.',
    status: 'active',
    areaCode: LAM_HA,
    sources: [S004],
  },
  {
    id: 'police-model-lam-ha-alarm-bells-2023',
    ...police,
    kind: 'alarm_bell',
    name: 'Tiếng chuông cảnh báo',
    description: 'Alarm bells at the banks, the State Treasury, credit funds and enterprises of the district.',
    status: 'active',
    areaCode: LAM_HA,
    replication: { siteKind: 'institution', note: 'Banks, the treasury (Kho bạc), credit funds (Quỹ tín dụng) and enterprises; no count given.' },
    sources: [S004],
  },
  {
    id: 'police-model-lam-ha-cameras-2023',
    ...police,
    kind: 'security_camera',
    name: 'Camera an ninh',
    status: 'active',
    areaCode: LAM_HA,
    resources: [
      { kind: 'camera', quantity: 436 },
      { kind: 'high_mounted_camera', quantity: 8, note: 'camera tầm cao' },
    ],
    sources: [S004],
  },
  {
    id: 'police-model-lam-ha-self-managed-groups-2023',
    ...police,
    kind: 'self_managed_security_group',
    name: 'Tổ an ninh tự quản',
    description: 'Listed by the district police among the mass models it helps build and maintain; the article gives no count.',
    status: 'active',
    areaCode: LAM_HA,
    sources: [S004],
  },
  {
    id: 'police-model-lam-ha-online-propaganda-2023',
    ...police,
    kind: 'online_movement_propaganda',
    name: 'Tuyên truyền xây dựng Phong trào Toàn dân bảo vệ an ninh Tổ quốc trên không gian mạng facebook, zalo',
    status: 'active',
    areaCode: LAM_HA,
    sources: [S004],
  },
  {
    id: 'police-model-lam-ha-weapons-surrender-2023',
    ...police,
    kind: 'weapons_surrender',
    name: 'Vận động người dân giao nộp vũ khí',
    description: 'Run together with other measures against crimes involving weapons and explosives across the district.',
    status: 'active',
    areaCode: LAM_HA,
    outcomes: [
      'In the year the district police recovered 72 guns of all kinds, 1 silencer, 1 gun barrel, 1 gun grip and 76 rudimentary weapons, and arrested and prosecuted 2 cases with 5 suspects for keeping or using weapons.',
    ],
    sources: [S004],
  },
  {
    id: 'police-model-dinh-van-cameras-2023',
    ...police,
    kind: 'security_camera',
    name: 'Camera an ninh thị trấn Đinh Văn',
    description:
      'Đinh Văn is large and complex; its police, with all 21 residential groups (tổ dân phố), mobilised residents to install about 118 cameras at T-junctions, crossroads and spots with frequent traffic accidents or disorder. The boards of the 21 groups and the area police (cảnh sát khu vực) manage and store the footage.',
    status: 'active',
    areaCode: DINH_VAN,
    resources: [{ kind: 'camera', quantity: 118, approximate: true, note: 'khoảng 118 mắt camera' }],
    replication: { sites: 21, siteKind: 'residential_area', note: '21/21 tổ dân phố' },
    outcomes: [
      'From camera footage, 2 traffic accidents and 14 cases of public disorder or intentional injury were investigated in 2023.',
      'The head of tổ dân phố Gia Thạnh says residents feel safer since the cameras were installed and theft is no longer common; the cameras help the group and the security forces spot and stop incidents early.',
    ],
    linkedRecords: [ref('police-model-lam-ha-cameras-2023')],
    sources: [S004],
  },
] as const satisfies readonly WithId<SecurityModelInput>[];

// --- Volunteer forces (lực lượng quần chúng) ----------------------------------------------------

const forces = [
  {
    id: 'police-force-my-loc-civil-defence-2017',
    ...police,
    kind: 'civil_defence_team',
    name: 'Đội dân phòng xã Mỹ Lộc',
    areaCode: MY_LOC,
    units: 5,
    members: 52,
    equipment: [{ kind: 'base', quantity: 5, note: 'each team has its own base (trụ sở)' }],
    funding: [
      {
        amountVnd: 10_000_000,
        source: 'community',
        recurrence: 'monthly',
        per: 'team',
        note: 'Raised (vận động) by the commune police: "hỗ trợ mỗi đội dân phòng 10 triệu đồng/tháng".',
      },
    ],
    note: 'Each team is fully equipped for meals and daily life and with support tools (công cụ hỗ trợ) for keeping security and order; the article gives no counts of the equipment.',
    sources: [S000],
  },
] as const satisfies readonly WithId<VolunteerForceInput>[];

// --- Observations (số liệu) ---------------------------------------------------------------------

const observations = [
  // 000 — Mỹ Lộc: the situation as of the article (April 2017).
  {
    id: 'police-obs-my-loc-regular-police-officers-2017',
    ...police,
    indicator: 'regular_commune_police_officers',
    areaCode: MY_LOC,
    period: '2017',
    value: 2,
    note: '1 trưởng và 1 phó trưởng công an chính quy',
    sources: [S000],
  },
  { id: 'police-obs-my-loc-cameras-2017', ...police, indicator: 'cameras_installed', areaCode: MY_LOC, period: '2017', value: 150, sources: [S000] },
  {
    id: 'police-obs-my-loc-camera-funding-2017',
    ...police,
    indicator: 'community_funding_vnd',
    areaCode: MY_LOC,
    period: '2017',
    value: 630_000_000,
    atLeast: true,
    note: 'Community funding of the camera model, "hơn 630 triệu đồng", as reported in April 2017; the article does not say when it was raised.',
    sources: [S000],
  },
  { id: 'police-obs-my-loc-camera-centres-2017', ...police, indicator: 'camera_observation_centres', areaCode: MY_LOC, period: '2017', value: 1, sources: [S000] },
  { id: 'police-obs-my-loc-civil-defence-teams-2017', ...police, indicator: 'civil_defence_teams', areaCode: MY_LOC, period: '2017', value: 5, sources: [S000] },
  { id: 'police-obs-my-loc-civil-defence-members-2017', ...police, indicator: 'civil_defence_members', areaCode: MY_LOC, period: '2017', value: 52, sources: [S000] },
  {
    id: 'police-obs-my-loc-civil-defence-support-2017-04',
    ...police,
    indicator: 'force_support_funding_vnd',
    areaCode: MY_LOC,
    period: '2017-04',
    value: 50_000_000,
    note: 'The article gives a rate: 10,000,000 VND per civil-defence team per month ("10 triệu đồng/tháng"), raised by the commune police. Recorded for the month of the article as 5 teams × 10,000,000 VND; the rate itself is on the force’s funding.',
    sources: [S000],
  },
  {
    id: 'police-obs-my-loc-rehabilitation-2017',
    ...police,
    indicator: 'drug_users_sent_to_rehabilitation',
    areaCode: MY_LOC,
    period: '2017',
    value: 4,
    note: 'Files prepared to send 4 drug users to compulsory rehabilitation, the first in Long An under Decree 221/2013/NĐ-CP; reported in April 2017, not dated by the article.',
    sources: [S000],
  },
  {
    id: 'police-obs-my-loc-reward-2017',
    ...police,
    indicator: 'rewards_vnd',
    areaCode: MY_LOC,
    period: '2017',
    value: 2_000_000,
    note: 'Thưởng nóng from Công an huyện Cần Giuộc for the rehabilitation files; reported in April 2017, not dated by the article.',
    sources: [S000],
  },

  // 001 — Tân An: "13/37" etc. compare a year with the adjacent one (năm liền kề); the article
  // names neither, so the last full year before it (2016) is set against 2015.
  ...(
    [
      ['criminal-offences', 'criminal_offences', 13, 37, 'phạm pháp hình sự giảm rõ nét so với trước đó (13/37 vụ)'],
      ['serious-cases', 'serious_criminal_cases', 0, 1, 'không xảy ra trọng án, so với năm liền kề giảm (00/01 vụ)'],
      ['snatch-thefts', 'snatch_thefts', 0, 4, 'không xảy ra tội phạm cướp giật (00/04 vụ)'],
      ['motorbike-thefts', 'motorbike_thefts', 3, 19, 'trộm cắp xe máy giảm (03/19 vụ)'],
    ] as const
  ).flatMap(([slug, indicator, current, previous, quote]) => {
    const note = `Article: "${quote}". It compares with the adjacent year (năm liền kề) without naming the years; recorded as 2016, the last full year before the article (2017-08-11), against 2015.`;
    return [
      { id: `police-obs-tan-an-${slug}-2016`, ...police, indicator, areaCode: TAN_AN, period: '2016', value: current, note, sources: [S001] },
      { id: `police-obs-tan-an-${slug}-2015`, ...police, indicator, areaCode: TAN_AN, period: '2015', value: previous, note, sources: [S001] },
    ] as const;
  }),
  {
    id: 'police-obs-tan-an-organised-groups-2012-2017',
    ...police,
    indicator: 'organised_criminal_groups_active',
    areaCode: TAN_AN,
    period: '2012-08-22/2017-08-11',
    value: 0,
    note: '"không để ổ, nhóm tội phạm hoạt động trên địa bàn" over the five years of Directive 30/CT-UBND (from 2012-08-22 to the article).',
    sources: [S001],
  },

  // 003 — Nghệ An: counts as of the article (June 2023).
  {
    id: 'police-obs-nghe-an-model-types-2023',
    ...police,
    indicator: 'model_types_in_use',
    areaCode: NGHE_AN,
    period: '2023',
    value: 32,
    note: '32 loại mô hình, điển hình tiên tiến về đảm bảo ANTT',
    sources: [S003],
  },
  {
    id: 'police-obs-nghe-an-model-areas-2023',
    ...police,
    indicator: 'residential_areas_with_models',
    areaCode: NGHE_AN,
    period: '2023',
    value: 1420,
    note: 'nhân rộng ra 1.420 địa bàn dân cư',
    sources: [S003],
  },
  { id: 'police-obs-nghe-an-peaceful-parishes-2023', ...police, indicator: 'peaceful_parishes', areaCode: NGHE_AN, period: '2023', value: 31, sources: [S003] },
  { id: 'police-obs-nghe-an-exemplary-clans-2023', ...police, indicator: 'exemplary_clans', areaCode: NGHE_AN, period: '2023', value: 49, sources: [S003] },
  { id: 'police-obs-nghe-an-self-management-clusters-2023', ...police, indicator: 'self_management_clusters', areaCode: NGHE_AN, period: '2023', value: 32, sources: [S003] },
  { id: 'police-obs-nghe-an-peaceful-gong-communes-2023', ...police, indicator: 'communes_with_peaceful_gong', areaCode: NGHE_AN, period: '2023', value: 27, sources: [S003] },
  { id: 'police-obs-nghe-an-drug-free-villages-2023', ...police, indicator: 'villages_free_of_drugs_crime', areaCode: NGHE_AN, period: '2023', value: 107, sources: [S003] },
  { id: 'police-obs-nghe-an-camera-sites-2023', ...police, indicator: 'camera_sites', areaCode: NGHE_AN, period: '2023', value: 32, sources: [S003] },
  { id: 'police-obs-nghe-an-crime-free-hamlets-2023', ...police, indicator: 'hamlets_without_crime', areaCode: NGHE_AN, period: '2023', value: 19, sources: [S003] },
  { id: 'police-obs-nghe-an-flag-road-sites-2023', ...police, indicator: 'national_flag_road_sites', areaCode: NGHE_AN, period: '2023', value: 4, sources: [S003] },
  {
    id: 'police-obs-nghe-an-veterans-patrol-sites-2023',
    ...police,
    indicator: 'veterans_patrol_model_sites',
    areaCode: NGHE_AN,
    period: '2023',
    value: 19,
    note: 'One count for "Cựu chiến binh với công tác đảm bảo an ninh trật tự" and "Tổ tuần tra Nhân dân của Ban tự quản về an ninh trật tự" together.',
    sources: [S003],
  },
  {
    id: 'police-obs-nghe-an-models-commended-2023',
    ...police,
    indicator: 'models_commended_by_ministry',
    areaCode: NGHE_AN,
    period: '2023',
    value: 12,
    note: '"12 mô hình được Bộ Công an thông báo biểu dương, nhân rộng"; the article does not say which twelve.',
    sources: [S003],
  },
  {
    id: 'police-obs-nghe-an-drug-free-communes-2023',
    ...police,
    indicator: 'drug_free_communes',
    areaCode: NGHE_AN,
    period: '2023',
    value: 96,
    note: 'After one year of the "Xã biên giới sạch về ma túy" model.',
    sources: [S003],
  },

  // 004 — Lâm Hà district: "now" and "in the year" are taken as 2023, the year the article reports.
  {
    id: 'police-obs-lam-ha-model-types-2023',
    ...police,
    indicator: 'model_types_in_use',
    areaCode: LAM_HA,
    period: '2023',
    value: 27,
    note: '27 loại mô hình quần chúng tham gia đảm bảo ANTT',
    sources: [S004],
  },
  {
    id: 'police-obs-lam-ha-participants-2023',
    ...police,
    indicator: 'mass_model_participants',
    areaCode: LAM_HA,
    period: '2023',
    value: 13_000,
    atLeast: true,
    note: 'hơn 13.000 người tham gia',
    sources: [S004],
  },
  { id: 'police-obs-lam-ha-cameras-2023', ...police, indicator: 'cameras_installed', areaCode: LAM_HA, period: '2023', value: 436, sources: [S004] },
  { id: 'police-obs-lam-ha-high-mounted-cameras-2023', ...police, indicator: 'high_mounted_cameras_installed', areaCode: LAM_HA, period: '2023', value: 8, sources: [S004] },
  ...(
    [
      ['guns', 'guns_recovered', 72, '72 súng các loại'],
      ['silencers', 'silencers_recovered', 1, '1 ống giảm thanh'],
      ['gun-barrels', 'gun_barrels_recovered', 1, '1 nòng súng'],
      ['gun-grips', 'gun_grips_recovered', 1, '1 tay cầm súng'],
      ['rudimentary-weapons', 'rudimentary_weapons_recovered', 76, '76 vũ khí thô sơ các loại'],
      ['weapons-cases', 'weapons_cases_prosecuted', 2, 'bắt và khởi tố 2 vụ'],
      ['weapons-suspects', 'weapons_suspects_prosecuted', 5, '5 đối tượng liên quan đến tàng trữ, sử dụng vũ khí'],
    ] as const
  ).map(
    ([slug, indicator, value, quote]) =>
      ({
        id: `police-obs-lam-ha-${slug}-2023`,
        ...police,
        indicator,
        areaCode: LAM_HA,
        period: '2023',
        value,
        note: `"${quote}" — "trong năm" (in the year), taken as 2023, the year the article reports.`,
        sources: [S004],
      }) as const,
  ),

  // 004 — Thị trấn Đinh Văn, 2023.
  {
    id: 'police-obs-dinh-van-groups-with-cameras-2023',
    ...police,
    indicator: 'residential_groups_with_cameras',
    areaCode: DINH_VAN,
    period: '2023',
    value: 21,
    note: '21/21 tổ dân phố',
    sources: [S004],
  },
  {
    id: 'police-obs-dinh-van-groups-total-2023',
    ...police,
    indicator: 'residential_groups_total',
    areaCode: DINH_VAN,
    period: '2023',
    value: 21,
    note: '21/21 tổ dân phố',
    sources: [S004],
  },
  {
    id: 'police-obs-dinh-van-cameras-2023',
    ...police,
    indicator: 'cameras_installed',
    areaCode: DINH_VAN,
    period: '2023',
    value: 118,
    approximate: true,
    note: 'khoảng 118 mắt camera',
    sources: [S004],
  },
  { id: 'police-obs-dinh-van-youth-groups-dispersed-2023', ...police, indicator: 'youth_groups_dispersed', areaCode: DINH_VAN, period: '2023', value: 2, sources: [S004] },
  { id: 'police-obs-dinh-van-fights-prevented-2023', ...police, indicator: 'fights_prevented', areaCode: DINH_VAN, period: '2023', value: 15, sources: [S004] },
  {
    id: 'police-obs-dinh-van-accidents-from-camera-2023',
    ...police,
    indicator: 'traffic_accidents_investigated_from_camera',
    areaCode: DINH_VAN,
    period: '2023',
    value: 2,
    sources: [S004],
  },
  {
    id: 'police-obs-dinh-van-disorder-from-camera-2023',
    ...police,
    indicator: 'disorder_injury_cases_investigated_from_camera',
    areaCode: DINH_VAN,
    period: '2023',
    value: 14,
    sources: [S004],
  },
] as const satisfies readonly WithId<ObservationInput>[];

/** The police's models, forces and figures from the five articles. */
export const policeDataset: AgencyDataset = { agency: 'police', models, forces, observations };

// --- Residential areas and designations (police only) -------------------------------------------

/**
 * The residential areas the articles name, and the yearly designations of areas. Tân An's safety
 * recognition (article 001) is read from its title: the ward "thực hiện đạt kết quả Chỉ thị số
 * 30/CT-UBND … về thực hiện Thông tư 23 … quy định tiêu chí 'An toàn về ANTT'", i.e. it met the
 * standard the directive applies. The article names no recognition decision, so none is given.
 */
export const policeDesignations = {
  residentialAreas: [
    { slug: 'ap-3', communeCode: LONG_HAU, name: 'Ấp 3', localKind: 'ap' },
    { slug: 'ap-4', communeCode: LONG_HAU, name: 'Ấp 4', localKind: 'ap' },
    { slug: 'lang-phan', communeCode: HUNG_TAN, name: 'Làng Phan', localKind: 'lang' },
    { slug: 'to-dan-pho-gia-thanh', communeCode: DINH_VAN, name: 'Gia Thạnh', localKind: 'to_dan_pho' },
  ],
  complexAreaDesignations: [
    {
      id: 'police-designation-can-giuoc-antt-2017',
      ...police,
      areaCode: CAN_GIUOC,
      list: 'ANTT',
      problemTypes: ['other'],
      year: 2017,
      note: 'Cần Giuộc borders Ho Chi Minh City and "được xác định là địa bàn trọng điểm, phức tạp về an ninh, trật tự". The article (2017-04-11) neither dates the designation nor names its problem types ("other" stands for "not stated").',
      sources: [S000],
    },
    {
      id: 'police-designation-my-loc-antt-2017',
      ...police,
      areaCode: MY_LOC,
      list: 'ANTT',
      problemTypes: ['other'],
      year: 2017,
      note: 'Mỹ Lộc was chosen under the Ministry’s policy of posting regular police to communes that are key and complex in security and order (xã trọng điểm, phức tạp về ANTT), and the article is about transforming it. The article neither dates the designation nor names its problem types ("other" stands for "not stated"), nor gives a transformation result.',
      sources: [S000],
    },
    {
      id: 'police-designation-tan-an-ttatxh-2012',
      ...police,
      areaCode: TAN_AN,
      list: 'TTATXH',
      problemTypes: ['social_order'],
      year: 2012,
      note: 'On the provincial steering committee’s plan for transforming key areas complex in social order and safety (kế hoạch chuyển hóa địa bàn trọng điểm, phức tạp về TTATXH); the ward police advised the ward Party committee and People’s Committee on the ward’s plan. Tied to Directive 30/CT-UBND of 2012-08-22 of the Bình Thuận People’s Committee, which applies Circular 23/2012/TT-BCA of 2012-04-27 on the "An toàn về ANTT" standard (the ward’s result under it: police-recognition-tan-an-2017). Year 2012: five years of transformation up to 2017.',
      sources: [S001],
    },
  ],
  transformationResults: [
    {
      id: 'police-transformation-tan-an-2017',
      ...police,
      designationId: 'police-designation-tan-an-ttatxh-2012',
      year: 2017,
      sinceYear: 2012,
      outcome: 'basically_achieved',
      note: '"Qua 05 năm triển khai thực hiện Chỉ thị số 30/CT-UBND gắn với công tác chuyển hóa … phường Tân An đã cơ bản hoàn thành việc chuyển hóa địa bàn trọng điểm": security and order kept stable with no "bị động, bất ngờ, tạo điểm nóng"; criminal offences clearly down; drug crime fought in a focused way; no organised criminal groups active.',
      sources: [S001],
    },
  ],
  safetyRecognitions: [
    {
      id: 'police-recognition-tan-an-2017',
      ...police,
      areaCode: TAN_AN,
      unitKind: 'commune',
      year: 2017,
      recognised: true,
      standard: 'Thông tư 23/2012/TT-BCA (2012-04-27) — tiêu chuẩn "An toàn về ANTT"',
      implementingAct: 'Chỉ thị 30/CT-UBND (2012-08-22) của UBND tỉnh Bình Thuận',
      sources: [S001],
    },
  ],
  exemplaryCommunePilots: [
    {
      id: 'police-pilot-long-hau-2023',
      ...police,
      areaCode: LONG_HAU,
      year: 2023,
      criteriaTotal: 34,
      decisionRef: '9745/QĐ-BCA-V05',
      focusModelIds: ['police-model-long-hau-cameras-2023', 'police-model-long-hau-safe-residential-areas-2023'],
      sources: [S002, DECISION_9745],
    },
  ],
  movementRatings: [{ id: 'police-rating-long-hau-2022', ...police, areaCode: LONG_HAU, year: 2022, rating: 'excellent', sources: [S002] }],
} as const satisfies PoliceDesignationDataset;

/**
 * Loads the police's example data: residential areas and designations, then models, forces and
 * figures. Idempotent; returns how many records were written. The writers are imported here, not
 * at the top, so that this module stays plain data that tests and tools can read without the
 * server stack.
 */
export async function loadPoliceExampleData(target: ExampleDataTarget): Promise<number> {
  const [{ loadAgencyDataset }, { loadPoliceDesignations }] = await Promise.all([import('@antq/subgraph-kit'), import('./designations/designation-dataset.js')]);
  const designations = await loadPoliceDesignations(target.storage, target.registry, policeDesignations);
  return designations + (await loadAgencyDataset(target.storage, target.registry, policeDataset));
}
