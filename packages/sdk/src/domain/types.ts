/**
 * The domain of the "All People Protect National Security" movement
 * (Phong trào Toàn dân bảo vệ an ninh Tổ quốc, TDBVANTQ), as shared by every agency.
 *
 * Identifiers are English; the Vietnamese term is given in each doc comment.
 * Dates are ISO calendar dates (`YYYY-MM-DD`); money is whole VND in a safe integer.
 */

/** Cơ quan — an agency that owns a subgraph and its data. */
export const Agency = {
  /** Công an — the police (Ministry of Public Security and its local police). */
  POLICE: 'police',
  /** Mặt trận Tổ quốc Việt Nam — the Fatherland Front with its member organisations. */
  FRONT: 'front',
  /** Hội Cựu chiến binh — the Veterans' Association. */
  VETERANS: 'veterans',
  /** Đoàn Thanh niên Cộng sản Hồ Chí Minh — the Youth Union. */
  YOUTH: 'youth',
} as const;
export type Agency = (typeof Agency)[keyof typeof Agency];

/**
 * Tổ chức — the organisation that runs a record: an agency itself or one of the Front's
 * member organisations (tổ chức thành viên), which the Front's subgraph carries.
 */
export const Organisation = {
  POLICE: 'police',
  /** Ủy ban Mặt trận Tổ quốc — the Front committee itself. */
  FATHERLAND_FRONT: 'fatherland_front',
  /** Hội Liên hiệp Phụ nữ — the Women's Union. */
  WOMENS_UNION: 'womens_union',
  /** Hội Nông dân — the Farmers' Union. */
  FARMERS_UNION: 'farmers_union',
  /** Công đoàn / Liên đoàn Lao động — the trade unions. */
  TRADE_UNION: 'trade_union',
  /** Hội Người cao tuổi — the Elderly Association. */
  ELDERLY_ASSOCIATION: 'elderly_association',
  /** Hội Cựu chiến binh — the Veterans' Association. */
  VETERANS_ASSOCIATION: 'veterans_association',
  /** Đoàn Thanh niên — the Youth Union. */
  YOUTH_UNION: 'youth_union',
} as const;
export type Organisation = (typeof Organisation)[keyof typeof Organisation];

/** Cấp hành chính — the level of an official administrative unit. */
export type AreaLevel = 'province' | 'district' | 'commune';

/**
 * A date on which the national register of administrative units was published in a new form.
 * A unit code means a unit only together with such a date: the 2025 reform reused codes
 * for larger, different units.
 */
export type RegisterDate = '2024-11-01' | '2025-03-01' | '2025-07-01' | '2026-04-30';

/** Đơn vị hành chính — an official administrative unit as one register knows it. */
export interface AdministrativeUnit {
  /** GSO/NSO code (mã đơn vị hành chính): 2 digits province, 3 district, 5 commune. */
  readonly code: string;
  /** Short name, e.g. "Mỹ Lộc". */
  readonly name: string;
  /** Name with its unit type, e.g. "Xã Mỹ Lộc". */
  readonly fullName: string;
  readonly level: AreaLevel;
  /** Loại đơn vị — "Tỉnh", "Thành phố", "Quận", "Huyện", "Thị xã", "Phường", "Xã", "Thị trấn", "Đặc khu". */
  readonly unitType: string;
  /** Code of the parent unit; absent for provinces. */
  readonly parentCode?: string;
  readonly provinceCode: string;
  /** First register date on which the unit appears with this name and parent. */
  readonly validFrom: RegisterDate;
  /** First register date on which it no longer does; absent while it is current. */
  readonly validTo?: RegisterDate;
}

/**
 * Khu dân cư — a residential area below the commune (ấp, thôn, tổ dân phố, khu phố, bản …).
 * It has no official code: its id is local to its commune.
 */
export interface ResidentialArea {
  /** `<commune code>:<local slug>`, e.g. `28168:ap-3`. */
  readonly id: string;
  readonly communeCode: string;
  readonly name: string;
  readonly localKind: ResidentialAreaKind;
}
export type ResidentialAreaKind = 'ap' | 'thon' | 'to_dan_pho' | 'khu_pho' | 'khu_dan_cu' | 'ban' | 'lang' | 'khom' | 'giao_xu' | 'other';

