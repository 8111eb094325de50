/*
 * The ground truth the example dataset is checked against: every figure of
 * /work/shared/seeds/README.md, as (article, figure as written, owning agency, observation id,
 * indicator, area, period, value). Shared by the four agencies' example-data tests and the kit's
 * tests that need real figures (each agency's test checks its observations equal these rows).
 */
import type { AgencyDataset } from '@antq/subgraph-kit';

/** The source articles and the date each record cites (004 is undated: dated to the end of the year it reports). */
export const SEED_DATES = {
  '000_a7ea2bf832c86f30.txt': '2017-04-11',
  '001_dd7c2b3e7725a3b0.txt': '2017-08-11',
  '002_4e89c4f139ec771b.txt': '2023-10-30',
  '003_63db35812c8a6911.txt': '2023-06-15',
  '004_226c72acf191d1bb.txt': '2023-12-31',
} as const;
export type SeedFile = keyof typeof SEED_DATES;

/**
 * The units the articles name, with the codes they had then (../data/vn-admin-units/SOURCE.md,
 * "Seed places", and derived/units-2025-03-01.csv for the districts; Hưng Tân 18031 is in the
 * 2024-11-01 register only).
 */
export const SEED_AREAS = {
  '80': 'Tỉnh Long An',
  '807': 'Huyện Cần Giuộc',
  '28177': 'Xã Mỹ Lộc',
  '28168': 'Xã Long Hậu',
  '60': 'Tỉnh Bình Thuận',
  '594': 'Thị xã La Gi',
  '23235': 'Phường Tân An',
  '40': 'Tỉnh Nghệ An',
  '431': 'Huyện Hưng Nguyên',
  '18031': 'Xã Hưng Tân',
  '68': 'Tỉnh Lâm Đồng',
  '676': 'Huyện Lâm Hà',
  '24871': 'Thị trấn Đinh Văn',
} as const;

export interface SeedFigure {
  readonly seed: SeedFile;
  /** The figure as the article writes it. */
  readonly figure: string;
  readonly agency: 'police' | 'front' | 'veterans' | 'youth';
  /** Id of the observation that holds it. */
  readonly id: string;
  readonly indicator: string;
  readonly areaCode: string;
  readonly period: string;
  readonly value: number;
  /** "hơn …" — the value is a lower bound. */
  readonly atLeast?: true;
  /** "khoảng …" — the value is approximate. */
  readonly approximate?: true;
}

const row = (
  seed: SeedFile,
  figure: string,
  [agency, id]: readonly [SeedFigure['agency'], string],
  [indicator, areaCode, period, value]: readonly [string, string, string, number],
  flags: Pick<SeedFigure, 'atLeast' | 'approximate'> = {},
): SeedFigure => ({ seed, figure, agency, id, indicator, areaCode, period, value, ...flags });

const A000 = '000_a7ea2bf832c86f30.txt';
const A001 = '001_dd7c2b3e7725a3b0.txt';
const A003 = '003_63db35812c8a6911.txt';
const A004 = '004_226c72acf191d1bb.txt';

/**
 * Every figure of seeds/README.md. Article 002 (Long Hậu) has no figure that is an observation:
 * its 2023 pilot with 34 criteria and its 2022 rating are police designations, checked in
 * example-data.test.ts. "13/37" and the like give two rows: the year and the year before.
 * "10 triệu đồng/tháng" per team is a rate: the force's funding keeps it, and the observation holds
 * the commune's five teams for the month of the article.
 */
