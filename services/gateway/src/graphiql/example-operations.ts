/**
 * Truy vấn mẫu cho cán bộ phân tích — the saved example operations GraphiQL opens with at
 * `/graphql`, one tab each, labelled in Vietnamese and English. They run against the example
 * dataset (the five source articles): a test runs every one through the gateway and expects no
 * errors, so they stay in step with the schema.
 *
 * GraphiQL names a tab after its operation, so operation names carry both languages
 * (`TongQuanDiaBan_AreaOverview`); the comment block at the top of each document says the rest.
 * The figures need a token with at least `shared` clearance: add the header
 * `Authorization: Bearer <token>` in the Headers pane (`npm start` prints one per agency).
 */

export interface ExampleOperation {
  /** Operation name, also the GraphiQL tab title. */
  readonly name: string;
  readonly label: { readonly vi: string; readonly en: string };
  readonly query: string;
  readonly variables?: Readonly<Record<string, unknown>>;
}

const HOW_TO = `#   Thêm header / add the header:  Authorization: Bearer <token>   (npm start in ra token / prints tokens)
#   Chạy / run: Ctrl-Enter`;

/** Tổng quan địa bàn — one area across the four agencies. */
const areaOverview: ExampleOperation = {
  name: 'TongQuanDiaBan_AreaOverview',
  label: {
    vi: 'Tổng quan địa bàn: xã Cần Giuộc (28159) qua bốn cơ quan — Công an, Mặt trận, Hội Cựu chiến binh, Đoàn Thanh niên',
    en: 'Area overview: Cần Giuộc commune (28159) across the four agencies — police, Fatherland Front, Veterans, Youth Union',
  },
  query: `# Tổng quan địa bàn — xã Cần Giuộc (28159), gồm cả các xã cũ trước 2025 (Long Hậu, Phước Lại…)
# Area overview — Cần Giuộc commune (28159), its pre-2025 units (Long Hậu, Phước Lại…) included
${HOW_TO}
query TongQuanDiaBan_AreaOverview($code: ID! = "28159") {
  area(code: $code) {
    code
    fullName
    level
    province { code fullName }
    # Kế thừa từ các đơn vị trước 2025 / taken over from the pre-2025 units
    predecessors { area { code fullName } relation effectiveOn resolution }
    # Công an / Police
    police {
      models(first: 10) { totalCount nodes { name status kind { label { vi en } } } }
      forces(first: 10) { totalCount nodes { name units members } }
      exemplaryCommunePilots { year criteriaTotal criteriaMet decisionRef }
      movementRatings { year rating score }
    }
    # Mặt trận Tổ quốc / Fatherland Front
    front {
      models(first: 10) { totalCount nodes { name organisation kind { label { vi en } } } }
      forces(first: 10) { totalCount }
    }
    # Hội Cựu chiến binh / Veterans' Association
    veterans {
      models(first: 10) { totalCount nodes { name kind { label { vi en } } } }
      forces(first: 10) { totalCount }
    }
    # Đoàn Thanh niên / Youth Union
    youth {
      models(first: 10) { totalCount nodes { name kind { label { vi en } } } }
      forces(first: 10) { totalCount }
    }
  }
}
`,
};

/** So sánh số liệu một xã — a seed commune before 2025 and its 2025 successor, side by side. */
const communeComparison: ExampleOperation = {
  name: 'SoSanhSoLieuXa_CompareCommuneFigures',
  label: {
    vi: 'So sánh số liệu: xã Long Hậu (28168, trước 2025) và xã kế thừa Cần Giuộc (28159)',
    en: "Compare a commune's figures: Long Hậu (28168, before 2025) and its successor Cần Giuộc (28159)",
  },
  query: `# So sánh số liệu — xã Long Hậu (28168, đơn vị cũ) và xã Cần Giuộc (28159) tiếp nhận Long Hậu từ 01/07/2025.
# Đổi $indicator / $period để so sánh chỉ tiêu khác; "comparison" đặt kỳ này cạnh kỳ trước ("13/37").
# Compare figures — Long Hậu (28168, the old unit) and Cần Giuộc (28159), which took it over on 2025-07-01.
# Change $indicator / $period for another indicator; "comparison" sets this period against the previous one.
${HOW_TO}
query SoSanhSoLieuXa_CompareCommuneFigures($indicator: ID! = "cameras_installed", $period: String! = "2023") {
  # Đơn vị cũ: hồ sơ ghi theo Long Hậu / the old unit: records filed under Long Hậu
  longHau: area(code: "28168") { ...CommuneFigures }
  # Đơn vị hiện hành: cùng hồ sơ, cộng thêm các xã cũ khác / the current unit: the same records, other former communes added
  canGiuoc: area(code: "28159") {
    ...CommuneFigures
    # Tổng hợp cho đơn vị hiện hành; đơn vị cũ: area(code:, on: "2024-06-01") / roll-ups of the current unit; a past one: area(code:, on:)
    police { metric(indicator: $indicator, period: $period) { ...Figure } }
    front { metric(indicator: $indicator, period: $period) { ...Figure } }
    veterans { metric(indicator: $indicator, period: $period) { ...Figure } }
    youth { metric(indicator: $indicator, period: $period) { ...Figure } }
  }
}

fragment CommuneFigures on Area {
  code
  fullName
  current
  currentUnits { area { code fullName } effectiveOn }
  police {
    models { totalCount }
    forces { totalCount }
    exemplaryCommunePilots { year criteriaTotal criteriaMet }
    movementRatings { year rating }
  }
  front { models { totalCount } forces { totalCount } }
  veterans { models { totalCount } forces { totalCount } }
  youth { models { totalCount } forces { totalCount } }
}

fragment Figure on MetricRollUp {
  indicator { code label { vi en } }
  value
  comparison { previousPeriod current previous change changePercent direction text }
}
`,
};

