import type {
  ComplexAreaList,
  Funding,
  FundingSource,
  Label,
  ModelStatus,
  MovementRatingClass,
  RecordKind,
  ResidentialAreaKind,
  SafetyRecognition,
  TransformationResult,
} from '../domain/types.js';

/*
 * Small enumerations with their labels, each a record from code to `{ vi, en }`. Where the
 * domain types already name the codes, the record is checked to cover every one of them.
 * Codes are stable: add codes, never rename or remove one.
 */

/** Trạng thái mô hình. */
export const MODEL_STATUSES = {
  pilot: { vi: 'Thí điểm', en: 'Pilot' },
  active: { vi: 'Đang hoạt động', en: 'Active' },
  replicated: { vi: 'Đã nhân rộng', en: 'Replicated' },
  commended: { vi: 'Được biểu dương, khen thưởng', en: 'Commended' },
  stopped: { vi: 'Đã dừng', en: 'Stopped' },
} as const satisfies Record<ModelStatus, Label>;

/** Nguồn kinh phí. */
export const FUNDING_SOURCES = {
  community: { vi: 'Xã hội hóa', en: 'Community funding (xã hội hóa)' },
  state_budget: { vi: 'Ngân sách nhà nước', en: 'State budget' },
  police: { vi: 'Công an', en: 'Police' },
  organisation: { vi: 'Kinh phí của tổ chức', en: 'The organisation’s own funds' },
  enterprise: { vi: 'Doanh nghiệp', en: 'Enterprise' },
  other: { vi: 'Nguồn khác', en: 'Other source' },
} as const satisfies Record<FundingSource, Label>;

/** How often an amount of funding is given. */
export type FundingRecurrence = NonNullable<Funding['recurrence']>;

/** Định kỳ kinh phí. */
export const FUNDING_RECURRENCES = {
  once: { vi: 'Một lần', en: 'Once' },
  monthly: { vi: 'Hằng tháng', en: 'Monthly' },
  yearly: { vi: 'Hằng năm', en: 'Yearly' },
} as const satisfies Record<FundingRecurrence, Label>;

/** Xếp loại phong trào (Decision 510/QĐ-BCA-V05; class names not verified against the text). */
export const MOVEMENT_RATING_CLASSES = {
  excellent: { vi: 'Xuất sắc', en: 'Excellent' },
  good: { vi: 'Khá', en: 'Good' },
  average: { vi: 'Trung bình', en: 'Average' },
  weak: { vi: 'Yếu', en: 'Weak' },
} as const satisfies Record<MovementRatingClass, Label>;

/** Danh sách địa bàn trọng điểm. */
export const COMPLEX_AREA_LISTS = {
  ANTT: { vi: 'Địa bàn trọng điểm, phức tạp về an ninh, trật tự', en: 'Key area complex in security and order (Ministry list)' },
  TTATXH: {
    vi: 'Địa bàn trọng điểm, phức tạp về trật tự, an toàn xã hội',
    en: 'Key area complex in social order and safety (provincial transformation list)',
  },
} as const satisfies Record<ComplexAreaList, Label>;

/** Loại vấn đề phức tạp — the dominant problems of a key complex area (one area may have several). */
export const COMPLEX_AREA_PROBLEM_TYPES = {
  social_order: {
    vi: 'Tội phạm về trật tự xã hội và tệ nạn xã hội',
    en: 'Crimes against social order and social evils',
  },
  economic: { vi: 'Tội phạm về quản lý kinh tế', en: 'Economic-management crime' },
  environment: {
    vi: 'Tội phạm về môi trường, tài nguyên, an toàn thực phẩm',
    en: 'Environment, resources and food-safety crime',
  },
  drugs: { vi: 'Tội phạm về ma túy', en: 'Drug crime' },
  security: { vi: 'Phức tạp về an ninh', en: 'Security (political) problems' },
  other: { vi: 'Vấn đề khác', en: 'Other problems' },
} as const satisfies Record<string, Label>;
export type ComplexAreaProblemType = keyof typeof COMPLEX_AREA_PROBLEM_TYPES;

/** The outcome of transforming a key complex area. */
export type TransformationOutcome = TransformationResult['outcome'];

/** Kết quả chuyển hóa địa bàn. */
export const TRANSFORMATION_OUTCOMES = {
  achieved: { vi: 'Hoàn thành chuyển hóa', en: 'Transformed' },
  basically_achieved: { vi: 'Cơ bản hoàn thành chuyển hóa', en: 'Basically transformed' },
  not_achieved: { vi: 'Chưa hoàn thành chuyển hóa', en: 'Not transformed' },
  relapsed: { vi: 'Tái phức tạp', en: 'Relapsed' },
} as const satisfies Record<TransformationOutcome, Label>;

/** The kind of unit recognised "safe for security and order". */
export type SafetyUnitKind = SafetyRecognition['unitKind'];

/** Loại đơn vị được công nhận "An toàn về ANTT" (Circular 124/2021/TT-BCA, Art. 1). */
export const SAFETY_UNIT_KINDS = {
  residential_area: { vi: 'Khu dân cư', en: 'Residential area' },
  commune: { vi: 'Xã, phường, thị trấn', en: 'Commune, ward or town' },
  agency: { vi: 'Cơ quan', en: 'Agency' },
  enterprise: { vi: 'Doanh nghiệp', en: 'Enterprise' },
  school: { vi: 'Cơ sở giáo dục', en: 'Educational institution' },
} as const satisfies Record<SafetyUnitKind, Label>;

