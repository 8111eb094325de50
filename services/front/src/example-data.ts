/**
 * Dữ liệu mẫu của Mặt trận — the Fatherland Front's part of the example dataset: the facts of the
 * source articles (/work/shared/seeds) that the Front committee and its member organisations own
 * (`organisation` says which). Who owns which fact, and why, is in services/README.md.
 */
import type { AgencyDataset, ExampleDataTarget } from '@antq/subgraph-kit';
import type { ObservationInput, SecurityModelInput, VolunteerForceInput } from '@antq/sdk';

type WithId<T> = T & { readonly id: string };

const LONG_HAU = '28168'; // Xã Long Hậu, huyện Cần Giuộc, tỉnh Long An
const NGHE_AN = '40'; // Tỉnh Nghệ An

const front = { agency: 'front', organisation: 'fatherland_front' } as const;
const womensUnion = { agency: 'front', organisation: 'womens_union' } as const;

const S002 = {
  title: "002_4e89c4f139ec771b.txt — Long Hậu: 'Điểm sáng' trong phong trào Toàn dân bảo vệ an ninh Tổ quốc",
  date: '2023-10-30',
};
const S003 = {
  title: '003_63db35812c8a6911.txt — Nghệ An: Nhiều mô hình hiệu quả về bảo đảm an ninh trật tự ở cơ sở',
  date: '2023-06-15',
};

/** Nghệ An's rules for self-management of security and order, under which the boards and groups work. */
const DECISION_57 = 'Quyết định số 57/QĐ-UBND ngày 09/6/2006 của UBND tỉnh Nghệ An ban hành quy chế tổ chức và hoạt động tự quản về ANTT';
const SET_UP_BY =
  'Set up and kept running by the commune Party committees and governments (cấp uỷ, chính quyền cấp xã) to develop "tự phòng, tự quản, tự bảo vệ, tự hoà giải" in residential areas.';

const models = [
  // 002 — Long Hậu, 2023: models of the commune's Front committee ("MTTQ có mô hình …").
  {
    id: 'front-model-long-hau-residential-cameras-2023',
    ...front,
    kind: 'residential_area_camera',
    name: 'Gắn camera ở các khu dân cư',
    description:
      'Cameras installed in the residential areas. Linked to the commune police’s "Camera giám sát ANTT", a focus model of the 2023 pilot, as the same commune’s security cameras; the article lists both but does not spell the link out.',
    status: 'active',
    areaCode: LONG_HAU,
    linkedRecords: [{ agency: 'police', kind: 'security_model', id: 'police-model-long-hau-cameras-2023' }],
    sources: [S002],
  },
  {
    id: 'front-model-long-hau-core-force-health-insurance-2023',
    ...front,
    kind: 'core_force_health_insurance',
    name: 'Hỗ trợ thẻ bảo hiểm y tế cho lực lượng nòng cốt',
    status: 'active',
    areaCode: LONG_HAU,
    sources: [S002],
  },
  {
    id: 'front-model-long-hau-traffic-victim-support-2023',
    ...front,
    kind: 'traffic_victim_support',
    name: 'Hỗ trợ kinh phí cho người bị tai nạn giao thông nặng',
    description: 'Money for people badly hurt in traffic accidents, so that they can get back on their feet.',
    status: 'active',
    areaCode: LONG_HAU,
    sources: [S002],
  },
  // 002 — Long Hậu, 2023: models of the Women's Union ("Hội Liên hiệp Phụ nữ có mô hình …").
  {
    id: 'front-model-long-hau-zalo-crime-reporting-2023',
    ...womensUnion,
    kind: 'zalo_crime_reporting',
    name: 'Zalo tố giác tội phạm',
    status: 'active',
    areaCode: LONG_HAU,
    sources: [S002],
  },
  {
    id: 'front-model-long-hau-clean-environment-group-2023',
    ...womensUnion,
    kind: 'clean_environment_security_group',
    name: 'Tổ công dân vì môi trường sáng, xanh, sạch, đẹp, tự quản về ANTT',
    status: 'active',
    areaCode: LONG_HAU,
    sources: [S002],
  },
] as const satisfies readonly WithId<SecurityModelInput>[];

// 003 — Nghệ An: the self-management boards and groups under Decision 57/QĐ-UBND (as of June 2023).
const forces = [
  {
    id: 'front-force-nghe-an-steering-boards-2023',
    ...front,
    kind: 'self_management_steering_board',
    name: 'Ban Chỉ đạo tự quản về ANTT',
    areaCode: NGHE_AN,
    units: 480,
    legalBasis: DECISION_57,
    note: SET_UP_BY,
    sources: [S003],
  },
  {
    id: 'front-force-nghe-an-self-management-boards-2023',
    ...front,
    kind: 'self_management_board',
    name: 'Ban tự quản về ANTT',
    areaCode: NGHE_AN,
    units: 7588,
    legalBasis: DECISION_57,
    note: `${SET_UP_BY} The people’s patrol groups of these boards are the police’s model "Tổ tuần tra Nhân dân của Ban tự quản về an ninh trật tự".`,
    linkedRecords: [{ agency: 'police', kind: 'security_model', id: 'police-model-nghe-an-peoples-patrols-2023' }],
    sources: [S003],
  },
  {
    id: 'front-force-nghe-an-self-management-groups-2023',
    ...front,
    kind: 'self_management_group',
    name: 'Tổ tự quản về ANTT',
    areaCode: NGHE_AN,
    units: 38_578,
    legalBasis: DECISION_57,
    note: SET_UP_BY,
    sources: [S003],
  },
] as const satisfies readonly WithId<VolunteerForceInput>[];

const observations = [
  {
    id: 'front-obs-nghe-an-steering-boards-2023',
    ...front,
    indicator: 'self_management_steering_boards',
    areaCode: NGHE_AN,
    period: '2023',
    value: 480,
    note: '480 Ban Chỉ đạo tự quản',
    sources: [S003],
  },
  {
    id: 'front-obs-nghe-an-self-management-boards-2023',
    ...front,
    indicator: 'self_management_boards',
    areaCode: NGHE_AN,
    period: '2023',
    value: 7588,
    note: '7.588 Ban tự quản',
    sources: [S003],
  },
  {
    id: 'front-obs-nghe-an-self-management-groups-2023',
    ...front,
    indicator: 'self_management_groups',
    areaCode: NGHE_AN,
    period: '2023',
    value: 38_578,
    note: '38.578 Tổ tự quản về ANTT',
    sources: [S003],
  },
] as const satisfies readonly WithId<ObservationInput>[];

/** The Front's and its member organisations' models, forces and figures from the five articles. */
export const frontDataset: AgencyDataset = { agency: 'front', models, forces, observations };

/**
 * Loads the Front’s example data; idempotent. Returns how many records were written. The kit is
 * imported here, not at the top, so that this module stays plain data that tests and tools can
 * read without the server stack.
 */
export async function loadFrontExampleData(target: ExampleDataTarget): Promise<number> {
  const { loadAgencyDataset } = await import('@antq/subgraph-kit');
  return loadAgencyDataset(target.storage, target.registry, frontDataset);
}