/** Where a record sits: an official unit, optionally a residential area inside it. */
export interface AreaRef {
  /** Code of the official unit (commune, district or province). */
  readonly areaCode: string;
  /** Residential area inside that unit, when the record is that local. */
  readonly residentialAreaId?: string;
}

/** Trạng thái mô hình — where a security model stands. */
export type ModelStatus = 'pilot' | 'active' | 'replicated' | 'commended' | 'stopped';

/** Nguồn kinh phí — where money for a model or force comes from. */
export type FundingSource =
  | 'community' // xã hội hóa
  | 'state_budget' // ngân sách nhà nước
  | 'police' // công an
  | 'organisation' // the running organisation's own funds
  | 'enterprise'
  | 'other';

/** Kinh phí — an amount of money in whole VND. */
export interface Funding {
  /** Whole VND; a safe integer, never a float. */
  readonly amountVnd: number;
  readonly source: FundingSource;
  /** True when the amount is a lower bound ("more than 630 million"). */
  readonly atLeast?: boolean;
  /** Recurrence: once, or per month / per year. */
  readonly recurrence?: 'once' | 'monthly' | 'yearly';
  /** Per what unit the amount is given, e.g. "per team". */
  readonly per?: string;
  readonly note?: string;
}

/** Nguồn lực — a countable resource of a model or force (cameras, bells, bases …). */
export interface Resource {
  /** Resource kind code, e.g. `camera`, `high_mounted_camera`, `base`, `alarm_bell`. */
  readonly kind: string;
  readonly quantity: number;
  /** True when the quantity is approximate ("about 118"). */
  readonly approximate?: boolean;
  readonly note?: string;
}

/** Khen thưởng — a commendation or reward given to a model, force or area. */
export interface Commendation {
  /** Who gave it, e.g. "Bộ Công an", "Công an huyện Cần Giuộc". */
  readonly by: string;
  readonly date?: string;
  readonly year?: number;
  readonly amountVnd?: number;
  readonly note?: string;
}

/** Nhân rộng — where a model has been replicated, and how far. */
export interface Replication {
  /** Official units it was replicated into, when known one by one. */
  readonly areaCodes?: readonly string[];
  /** Number of places (điểm) where it runs, when only counted. */
  readonly sites?: number;
  /** What a site is: `residential_area`, `commune`, `parish`, `clan`, `institution` … */
  readonly siteKind?: string;
  readonly note?: string;
}

/**
 * A link to a security model or a volunteer force of any agency, resolved through the gateway at
 * its owner (the graph's `LinkedRecord`). The record must exist when the link is written.
 */
export interface RecordRef {
  readonly agency: Agency;
  readonly kind: LinkedRecordKind;
  readonly id: string;
}
/** The kinds of record a link may name: what `LinkedRecord` answers. */
export const LINKED_RECORD_KINDS = ['security_model', 'volunteer_force'] as const;
export type LinkedRecordKind = (typeof LINKED_RECORD_KINDS)[number];
export type RecordKind =
  | 'security_model'
  | 'volunteer_force'
  | 'observation'
  | 'complex_area_designation'
  | 'transformation_result'
  | 'safety_recognition'
  | 'exemplary_commune_pilot'
  | 'movement_rating'
  | 'residential_area';

/** Where a fact comes from: a source article, a decision, a report. */
export interface SourceRef {
  /** Title or identifier, e.g. a decision number or a seed article id. */
  readonly title: string;
  readonly date?: string;
  readonly url?: string;
}

/** Fields every owned record carries. */
export interface OwnedRecord {
  /** Stable id, unique within the owning agency. */
  readonly id: string;
  readonly agency: Agency;
  readonly organisation: Organisation;
  readonly sources?: readonly SourceRef[];
}

