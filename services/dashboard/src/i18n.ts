import { signal } from './store.js';

/** Ngôn ngữ — Vietnamese by default, English on the toggle. */
export type Lang = 'vi' | 'en';

const LOCALES: Record<Lang, string> = { vi: 'vi-VN', en: 'en-GB' };

const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem('antq.lang');
export const lang = signal<Lang>(saved === 'en' ? 'en' : 'vi');
export function setLang(next: Lang): void {
  localStorage.setItem('antq.lang', next);
  document.documentElement.lang = next;
  lang.set(next);
}

/** The page's words in both languages; a label missing in one is a type error. */
const WORDS = {
  title: { vi: 'Bảng điều khiển phân tích ANTQ', en: 'ANTQ analysts’ dashboard' },
  language: { vi: 'Ngôn ngữ', en: 'Language' },
  signIn: { vi: 'Đăng nhập', en: 'Sign in' },
  signOut: { vi: 'Đăng xuất', en: 'Sign out' },
  token: { vi: 'Mã truy cập (token)', en: 'Access token' },
  tokenHelp: { vi: 'Dán token do nhà cung cấp định danh cấp (Authorization: Bearer …).', en: 'Paste the token your identity provider issued (Authorization: Bearer …).' },
  devIdentity: { vi: 'Danh tính phát triển (chế độ nhúng)', en: 'Development identity (embedded mode)' },
  useIdentity: { vi: 'Dùng danh tính này', en: 'Use this identity' },
  signedInAs: { vi: 'Đăng nhập với', en: 'Signed in as' },
  viewArea: { vi: 'Địa bàn', en: 'Area' },
  viewTrends: { vi: 'Xu hướng', en: 'Trends' },
  viewProvince: { vi: 'Tỉnh', en: 'Province' },
  viewChanges: { vi: 'Thay đổi', en: 'Changes' },
  views: { vi: 'Các màn hình', en: 'Views' },
  search: { vi: 'Tìm đơn vị hành chính', en: 'Search an administrative unit' },
  searchPlaceholder: { vi: 'vd. long hau, my loc', en: 'e.g. long hau, my loc' },
  searchButton: { vi: 'Tìm', en: 'Search' },
  noMatch: { vi: 'Không tìm thấy đơn vị nào.', en: 'No unit matches.' },
  includes: { vi: 'gồm {name} đến {date}', en: 'includes {name} until {date}' },
  loading: { vi: 'Đang tải…', en: 'Loading…' },
  lineage: { vi: 'Lịch sử đơn vị', en: 'Lineage' },
  versions: { vi: 'Các phiên bản', en: 'Versions' },
  predecessors: { vi: 'Đơn vị tiền thân', en: 'Predecessors' },
  successors: { vi: 'Đơn vị kế thừa', en: 'Successors' },
  current: { vi: 'hiện hành', en: 'current' },
  from: { vi: 'từ', en: 'from' },
  until: { vi: 'đến', en: 'until' },
  partialRelation: { vi: 'một phần', en: 'in part' },
  keyFigures: { vi: 'Số liệu chính', en: 'Key figures' },
  period: { vi: 'Kỳ', en: 'Period' },
  indicator: { vi: 'Chỉ tiêu', en: 'Indicator' },
  agency: { vi: 'Cơ quan', en: 'Agency' },
  value: { vi: 'Giá trị', en: 'Value' },
  previous: { vi: 'Kỳ trước', en: 'Previous' },
  change: { vi: 'Thay đổi', en: 'Change' },
  comparison: { vi: 'So sánh cùng kỳ', en: 'Against the previous period' },
  noFigureFor: { vi: 'không có số liệu {period}', en: 'no figure for {period}' },
  noFigures: { vi: 'Chưa có số liệu cho đơn vị này.', en: 'No figures for this unit.' },
  reportedUnder: { vi: 'báo cáo theo {name} (đến {date})', en: 'reported under {name} (until {date})' },
  partial: { vi: 'Phần đóng góp một phần (không cộng vào tổng)', en: 'Partial contributions (not added to the total)' },
  models: { vi: 'Mô hình', en: 'Models' },
  forces: { vi: 'Lực lượng', en: 'Forces' },
  owner: { vi: 'Đơn vị chủ trì', en: 'Owner' },
  status: { vi: 'Trạng thái', en: 'Status' },
  recognitions: { vi: 'Khen thưởng', en: 'Recognitions' },
  linked: { vi: 'Liên kết', en: 'Linked to' },
  members: { vi: 'thành viên', en: 'members' },
  units: { vi: 'đơn vị', en: 'units' },
  none: { vi: 'Không có', en: 'None' },
  restrictedTitle: { vi: 'Địa bàn trọng điểm, phức tạp', en: 'Key complex area designations' },
  restricted: {
    vi: 'Hạn chế: cần mức truy cập `{clearance}` hoặc được {owner} cấp quyền.',
    en: 'Restricted: needs clearance `{clearance}` or a grant from the {owner}.',
  },
  police: { vi: 'Công an', en: 'police' },
  front: { vi: 'Mặt trận Tổ quốc', en: 'Fatherland Front' },
  veterans: { vi: 'Hội Cựu chiến binh', en: 'Veterans’ Association' },
  youth: { vi: 'Đoàn Thanh niên', en: 'Youth Union' },
  agencyDown: { vi: 'Cơ quan {agency} không trả lời: {message}', en: 'The {agency} service did not answer: {message}' },
  error: { vi: 'Lỗi', en: 'Error' },
  province: { vi: 'Tỉnh / thành phố', en: 'Province' },
  rollUp: { vi: 'Tổng hợp chỉ tiêu', en: 'Indicator roll-up' },
  ranked: { vi: 'Xếp hạng đơn vị', en: 'Units ranked' },
  downloadCsv: { vi: 'Tải CSV', en: 'Download CSV' },
  showTable: { vi: 'Hiện bảng số liệu của biểu đồ', en: 'Show the chart’s data as a table' },
  unit: { vi: 'Đơn vị', en: 'Unit' },
  open: { vi: 'Mở', en: 'Open' },
  trendsTitle: { vi: 'Chỉ tiêu theo thời gian', en: 'An indicator over time' },
  reform: { vi: 'Sắp xếp 01/07/2025', en: 'Reform 2025-07-01' },
  before: { vi: 'trước', en: 'before' },
  changesTitle: { vi: 'Dòng thay đổi trực tiếp (mới nhất trước)', en: 'Live changes (newest first)' },
  waiting: { vi: 'Đang chờ thay đổi…', en: 'Waiting for changes…' },
  record: { vi: 'Hồ sơ', en: 'Record' },
  time: { vi: 'Thời gian', en: 'Time' },
  print: { vi: 'In báo cáo', en: 'Print report' },
  report: { vi: 'Báo cáo', en: 'Report' },
  sources: { vi: 'Nguồn số liệu', en: 'Data sources' },
  source: { vi: 'Nguồn', en: 'Source' },
  sourcesOfFigures: { vi: 'Nguồn của số liệu chính', en: 'Sources of the key figures' },
  sourcesOfRecords: { vi: 'Nguồn của hồ sơ', en: 'Sources of the records' },
  noSource: { vi: 'không ghi nguồn', en: 'no source given' },
  pickArea: { vi: 'Chọn một địa bàn trước (màn hình Địa bàn).', en: 'Pick an area first (Area view).' },
  needSignIn: { vi: 'Đăng nhập để xem số liệu.', en: 'Sign in to see the figures.' },
} as const satisfies Record<string, Record<Lang, string>>;

