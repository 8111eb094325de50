import { describe, expect, it } from 'vitest';
import { AntqError, ErrorCode } from '../errors.js';
import { agencyCarriesOrganisation } from './agencies.js';
import { getModelKind, isModelKindCode, MODEL_KINDS, requireModelKind, suggestModelKinds } from './model-kinds.js';

/**
 * Every model the source articles name, as (seed file, phrase as written in the article, kind).
 * The phrases were checked verbatim against /work/shared/seeds/*.txt when this table was written.
 */
const SEED_MODELS: readonly (readonly [seed: string, phrase: string, kind: string])[] = [
  ['000_a7ea2bf832c86f30.txt', '1 trưởng và 1 phó trưởng công an chính quy', 'regular_commune_police'],
  ['000_a7ea2bf832c86f30.txt', 'Rào chắn ANTT', 'security_barrier'],
  ['000_a7ea2bf832c86f30.txt', 'mô hình Camera an ninh với 150 camera', 'security_camera'],
  ['000_a7ea2bf832c86f30.txt', 'Trung tâm quan sát “Camera an ninh”', 'camera_observation_centre'],
  ['001_dd7c2b3e7725a3b0.txt', 'các mô hình quần chúng “tự quản, tự phòng”', 'self_managed_security_group'],
  ['002_4e89c4f139ec771b.txt', 'Nhà trọ an toàn không có tội phạm gắn với camera giám sát ANTT', 'safe_boarding_house'],
  ['002_4e89c4f139ec771b.txt', 'CLB Nhà trọ an toàn', 'safe_boarding_house_club'],
  ['002_4e89c4f139ec771b.txt', 'Quản lý, cảm hóa, giáo dục, giúp đỡ người nghiện ma túy', 'community_drug_user_support'],
  ['002_4e89c4f139ec771b.txt', 'Khu dân cư bảo đảm ANTT và an toàn phòng cháy, chữa cháy', 'security_fire_safe_residential_area'],
  ['002_4e89c4f139ec771b.txt', 'hướng dẫn cài đặt, kích hoạt tài khoản định danh điện tử', 'electronic_identity_guidance'],
  ['002_4e89c4f139ec771b.txt', 'Gắn camera ở các khu dân cư', 'residential_area_camera'],
  ['002_4e89c4f139ec771b.txt', 'Hỗ trợ thẻ bảo hiểm y tế cho lực lượng nòng cốt', 'core_force_health_insurance'],
  ['002_4e89c4f139ec771b.txt', 'Hỗ trợ kinh phí cho người bị tai nạn giao thông nặng', 'traffic_victim_support'],
  ['002_4e89c4f139ec771b.txt', 'Zalo tố giác tội phạm', 'zalo_crime_reporting'],
  ['002_4e89c4f139ec771b.txt', 'Tổ công dân vì môi trường sáng, xanh, sạch, đẹp, tự quản về ANTT', 'clean_environment_security_group'],
  ['002_4e89c4f139ec771b.txt', 'Cựu chiến binh - cựu quân nhân xung kích phòng, chống tội phạm', 'veterans_crime_shock_force'],
  ['002_4e89c4f139ec771b.txt', 'quản lý cảm hóa giáo dục người vi phạm tái hòa nhập cộng đồng', 'offender_reintegration'],
  ['002_4e89c4f139ec771b.txt', 'Cựu chiến binh - cựu quân nhân làm chủ nhà trọ tự quản về ANTT', 'veterans_self_managed_boarding_house'],
  ['002_4e89c4f139ec771b.txt', 'Câu lạc bộ (CLB) Tuyên truyền pháp luật', 'law_awareness_club'],
  ['002_4e89c4f139ec771b.txt', 'CLB Thanh niên chuyển đổi số', 'youth_digital_transformation_club'],
  ['002_4e89c4f139ec771b.txt', 'các đợt cao điểm tấn công, trấn áp tội phạm', 'peak_crime_suppression'],
  ['002_4e89c4f139ec771b.txt', 'tuần tra ban đêm', 'night_patrol'],
  ['002_4e89c4f139ec771b.txt', 'diễn đàn Công an xã lắng nghe ý kiến nhân dân', 'police_listen_forum'],
  ['002_4e89c4f139ec771b.txt', 'tạm trú, lưu trú qua Cổng dịch vụ công trực tuyến', 'online_residence_registration'],
  ['002_4e89c4f139ec771b.txt', 'phối hợp tốt Đồn Công an Khu công nghiệp Long Hậu', 'industrial_zone_police_coordination'],
  ['002_4e89c4f139ec771b.txt', 'Camera giám sát ANTT', 'security_camera'],
  ['003_63db35812c8a6911.txt', 'Giáo xứ, giáo họ bình yên, không có tội phạm và tệ nạn xã hội', 'peaceful_parish'],
  ['003_63db35812c8a6911.txt', 'Hỗ trợ cộng đồng phòng chống tội phạm mua bán người', 'anti_trafficking_community_support'],
  ['003_63db35812c8a6911.txt', 'Dòng họ tiêu biểu về an ninh trật tự', 'exemplary_clan'],
  ['003_63db35812c8a6911.txt', 'Cụm liên kết tự quản về ANTT', 'self_management_cluster'],
  ['003_63db35812c8a6911.txt', 'Tiếng kẻng bình yên', 'peaceful_gong'],
  ['003_63db35812c8a6911.txt', 'làng bản, khối xóm “sạch về ma tuý, không có tội phạm và tệ nạn xã hội”', 'drug_crime_free_village'],
  ['003_63db35812c8a6911.txt', '“Camera an ninh” xây dựng tại 32 điểm', 'security_camera'],
  ['003_63db35812c8a6911.txt', 'Thôn, xóm không có tội phạm, tệ nạn xã hội', 'crime_free_hamlet'],
  ['003_63db35812c8a6911.txt', 'Đường cờ Tổ quốc tại các cơ sở tôn giáo', 'national_flag_road'],
  ['003_63db35812c8a6911.txt', 'Cựu chiến binh với công tác đảm bảo an ninh trật tự', 'veterans_for_security'],
  ['003_63db35812c8a6911.txt', 'Tổ tuần tra Nhân dân của Ban tự quản về an ninh trật tự', 'peoples_patrol'],
  ['003_63db35812c8a6911.txt', 'tổ liên gia phòng cháy, chữa cháy', 'fire_safety_household_group'],
  ['003_63db35812c8a6911.txt', 'chung cư an toàn về phòng cháy, chữa cháy', 'fire_safe_apartment_building'],
  ['003_63db35812c8a6911.txt', 'tự giác giao nộp vũ khí và vật liệu nổ', 'weapons_surrender'],
  ['003_63db35812c8a6911.txt', 'Xã biên giới sạch về ma túy', 'drug_free_border_commune'],
  ['003_63db35812c8a6911.txt', 'mô hình "Bảo đảm ANTT" tại Làng Phan', 'security_assurance'],
  ['004_226c72acf191d1bb.txt', 'Dân cử dân nuôi', 'community_hired_guards'],
  ['004_226c72acf191d1bb.txt', 'tổ hòa giải', 'grassroots_mediation'],
  ['004_226c72acf191d1bb.txt', 'Tiếng chuông cảnh báo', 'alarm_bell'],
  ['004_226c72acf191d1bb.txt', 'Mô hình Camera an ninh với 436 mắt camera', 'security_camera'],
  ['004_226c72acf191d1bb.txt', 'tổ an ninh tự quản', 'self_managed_security_group'],
  ['004_226c72acf191d1bb.txt', 'trên không gian mạng facebook, zalo', 'online_movement_propaganda'],
  ['004_226c72acf191d1bb.txt', 'Mô hình Vận động người dân giao nộp vũ khí', 'weapons_surrender'],
];

