import { describe, expect, it } from 'vitest';
import { AntqError, ErrorCode } from '../errors.js';
import { validateObservationInput } from '../validation/observation-input.js';
import { getIndicator, INDICATORS, isIndicatorCode, requireIndicator, suggestIndicators } from './indicators.js';

/**
 * Every figure of the source articles, as (seed file, figure as written, value, indicator).
 * "13/37" gives two rows: this period and the previous one. The figures were checked verbatim
 * against /work/shared/seeds/*.txt when this table was written. Figures that are fields of a
 * record rather than observations (the 34 criteria of Long Hậu's pilot, 2022's "xuất sắc", the
 * five years of Tân An's transformation) are covered by the validation tests.
 */
const SEED_FIGURES: readonly (readonly [seed: string, figure: string, value: number, indicator: string])[] = [
  ['000_a7ea2bf832c86f30.txt', '150 camera', 150, 'cameras_installed'],
  ['000_a7ea2bf832c86f30.txt', 'hơn 630 triệu đồng', 630_000_000, 'community_funding_vnd'],
  ['000_a7ea2bf832c86f30.txt', '5 đội dân phòng', 5, 'civil_defence_teams'],
  ['000_a7ea2bf832c86f30.txt', '52 thành viên', 52, 'civil_defence_members'],
  ['000_a7ea2bf832c86f30.txt', '10 triệu đồng/tháng', 10_000_000, 'force_support_funding_vnd'],
  ['000_a7ea2bf832c86f30.txt', '4 đối tượng nghiện ma túy', 4, 'drug_users_sent_to_rehabilitation'],
  ['000_a7ea2bf832c86f30.txt', 'thưởng nóng 2 triệu đồng', 2_000_000, 'rewards_vnd'],
  ['000_a7ea2bf832c86f30.txt', '1 trưởng và 1 phó trưởng', 2, 'regular_commune_police_officers'],
  ['000_a7ea2bf832c86f30.txt', 'Trung tâm quan sát “Camera an ninh”', 1, 'camera_observation_centres'],
  ['001_dd7c2b3e7725a3b0.txt', '(13/37 vụ)', 13, 'criminal_offences'],
  ['001_dd7c2b3e7725a3b0.txt', '(13/37 vụ)', 37, 'criminal_offences'],
  ['001_dd7c2b3e7725a3b0.txt', '(00/01 vụ)', 0, 'serious_criminal_cases'],
  ['001_dd7c2b3e7725a3b0.txt', '(00/01 vụ)', 1, 'serious_criminal_cases'],
  ['001_dd7c2b3e7725a3b0.txt', '(00/04 vụ)', 0, 'snatch_thefts'],
  ['001_dd7c2b3e7725a3b0.txt', '(00/04 vụ)', 4, 'snatch_thefts'],
  ['001_dd7c2b3e7725a3b0.txt', '(03/19 vụ)', 3, 'motorbike_thefts'],
  ['001_dd7c2b3e7725a3b0.txt', '(03/19 vụ)', 19, 'motorbike_thefts'],
  ['001_dd7c2b3e7725a3b0.txt', 'không để ổ, nhóm tội phạm hoạt động', 0, 'organised_criminal_groups_active'],
  ['003_63db35812c8a6911.txt', '480 Ban Chỉ đạo tự quản', 480, 'self_management_steering_boards'],
  ['003_63db35812c8a6911.txt', '7.588 Ban tự quản', 7588, 'self_management_boards'],
  ['003_63db35812c8a6911.txt', '38.578 Tổ tự quản về ANTT', 38_578, 'self_management_groups'],
  ['003_63db35812c8a6911.txt', '32 loại mô hình', 32, 'model_types_in_use'],
  ['003_63db35812c8a6911.txt', '1.420 địa bàn dân cư', 1420, 'residential_areas_with_models'],
  ['003_63db35812c8a6911.txt', '31 xứ, họ đạo', 31, 'peaceful_parishes'],
  ['003_63db35812c8a6911.txt', '49 mô hình“Dòng họ tiêu biểu', 49, 'exemplary_clans'],
  ['003_63db35812c8a6911.txt', '32 mô hình“Cụm liên kết tự quản', 32, 'self_management_clusters'],
  ['003_63db35812c8a6911.txt', '27 xã thực hiện “Tiếng kẻng bình yên”', 27, 'communes_with_peaceful_gong'],
  ['003_63db35812c8a6911.txt', '107 làng bản, khối xóm', 107, 'villages_free_of_drugs_crime'],
  ['003_63db35812c8a6911.txt', '“Camera an ninh” xây dựng tại 32 điểm', 32, 'camera_sites'],
  ['003_63db35812c8a6911.txt', 'tệ nạn xã hội” xây dựng tại 19 điểm', 19, 'hamlets_without_crime'],
  ['003_63db35812c8a6911.txt', 'tại các cơ sở tôn giáo” xây dựng tại 04 điểm', 4, 'national_flag_road_sites'],
  ['003_63db35812c8a6911.txt', 'của Ban tự quản về an ninh trật tự” xây dựng tại 19 điểm', 19, 'veterans_patrol_model_sites'],
  ['003_63db35812c8a6911.txt', '12 mô hình được Bộ Công an thông báo biểu dương', 12, 'models_commended_by_ministry'],
  ['003_63db35812c8a6911.txt', '96 xã, phường, thị trấn sạch về ma túy', 96, 'drug_free_communes'],
  ['004_226c72acf191d1bb.txt', '27 loại mô hình quần chúng', 27, 'model_types_in_use'],
  ['004_226c72acf191d1bb.txt', 'hơn 13.000 người tham gia', 13_000, 'mass_model_participants'],
  ['004_226c72acf191d1bb.txt', '436 mắt camera', 436, 'cameras_installed'],
  ['004_226c72acf191d1bb.txt', 'camera tầm cao với 8 mắt camera', 8, 'high_mounted_cameras_installed'],
  ['004_226c72acf191d1bb.txt', '21/21 tổ dân phố', 21, 'residential_groups_with_cameras'],
  ['004_226c72acf191d1bb.txt', '21/21 tổ dân phố', 21, 'residential_groups_total'],
  ['004_226c72acf191d1bb.txt', 'khoảng 118 mắt camera', 118, 'cameras_installed'],
  ['004_226c72acf191d1bb.txt', '2 nhóm thanh, thiếu niên', 2, 'youth_groups_dispersed'],
  ['004_226c72acf191d1bb.txt', '15 vụ đánh nhau', 15, 'fights_prevented'],
  ['004_226c72acf191d1bb.txt', '2 vụ tai nạn giao thông', 2, 'traffic_accidents_investigated_from_camera'],
  ['004_226c72acf191d1bb.txt', '14 vụ gây rối trật tự công cộng, cố ý gây thương tích', 14, 'disorder_injury_cases_investigated_from_camera'],
  ['004_226c72acf191d1bb.txt', '72 súng các loại', 72, 'guns_recovered'],
  ['004_226c72acf191d1bb.txt', '1 ống giảm thanh', 1, 'silencers_recovered'],
  ['004_226c72acf191d1bb.txt', '1 nòng súng', 1, 'gun_barrels_recovered'],
  ['004_226c72acf191d1bb.txt', '1 tay cầm súng', 1, 'gun_grips_recovered'],
  ['004_226c72acf191d1bb.txt', '76 vũ khí thô sơ các loại', 76, 'rudimentary_weapons_recovered'],
  ['004_226c72acf191d1bb.txt', 'khởi tố 2 vụ 5 đối tượng', 2, 'weapons_cases_prosecuted'],
  ['004_226c72acf191d1bb.txt', 'khởi tố 2 vụ 5 đối tượng', 5, 'weapons_suspects_prosecuted'],
];