export type Word = keyof typeof WORDS;

/** A label in the current language, with `{name}` placeholders filled. */
export function t(word: Word, values: Record<string, string> = {}): string {
  return WORDS[word][lang.get()].replace(/\{(\w+)\}/g, (_match, key: string) => values[key] ?? '');
}

const locale = () => LOCALES[lang.get()];

/** 1.420 in vi, 1,420 in en. */
export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : new Intl.NumberFormat(locale(), { maximumFractionDigits: 2 }).format(value);
}

/** −64,9 % in vi, −64.9 % in en: a true minus sign and a space before %, as the reports write it. */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const digits = new Intl.NumberFormat(locale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(Math.abs(value));
  return `${value < 0 ? '−' : value > 0 ? '+' : ''}${digits} %`;
}

/** A YYYY-MM-DD date in the reader's locale (01/07/2025 in vi, 1 Jul 2025 in en). */
export function formatDate(date: string | null | undefined): string {
  if (!date) return '—';
  const [y, m, d] = date.slice(0, 10).split('-').map(Number);
  const options: Intl.DateTimeFormatOptions = lang.get() === 'vi' ? { day: '2-digit', month: '2-digit', year: 'numeric' } : { day: 'numeric', month: 'short', year: 'numeric' };
  return new Intl.DateTimeFormat(locale(), { ...options, timeZone: 'UTC' }).format(new Date(Date.UTC(y!, m! - 1, d!)));
}

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'short', timeStyle: 'medium' }).format(new Date(iso));
}

/** "13/37 (−64,9 %)": the period against the previous one, in the reader's locale. */
export function formatComparison(comparison: { current: number | null; previous: number | null; changePercent: number | null; previousPeriod: string } | null | undefined): string {
  if (!comparison || comparison.current === null) return '—';
  if (comparison.previous === null) return `${formatNumber(comparison.current)} (${t('noFigureFor', { period: comparison.previousPeriod })})`;
  const percent = comparison.changePercent === null ? '' : ` (${formatPercent(comparison.changePercent)})`;
  return `${formatNumber(comparison.current)}/${formatNumber(comparison.previous)}${percent}`;
}

export function label(value: { vi: string; en: string }): string {
  return value[lang.get()];
}