/** So sánh cùng kỳ — a commune's figures against the previous year, as the article gives them. */
const periodComparison: ExampleOperation = {
  name: 'SoSanhCungKy_PeriodComparison',
  label: {
    vi: 'So sánh cùng kỳ: phường Tân An (thị xã La Gi), năm 2016 so với 2015 ("13/37 vụ")',
    en: 'Year-on-year comparison: Tân An ward (La Gi), 2016 against 2015 ("13/37 cases")',
  },
  query: `# So sánh cùng kỳ — phường Tân An (23235), tội phạm giảm so với năm liền kề (bài 001: "13/37 vụ").
# Year-on-year comparison — Tân An ward (23235): offences against the adjacent year (article 001: "13/37").
${HOW_TO}
query SoSanhCungKy_PeriodComparison($code: ID! = "23235", $period: String! = "2016") {
  area(code: $code) {
    code
    fullName
    police {
      criminalOffences: metric(indicator: "criminal_offences", period: $period) { ...Comparison }
      seriousCases: metric(indicator: "serious_criminal_cases", period: $period) { ...Comparison }
      snatchThefts: metric(indicator: "snatch_thefts", period: $period) { ...Comparison }
      motorbikeThefts: metric(indicator: "motorbike_thefts", period: $period) { ...Comparison }
    }
  }
}

fragment Comparison on MetricRollUp {
  indicator { label { vi en } }
  period
  value
  comparison { previousPeriod previous change changePercent direction text }
}
`,
};

/** Tổng hợp cấp tỉnh — a province's figure summed over its subtree and its pre-2025 units. */
const provinceRollUp: ExampleOperation = {
  name: 'TongHopCapTinh_ProvinceRollUp',
  label: {
    vi: 'Tổng hợp cấp tỉnh: tỉnh Tây Ninh (80) sau sắp xếp 2025, cộng cả số liệu của các đơn vị cũ (Long An)',
    en: 'Province roll-up: Tây Ninh (80) after the 2025 reorganisation, figures of its former units (Long An) included',
  },
  query: `# Tổng hợp cấp tỉnh — tỉnh Tây Ninh (80) từ 01/07/2025 gồm tỉnh Long An và tỉnh Tây Ninh cũ.
# Số liệu của các xã cũ (Mỹ Lộc, 2017) được cộng theo quan hệ kế thừa: via = LINEAGE.
# Province roll-up — Tây Ninh (80) since 2025-07-01 takes in the former Long An and Tây Ninh provinces.
# Figures of former communes (Mỹ Lộc, 2017) are summed along the lineage: via = LINEAGE.
${HOW_TO}
query TongHopCapTinh_ProvinceRollUp($code: ID! = "80", $period: String! = "2017") {
  area(code: $code) {
    code
    fullName
    validFrom
    predecessors { area { code fullName validTo } relation effectiveOn resolution }
    police {
      cameras: metric(indicator: "cameras_installed", period: $period) { ...RollUp }
      civilDefenceMembers: metric(indicator: "civil_defence_members", period: $period) { ...RollUp }
    }
  }
}

fragment RollUp on MetricRollUp {
  indicator { code label { vi en } unit }
  period
  value
  contributions { area { code fullName current } period value via }
  partial { area { code fullName } value into { area { code fullName } } }
}
`,
};

/** The saved operations, in the order GraphiQL shows their tabs. */
export const EXAMPLE_OPERATIONS: readonly ExampleOperation[] = [areaOverview, communeComparison, periodComparison, provinceRollUp];

/** GraphiQL's tabs for the example operations (Yoga's `defaultTabs`). */
export function exampleGraphiQLTabs(): { query: string; variables: string | null }[] {
  return EXAMPLE_OPERATIONS.map((operation) => ({
    query: operation.query,
    variables: operation.variables ? JSON.stringify(operation.variables, null, 2) : null,
  }));
}