describe('model-kind catalogue', () => {
  it.each(SEED_MODELS)('%s: "%s" is model kind %s', (_seed, _phrase, kind) => {
    expect(getModelKind(kind)?.code).toBe(kind);
  });

  it('has a seed model for every kind but "other"', () => {
    const used = new Set(SEED_MODELS.map(([, , kind]) => kind));
    expect(MODEL_KINDS.map((k) => k.code).filter((code) => !used.has(code))).toEqual(['other']);
  });

  it('gives every kind both labels, a description and an owner its agency carries', () => {
    for (const kind of MODEL_KINDS) {
      expect(kind.label.vi.trim(), kind.code).not.toBe('');
      expect(kind.label.en.trim(), kind.code).not.toBe('');
      expect(kind.description.length, kind.code).toBeGreaterThan(10);
      expect(agencyCarriesOrganisation(kind.agency, kind.organisation), kind.code).toBe(true);
    }
  });

  it('puts the Front’s, the Women’s Union’s, the veterans’ and the youth’s seed models with them', () => {
    expect(getModelKind('zalo_crime_reporting')).toMatchObject({ agency: 'front', organisation: 'womens_union' });
    expect(getModelKind('core_force_health_insurance')).toMatchObject({ agency: 'front', organisation: 'fatherland_front' });
    expect(getModelKind('veterans_self_managed_boarding_house')).toMatchObject({ agency: 'veterans' });
    expect(getModelKind('youth_digital_transformation_club')).toMatchObject({ agency: 'youth', organisation: 'youth_union' });
  });

  it('looks codes up and guards them', () => {
    const random = `kind_${Math.random().toString(36).slice(2)}`;
    expect(getModelKind(random)).toBeUndefined();
    expect(isModelKindCode(random)).toBe(false);
    expect(isModelKindCode('peaceful_gong')).toBe(true);
    expect(isModelKindCode(42)).toBe(false);
    expect(requireModelKind('alarm_bell').label.vi).toBe('Tiếng chuông cảnh báo');
  });

  it('refuses an unknown kind with BAD_USER_INPUT naming the closest kinds', () => {
    const error = (() => {
      try {
        requireModelKind('security_camra');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(AntqError);
    expect((error as AntqError).code).toBe(ErrorCode.BAD_USER_INPUT);
    expect((error as AntqError).message).toContain('"security_camera"');
    expect((error as AntqError).details).toMatchObject({ value: 'security_camra', suggestions: ['security_camera'] });
  });

  it('finds a kind by its Vietnamese name, with or without diacritics', () => {
    expect(suggestModelKinds('Camera an ninh')[0]).toBe('security_camera');
    expect(suggestModelKinds('tieng keng binh yen')[0]).toBe('peaceful_gong');
    expect(suggestModelKinds('Dân cử dân nuôi')[0]).toBe('community_hired_guards');
    expect(suggestModelKinds(Math.random().toString(36).slice(2, 12))).toEqual([]);
  });
});