export const SEED_FIGURES: readonly SeedFigure[] = [
  // 000 — Mỹ Lộc (2017): the situation as of the article.
  row(A000, '1 trưởng và 1 phó trưởng công an chính quy', ['police', 'police-obs-my-loc-regular-police-officers-2017'], ['regular_commune_police_officers', '28177', '2017', 2]),
  row(A000, '150 camera', ['police', 'police-obs-my-loc-cameras-2017'], ['cameras_installed', '28177', '2017', 150]),
  row(A000, 'hơn 630 triệu đồng', ['police', 'police-obs-my-loc-camera-funding-2017'], ['community_funding_vnd', '28177', '2017', 630_000_000], { atLeast: true }),
  row(A000, 'Trung tâm quan sát “Camera an ninh”', ['police', 'police-obs-my-loc-camera-centres-2017'], ['camera_observation_centres', '28177', '2017', 1]),
  row(A000, '5 đội dân phòng', ['police', 'police-obs-my-loc-civil-defence-teams-2017'], ['civil_defence_teams', '28177', '2017', 5]),
  row(A000, '52 thành viên', ['police', 'police-obs-my-loc-civil-defence-members-2017'], ['civil_defence_members', '28177', '2017', 52]),
  row(
    A000,
    'hỗ trợ mỗi đội dân phòng 10 triệu đồng/tháng',
    ['police', 'police-obs-my-loc-civil-defence-support-2017-04'],
    ['force_support_funding_vnd', '28177', '2017-04', 5 * 10_000_000],
  ),
  row(
    A000,
    'lập được hồ sơ đưa 4 đối tượng nghiện ma túy vào cơ sở cai nghiện bắt buộc',
    ['police', 'police-obs-my-loc-rehabilitation-2017'],
    ['drug_users_sent_to_rehabilitation', '28177', '2017', 4],
  ),
  row(A000, 'công an huyện thưởng nóng 2 triệu đồng', ['police', 'police-obs-my-loc-reward-2017'], ['rewards_vnd', '28177', '2017', 2_000_000]),

  // 001 — Tân An (2017): "(13/37 vụ)" and the like; 2016 against 2015 (see the dataset's notes).
  row(A001, '(13/37 vụ)', ['police', 'police-obs-tan-an-criminal-offences-2016'], ['criminal_offences', '23235', '2016', 13]),
  row(A001, '(13/37 vụ)', ['police', 'police-obs-tan-an-criminal-offences-2015'], ['criminal_offences', '23235', '2015', 37]),
  row(A001, '(00/01 vụ)', ['police', 'police-obs-tan-an-serious-cases-2016'], ['serious_criminal_cases', '23235', '2016', 0]),
  row(A001, '(00/01 vụ)', ['police', 'police-obs-tan-an-serious-cases-2015'], ['serious_criminal_cases', '23235', '2015', 1]),
  row(A001, '(00/04 vụ)', ['police', 'police-obs-tan-an-snatch-thefts-2016'], ['snatch_thefts', '23235', '2016', 0]),
  row(A001, '(00/04 vụ)', ['police', 'police-obs-tan-an-snatch-thefts-2015'], ['snatch_thefts', '23235', '2015', 4]),
  row(A001, '(03/19 vụ)', ['police', 'police-obs-tan-an-motorbike-thefts-2016'], ['motorbike_thefts', '23235', '2016', 3]),
  row(A001, '(03/19 vụ)', ['police', 'police-obs-tan-an-motorbike-thefts-2015'], ['motorbike_thefts', '23235', '2015', 19]),
  row(
    A001,
    'không để ổ, nhóm tội phạm hoạt động trên địa bàn',
    ['police', 'police-obs-tan-an-organised-groups-2012-2017'],
    ['organised_criminal_groups_active', '23235', '2012-08-22/2017-08-11', 0],
  ),

  // 003 — Nghệ An (2023): counts as of the article.
  row(A003, '480 Ban Chỉ đạo tự quản', ['front', 'front-obs-nghe-an-steering-boards-2023'], ['self_management_steering_boards', '40', '2023', 480]),
  row(A003, '7.588 Ban tự quản', ['front', 'front-obs-nghe-an-self-management-boards-2023'], ['self_management_boards', '40', '2023', 7588]),
  row(A003, '38.578 Tổ tự quản về ANTT', ['front', 'front-obs-nghe-an-self-management-groups-2023'], ['self_management_groups', '40', '2023', 38_578]),
  row(A003, '32 loại mô hình', ['police', 'police-obs-nghe-an-model-types-2023'], ['model_types_in_use', '40', '2023', 32]),
  row(A003, '1.420 địa bàn dân cư', ['police', 'police-obs-nghe-an-model-areas-2023'], ['residential_areas_with_models', '40', '2023', 1420]),
  row(A003, 'tại 31 xứ, họ đạo', ['police', 'police-obs-nghe-an-peaceful-parishes-2023'], ['peaceful_parishes', '40', '2023', 31]),
  row(A003, '49 mô hình“Dòng họ tiêu biểu về an ninh trật tự”', ['police', 'police-obs-nghe-an-exemplary-clans-2023'], ['exemplary_clans', '40', '2023', 49]),
  row(A003, '32 mô hình“Cụm liên kết tự quản về ANTT’', ['police', 'police-obs-nghe-an-self-management-clusters-2023'], ['self_management_clusters', '40', '2023', 32]),
  row(A003, '27 xã thực hiện “Tiếng kẻng bình yên”', ['police', 'police-obs-nghe-an-peaceful-gong-communes-2023'], ['communes_with_peaceful_gong', '40', '2023', 27]),
  row(A003, '107 làng bản, khối xóm', ['police', 'police-obs-nghe-an-drug-free-villages-2023'], ['villages_free_of_drugs_crime', '40', '2023', 107]),
  row(A003, '“Camera an ninh” xây dựng tại 32 điểm', ['police', 'police-obs-nghe-an-camera-sites-2023'], ['camera_sites', '40', '2023', 32]),
  row(
    A003,
    '“Thôn, xóm không có tội phạm, tệ nạn xã hội” xây dựng tại 19 điểm',
    ['police', 'police-obs-nghe-an-crime-free-hamlets-2023'],
    ['hamlets_without_crime', '40', '2023', 19],
  ),
  row(A003, '“Đường cờ Tổ quốc tại các cơ sở tôn giáo” xây dựng tại 04 điểm', ['police', 'police-obs-nghe-an-flag-road-sites-2023'], ['national_flag_road_sites', '40', '2023', 4]),
  row(
    A003,
    '“Tổ tuần tra Nhân dân của Ban tự quản về an ninh trật tự” xây dựng tại 19 điểm',
    ['police', 'police-obs-nghe-an-veterans-patrol-sites-2023'],
    ['veterans_patrol_model_sites', '40', '2023', 19],
  ),
  row(
    A003,
    '12 mô hình được Bộ Công an thông báo biểu dương, nhân rộng',
    ['police', 'police-obs-nghe-an-models-commended-2023'],
    ['models_commended_by_ministry', '40', '2023', 12],
  ),
  row(A003, '96 xã, phường, thị trấn sạch về ma túy', ['police', 'police-obs-nghe-an-drug-free-communes-2023'], ['drug_free_communes', '40', '2023', 96]),

  // 004 — Lâm Hà district and Đinh Văn (2023).
  row(A004, '27 loại mô hình quần chúng', ['police', 'police-obs-lam-ha-model-types-2023'], ['model_types_in_use', '676', '2023', 27]),
  row(A004, 'hơn 13.000 người tham gia', ['police', 'police-obs-lam-ha-participants-2023'], ['mass_model_participants', '676', '2023', 13_000], { atLeast: true }),
  row(A004, 'Camera an ninh với 436 mắt camera', ['police', 'police-obs-lam-ha-cameras-2023'], ['cameras_installed', '676', '2023', 436]),
  row(A004, 'camera tầm cao với 8 mắt camera', ['police', 'police-obs-lam-ha-high-mounted-cameras-2023'], ['high_mounted_cameras_installed', '676', '2023', 8]),
  row(A004, '21/21 tổ dân phố', ['police', 'police-obs-dinh-van-groups-with-cameras-2023'], ['residential_groups_with_cameras', '24871', '2023', 21]),
  row(A004, '21/21 tổ dân phố', ['police', 'police-obs-dinh-van-groups-total-2023'], ['residential_groups_total', '24871', '2023', 21]),
  row(A004, 'khoảng 118 mắt camera', ['police', 'police-obs-dinh-van-cameras-2023'], ['cameras_installed', '24871', '2023', 118], { approximate: true }),
  row(A004, 'giải tán 2 nhóm thanh, thiếu niên', ['police', 'police-obs-dinh-van-youth-groups-dispersed-2023'], ['youth_groups_dispersed', '24871', '2023', 2]),
  row(A004, 'ngăn chặn kịp thời 15 vụ đánh nhau', ['police', 'police-obs-dinh-van-fights-prevented-2023'], ['fights_prevented', '24871', '2023', 15]),
  row(
    A004,
    'truy xét được 2 vụ tai nạn giao thông',
    ['police', 'police-obs-dinh-van-accidents-from-camera-2023'],
    ['traffic_accidents_investigated_from_camera', '24871', '2023', 2],
  ),
  row(
    A004,
    '14 vụ gây rối trật tự công cộng, cố ý gây thương tích',
    ['police', 'police-obs-dinh-van-disorder-from-camera-2023'],
    ['disorder_injury_cases_investigated_from_camera', '24871', '2023', 14],
  ),
  row(A004, '72 súng các loại', ['police', 'police-obs-lam-ha-guns-2023'], ['guns_recovered', '676', '2023', 72]),
  row(A004, '1 ống giảm thanh', ['police', 'police-obs-lam-ha-silencers-2023'], ['silencers_recovered', '676', '2023', 1]),
  row(A004, '1 nòng súng', ['police', 'police-obs-lam-ha-gun-barrels-2023'], ['gun_barrels_recovered', '676', '2023', 1]),
  row(A004, '1 tay cầm súng', ['police', 'police-obs-lam-ha-gun-grips-2023'], ['gun_grips_recovered', '676', '2023', 1]),
  row(A004, '76 vũ khí thô sơ các loại', ['police', 'police-obs-lam-ha-rudimentary-weapons-2023'], ['rudimentary_weapons_recovered', '676', '2023', 76]),
  row(A004, 'bắt và khởi tố 2 vụ 5 đối tượng', ['police', 'police-obs-lam-ha-weapons-cases-2023'], ['weapons_cases_prosecuted', '676', '2023', 2]),
  row(A004, 'bắt và khởi tố 2 vụ 5 đối tượng', ['police', 'police-obs-lam-ha-weapons-suspects-2023'], ['weapons_suspects_prosecuted', '676', '2023', 5]),
];

/**
 * An agency's seed figures as a dataset of observations only — the same observations as the
 * agency's example data (its example-data test holds them equal), for tests outside the services.
 */
export function seedObservationDataset(agency: SeedFigure['agency']): AgencyDataset {
  const observations = SEED_FIGURES.filter((row) => row.agency === agency).map(({ seed, figure, agency: _owner, ...observation }) => ({
    ...observation,
    note: figure,
    sources: [{ title: seed, date: SEED_DATES[seed] }],
  }));
  return { agency, observations };
}