/** Loại khu dân cư — the local kinds of residential area (Circular 124/2021/TT-BCA, Art. 2). */
export const RESIDENTIAL_AREA_KINDS = {
  ap: { vi: 'Ấp', en: 'Hamlet (ấp)' },
  thon: { vi: 'Thôn', en: 'Village (thôn)' },
  to_dan_pho: { vi: 'Tổ dân phố', en: 'Residential group (tổ dân phố)' },
  khu_pho: { vi: 'Khu phố', en: 'Urban quarter (khu phố)' },
  khu_dan_cu: { vi: 'Khu dân cư', en: 'Residential area (khu dân cư)' },
  ban: { vi: 'Bản', en: 'Mountain village (bản)' },
  lang: { vi: 'Làng', en: 'Village (làng)' },
  khom: { vi: 'Khóm', en: 'Hamlet (khóm)' },
  giao_xu: { vi: 'Giáo xứ', en: 'Parish (giáo xứ)' },
  other: { vi: 'Khác (buôn, phum, sóc, xóm …)', en: 'Other (buôn, phum, sóc, xóm …)' },
} as const satisfies Record<ResidentialAreaKind, Label>;

/** Loại nguồn lực — countable resources of a model or force. */
export const RESOURCE_KINDS = {
  camera: { vi: 'Camera an ninh', en: 'Security camera' },
  high_mounted_camera: { vi: 'Camera tầm cao', en: 'High-mounted camera' },
  observation_centre: { vi: 'Trung tâm quan sát', en: 'Observation centre' },
  base: { vi: 'Trụ sở, chốt trực', en: 'Base' },
  alarm_bell: { vi: 'Chuông cảnh báo', en: 'Alarm bell' },
  gong: { vi: 'Kẻng', en: 'Gong' },
  barrier: { vi: 'Rào chắn', en: 'Barrier' },
  support_tool: { vi: 'Công cụ hỗ trợ', en: 'Support tool' },
  fire_equipment: { vi: 'Phương tiện phòng cháy, chữa cháy', en: 'Fire-fighting equipment' },
  vehicle: { vi: 'Phương tiện đi lại', en: 'Vehicle' },
  officer: { vi: 'Cán bộ', en: 'Officer' },
  member: { vi: 'Thành viên', en: 'Member' },
  other: { vi: 'Khác', en: 'Other' },
} as const satisfies Record<string, Label>;
export type ResourceKind = keyof typeof RESOURCE_KINDS;

/** Loại điểm nhân rộng — what one place a model was replicated into is. */
export const REPLICATION_SITE_KINDS = {
  residential_area: { vi: 'Khu dân cư', en: 'Residential area' },
  commune: { vi: 'Xã, phường, thị trấn', en: 'Commune, ward or town' },
  parish: { vi: 'Giáo xứ, giáo họ', en: 'Parish' },
  clan: { vi: 'Dòng họ', en: 'Clan' },
  cluster: { vi: 'Cụm liên kết', en: 'Cluster' },
  religious_site: { vi: 'Cơ sở tôn giáo', en: 'Religious site' },
  institution: { vi: 'Cơ quan, tổ chức', en: 'Institution' },
  enterprise: { vi: 'Doanh nghiệp', en: 'Enterprise' },
  boarding_house: { vi: 'Nhà trọ', en: 'Boarding house' },
  site: { vi: 'Điểm', en: 'Site' },
  other: { vi: 'Khác', en: 'Other' },
} as const satisfies Record<string, Label>;
export type ReplicationSiteKind = keyof typeof REPLICATION_SITE_KINDS;

/** Loại bản ghi — the kinds of record one record may link to. */
export const RECORD_KINDS = {
  security_model: { vi: 'Mô hình', en: 'Security model' },
  volunteer_force: { vi: 'Lực lượng quần chúng', en: 'Volunteer force' },
  observation: { vi: 'Số liệu', en: 'Observation' },
  complex_area_designation: { vi: 'Địa bàn trọng điểm, phức tạp', en: 'Complex-area designation' },
  transformation_result: { vi: 'Kết quả chuyển hóa địa bàn', en: 'Transformation result' },
  safety_recognition: { vi: 'Công nhận “An toàn về ANTT”', en: 'Safety recognition' },
  exemplary_commune_pilot: { vi: 'Xã điển hình phong trào', en: 'Exemplary-commune pilot' },
  movement_rating: { vi: 'Xếp loại phong trào', en: 'Movement rating' },
  residential_area: { vi: 'Khu dân cư', en: 'Residential area' },
} as const satisfies Record<RecordKind, Label>;

/**
 * Whether `value` is a code of one of the enumerations above, e.g.
 * `isCodeOf(MODEL_STATUSES, input)` narrows `input` to `ModelStatus`.
 */
export function isCodeOf<R extends Readonly<Record<string, Label>>>(record: R, value: unknown): value is keyof R & string {
  return typeof value === 'string' && Object.hasOwn(record, value);
}
