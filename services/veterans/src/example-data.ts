/**
 * Dữ liệu mẫu của Hội Cựu chiến binh — the Veterans' Association's part of the example dataset:
 * the facts of the source articles (/work/shared/seeds) that the veterans own. Who owns which
 * fact, and why, is in services/README.md.
 */
import type { AgencyDataset, ExampleDataTarget } from '@antq/subgraph-kit';
import type { SecurityModelInput } from '@antq/sdk';

type WithId<T> = T & { readonly id: string };

const LONG_HAU = '28168'; // Xã Long Hậu, huyện Cần Giuộc, tỉnh Long An
const NGHE_AN = '40'; // Tỉnh Nghệ An

const veterans = { agency: 'veterans', organisation: 'veterans_association' } as const;

const S002 = {
  title: "002_4e89c4f139ec771b.txt — Long Hậu: 'Điểm sáng' trong phong trào Toàn dân bảo vệ an ninh Tổ quốc",
  date: '2023-10-30',
};
const S003 = {
  title: '003_63db35812c8a6911.txt — Nghệ An: Nhiều mô hình hiệu quả về bảo đảm an ninh trật tự ở cơ sở',
  date: '2023-06-15',
};

const models = [
  // 002 — Long Hậu, 2023: "Hội Cựu chiến binh có mô hình …".
  {
    id: 'veterans-model-long-hau-shock-force-2023',
    ...veterans,
    kind: 'veterans_crime_shock_force',
    name: 'Cựu chiến binh - cựu quân nhân xung kích phòng, chống tội phạm',
    status: 'active',
    areaCode: LONG_HAU,
    sources: [S002],
  },
  {
    id: 'veterans-model-long-hau-offender-reintegration-2023',
    ...veterans,
    kind: 'offender_reintegration',
    name: 'Quản lý cảm hóa giáo dục người vi phạm tái hòa nhập cộng đồng',
    status: 'active',
    areaCode: LONG_HAU,
    sources: [S002],
  },
  {
    id: 'veterans-model-long-hau-landlords-2023',
    ...veterans,
    kind: 'veterans_self_managed_boarding_house',
    name: 'Cựu chiến binh - cựu quân nhân làm chủ nhà trọ tự quản về ANTT',
    description:
      'Veteran and former-soldier landlords keep their boarding houses self-managed for security and order, alongside the police’s safe boarding-house model of the commune.',
    status: 'active',
    areaCode: LONG_HAU,
    linkedRecords: [{ agency: 'police', kind: 'security_model', id: 'police-model-long-hau-safe-boarding-houses-2023' }],
    sources: [S002],
  },
  // 003 — Nghệ An, 2023.
  {
    id: 'veterans-model-nghe-an-veterans-for-security-2023',
    ...veterans,
    kind: 'veterans_for_security',
    name: 'Cựu chiến binh với công tác đảm bảo an ninh trật tự',
    description:
      'Together with the police’s "Tổ tuần tra Nhân dân của Ban tự quản về an ninh trật tự" it became an example of building on-the-spot forces and uniting residents, under the local Party committees and governments, to denounce and deter lawbreaking.',
    status: 'replicated',
    areaCode: NGHE_AN,
    replication: { sites: 19, siteKind: 'site', note: '19 điểm — one count for this model and the people’s patrol model together, as the article gives it.' },
    sources: [S003],
  },
] as const satisfies readonly WithId<SecurityModelInput>[];

/** The Veterans' Association's models from the five articles (the articles give it no figures). */
export const veteransDataset: AgencyDataset = { agency: 'veterans', models };

/**
 * Loads the veterans’ example data; idempotent. Returns how many records were written. The kit is
 * imported here, not at the top, so that this module stays plain data that tests and tools can
 * read without the server stack.
 */
export async function loadVeteransExampleData(target: ExampleDataTarget): Promise<number> {
  const { loadAgencyDataset } = await import('@antq/subgraph-kit');
  return loadAgencyDataset(target.storage, target.registry, veteransDataset);
}