/** Mô hình — a security model of the movement. */
export interface SecurityModel extends OwnedRecord, AreaRef {
  /** Code from the model-kind catalogue. */
  readonly kind: string;
  /** Name as the locals call it, e.g. "Camera an ninh". */
  readonly name: string;
  readonly description?: string;
  readonly status: ModelStatus;
  readonly startedOn?: string;
  readonly endedOn?: string;
  readonly resources?: readonly Resource[];
  readonly funding?: readonly Funding[];
  /** Kết quả — outcomes in words; figures go into observations. */
  readonly outcomes?: readonly string[];
  readonly replication?: Replication;
  readonly commendations?: readonly Commendation[];
  /** Records of other agencies (or the same) this model works with. */
  readonly linkedRecords?: readonly RecordRef[];
  /** Organisations that take part besides the owner (phối hợp). */
  readonly partners?: readonly Organisation[];
}

/** Lực lượng quần chúng — a volunteer or mass force. */
export interface VolunteerForce extends OwnedRecord, AreaRef {
  /** Code from the force-kind catalogue. */
  readonly kind: string;
  readonly name: string;
  /** Number of units (teams, boards, groups) the record counts. */
  readonly units: number;
  /** Total members across those units, when known. */
  readonly members?: number;
  readonly establishedOn?: string;
  /** Legal basis, e.g. "Luật 30/2023/QH15", "QĐ 57/QĐ-UBND". */
  readonly legalBasis?: string;
  readonly funding?: readonly Funding[];
  readonly equipment?: readonly Resource[];
  readonly linkedRecords?: readonly RecordRef[];
  readonly note?: string;
}

/** Đơn vị đo — the unit of an indicator's values. */
export type IndicatorUnit =
  | 'count' // cases, people, items
  | 'vnd'
  | 'percent'
  | 'ratio';

/** Chỉ tiêu — an indicator from the catalogue. */
export interface Indicator {
  /** Stable code, e.g. `criminal_offences`. */
  readonly code: string;
  readonly label: { readonly vi: string; readonly en: string };
  readonly unit: IndicatorUnit;
  /** What one is counted in, e.g. "cases", "people", "cameras". */
  readonly countOf?: string;
  /** Whether values for sibling areas may be added up to their parent. */
  readonly summableOverAreas: boolean;
  /** Whether values for consecutive periods may be added up to a longer period. */
  readonly summableOverPeriods: boolean;
  /** The agency that normally reports it. */
  readonly reportedBy: Agency;
  /** Whether a lower value is better (offences) or a higher one (cases solved). */
  readonly better: 'lower' | 'higher' | 'neither';
}

/** Kỳ — the kind of a reporting period. */
export type PeriodKind = 'month' | 'quarter' | 'year' | 'range';

/**
 * Kỳ báo cáo — a reporting period: a month (`2023-05`), a quarter (`2023-Q2`), a year (`2023`)
 * or an inclusive date range (`2023-01-15/2023-06-30`).
 */
export interface Period {
  readonly kind: PeriodKind;
  /** First day, inclusive. */
  readonly start: string;
  /** Last day, inclusive. */
  readonly end: string;
}

/** Số liệu — one observed value of an indicator for an area and a period. */
export interface Observation {
  readonly id: string;
  readonly indicator: string;
  readonly areaCode: string;
  readonly residentialAreaId?: string;
  /** The period in its string form (see {@link Period}). */
  readonly period: string;
  readonly value: number;
  readonly agency: Agency;
  readonly organisation?: Organisation;
  /** 1 for the first report; each correction adds one and keeps the earlier revision. */
  readonly revision: number;
  readonly reportedAt?: string;
  /** True when the value is a lower bound ("more than 13,000 participants"). */
  readonly atLeast?: boolean;
  /** True when the value is approximate ("about 118 cameras"). */
  readonly approximate?: boolean;
  readonly note?: string;
  readonly sources?: readonly SourceRef[];
}

/** Danh sách địa bàn trọng điểm — which list an area is designated on. */
export type ComplexAreaList =
  /** Địa bàn trọng điểm, phức tạp về ANTT — the Ministry's list. */
  | 'ANTT'
  /** Địa bàn trọng điểm, phức tạp về TTATXH — the provincial transformation list. */
  | 'TTATXH';