describe('indicator catalogue', () => {
  it.each(SEED_FIGURES)('%s: "%s" = %d is indicator %s, and validates as an observation', (_seed, _figure, value, code) => {
    const indicator = requireIndicator(code);
    const observation = validateObservationInput({
      indicator: code,
      areaCode: String(10_000 + Math.floor(Math.random() * 89_999)),
      period: '2023',
      value,
    });
    expect(observation.value).toBe(value);
    expect(indicator.unit === 'vnd' || indicator.unit === 'count').toBe(true);
  });

  it('gives every indicator both labels and a consistent way of adding up', () => {
    for (const indicator of INDICATORS) {
      expect(indicator.label.vi.trim(), indicator.code).not.toBe('');
      expect(indicator.label.en.trim(), indicator.code).not.toBe('');
      // Whatever adds up over periods (events) also adds up over areas.
      if (indicator.summableOverPeriods) expect(indicator.summableOverAreas, indicator.code).toBe(true);
      // Percentages and ratios never add up.
      if (indicator.unit === 'percent' || indicator.unit === 'ratio') {
        expect([indicator.summableOverAreas, indicator.summableOverPeriods], indicator.code).toEqual([false, false]);
      }
      if (indicator.unit === 'count') expect(indicator.countOf, indicator.code).toBeTruthy();
    }
  });

  it('adds events over periods, but stocks only over areas', () => {
    expect(getIndicator('criminal_offences')).toMatchObject({ summableOverAreas: true, summableOverPeriods: true, better: 'lower' });
    expect(getIndicator('guns_recovered')).toMatchObject({ summableOverPeriods: true, better: 'higher' });
    expect(getIndicator('cameras_installed')).toMatchObject({ summableOverAreas: true, summableOverPeriods: false });
    expect(getIndicator('self_management_boards')).toMatchObject({ summableOverAreas: true, summableOverPeriods: false, reportedBy: 'front' });
    // 32 model types in one province and 27 in another are not 59 types.
    expect(getIndicator('model_types_in_use')).toMatchObject({ summableOverAreas: false, summableOverPeriods: false });
    expect(getIndicator('rewards_vnd')).toMatchObject({ unit: 'vnd', summableOverPeriods: true });
  });

  it('looks codes up, guards them, and refuses an unknown one with UNKNOWN_INDICATOR', () => {
    expect(isIndicatorCode('snatch_thefts')).toBe(true);
    expect(isIndicatorCode(`i_${Math.random().toString(36).slice(2)}`)).toBe(false);
    expect(suggestIndicators('trộm cắp xe máy')[0]).toBe('motorbike_thefts');
    try {
      requireIndicator('criminal_ofences');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AntqError);
      expect((error as AntqError).code).toBe(ErrorCode.UNKNOWN_INDICATOR);
      expect((error as AntqError).message).toContain('"criminal_offences"');
      // The GraphQL error keeps the error's code; the unknown code travels as `value`.
      expect((error as AntqError).toExtensions()).toEqual({
        code: ErrorCode.UNKNOWN_INDICATOR,
        catalogue: 'indicator',
        value: 'criminal_ofences',
        suggestions: ['criminal_offences'],
      });
    }
  });
});
