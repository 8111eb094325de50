/**
 * Dữ liệu mẫu của Đoàn Thanh niên — the Youth Union's part of the example dataset: the facts of
 * the source articles (/work/shared/seeds) that the Youth Union owns. Who owns which fact, and
 * why, is in services/README.md.
 */
import type { AgencyDataset, ExampleDataTarget } from '@antq/subgraph-kit';
import type { SecurityModelInput } from '@antq/sdk';

type WithId<T> = T & { readonly id: string };

const LONG_HAU = '28168'; // Xã Long Hậu, huyện Cần Giuộc, tỉnh Long An

const youth = { agency: 'youth', organisation: 'youth_union' } as const;

const S002 = {
  title: "002_4e89c4f139ec771b.txt — Long Hậu: 'Điểm sáng' trong phong trào Toàn dân bảo vệ an ninh Tổ quốc",
  date: '2023-10-30',
};

// 002 — Long Hậu, 2023: "Đoàn Thanh niên có mô hình …".
const models = [
  {
    id: 'youth-model-long-hau-law-awareness-club-2023',
    ...youth,
    kind: 'law_awareness_club',
    name: 'Câu lạc bộ Tuyên truyền pháp luật',
    status: 'active',
    areaCode: LONG_HAU,
    sources: [S002],
  },
  {
    id: 'youth-model-long-hau-digital-transformation-club-2023',
    ...youth,
    kind: 'youth_digital_transformation_club',
    name: 'CLB Thanh niên chuyển đổi số',
    status: 'active',
    areaCode: LONG_HAU,
    sources: [S002],
  },
] as const satisfies readonly WithId<SecurityModelInput>[];

/** The Youth Union's models from the five articles (the articles give it no figures). */
export const youthDataset: AgencyDataset = { agency: 'youth', models };

/**
 * Loads the Youth Union’s example data; idempotent. Returns how many records were written. The kit is
 * imported here, not at the top, so that this module stays plain data that tests and tools can
 * read without the server stack.
 */
export async function loadYouthExampleData(target: ExampleDataTarget): Promise<number> {
  const { loadAgencyDataset } = await import('@antq/subgraph-kit');
  return loadAgencyDataset(target.storage, target.registry, youthDataset);
}