/** Địa bàn trọng điểm, phức tạp — designation of a key complex area. */
export interface ComplexAreaDesignation extends OwnedRecord, AreaRef {
  readonly list: ComplexAreaList;
  /** Dominant problems, e.g. `social_order`, `drugs`, `economic`, `environment`. */
  readonly problemTypes: readonly string[];
  readonly year: number;
  readonly decisionRef?: string;
  readonly note?: string;
}

/** Kết quả chuyển hóa địa bàn — the yearly outcome of transforming a designated area. */
export interface TransformationResult extends OwnedRecord {
  readonly designationId: string;
  /** Year the outcome was judged; for a multi-year plan, the last year. */
  readonly year: number;
  /** First year of the plan when it ran over several years. */
  readonly sinceYear?: number;
  readonly outcome: 'achieved' | 'basically_achieved' | 'not_achieved' | 'relapsed';
  readonly note?: string;
}

/** Công nhận "An toàn về ANTT" — recognition of a unit as safe for security and order for a year. */
export interface SafetyRecognition extends OwnedRecord, AreaRef {
  readonly unitKind: 'residential_area' | 'commune' | 'agency' | 'enterprise' | 'school';
  readonly year: number;
  readonly recognised: boolean;
  /** The standard applied: Circular 23/2012/TT-BCA or 124/2021/TT-BCA. */
  readonly standard: string;
  /** Provincial instrument that applies it, e.g. "Chỉ thị 30/CT-UBND (2012-08-22)". */
  readonly implementingAct?: string;
  readonly decisionRef?: string;
}

/** Xã điển hình về phong trào TDBVANTQ — an exemplary-commune pilot and its criteria. */
export interface ExemplaryCommunePilot extends OwnedRecord, AreaRef {
  readonly year: number;
  /** 34 under Decision 9745/QĐ-BCA-V05. */
  readonly criteriaTotal: number;
  /** Criteria met at the last assessment, when assessed. */
  readonly criteriaMet?: number;
  readonly decisionRef?: string;
  readonly focusModelIds?: readonly string[];
}

/** Xếp loại phong trào — the yearly rating of the movement in a unit (Decision 510/QĐ-BCA-V05). */
export interface MovementRating extends OwnedRecord, AreaRef {
  readonly year: number;
  readonly rating: MovementRatingClass;
  readonly score?: number;
  readonly decisionRef?: string;
}
/** xuất sắc / khá / trung bình / yếu. */
export type MovementRatingClass = 'excellent' | 'good' | 'average' | 'weak';

/** Nhãn — a label in Vietnamese and in English. */
export interface Label {
  readonly vi: string;
  readonly en: string;
}

/** Loại mô hình — a kind of security model, as the model-kind catalogue lists it. */
export interface ModelKind {
  /** Stable snake_case code, e.g. `security_camera`. */
  readonly code: string;
  readonly label: Label;
  /** The agency that usually runs this kind of model. */
  readonly agency: Agency;
  /** The organisation that usually runs it (carried by {@link ModelKind.agency}'s subgraph). */
  readonly organisation: Organisation;
  readonly description: string;
}

/** Loại lực lượng — a kind of volunteer or mass force, as the force-kind catalogue lists it. */
export interface ForceKind {
  /** Stable snake_case code, e.g. `civil_defence_team`. */
  readonly code: string;
  readonly label: Label;
  /** The agency that usually sets up or guides this kind of force. */
  readonly agency: Agency;
  readonly organisation: Organisation;
  /** The instrument the force rests on, where known, e.g. "Luật 30/2023/QH15". */
  readonly legalBasis?: string;
  /** The day the legal basis took effect, where it matters (ISO date). */
  readonly inForceFrom?: string;
  /** Code of the force kind that took this one over, for a kind that no longer exists. */
  readonly replacedBy?: string;
  /** The day it was replaced (ISO date). */
  readonly replacedOn?: string;
  readonly description: string;
}
