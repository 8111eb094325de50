import { useState } from 'preact/hooks';
import { api, SEARCH_AREAS } from '../api.js';
import { formatDate, t } from '../i18n.js';
import { go } from '../route.js';

interface Hit {
  readonly code: string;
  readonly name: string;
  readonly where: string;
  /** "includes Xã Long Hậu until 2025-07-01" when an old name led here. */
  readonly note?: string;
}

/** Search by current and old names, diacritics ignored; an old name lands on the unit that took it over. */
export function AreaSearch() {
  const [text, setText] = useState('');
  const [hits, setHits] = useState<readonly Hit[] | undefined>(undefined);
  async function search(event: Event) {
    event.preventDefault();
    if (!text.trim()) return;
    const { data } = await api().request(SEARCH_AREAS, { search: text.trim() });
    const found = new Map<string, Hit>();
    for (const area of data?.current ?? []) found.set(area.code, { code: area.code, name: area.fullName, where: area.province?.fullName ?? '' });
    for (const old of data?.former ?? []) {
      if (old.current) continue;
      for (const link of old.currentUnits) {
        const note = t('includes', { name: old.fullName, date: formatDate(old.validTo ?? link.effectiveOn) });
        const earlier = found.get(link.area.code);
        found.set(link.area.code, {
          code: link.area.code,
          name: link.area.fullName,
          where: link.area.province?.fullName ?? '',
          note: earlier?.note ? `${earlier.note}; ${note}` : note,
        });
      }
    }
    setHits([...found.values()]);
  }
  return (
    <div class="search">
      <form role="search" onSubmit={search}>
        <label>
          {t('search')}{' '}
          <input name="search" type="search" value={text} placeholder={t('searchPlaceholder')} onInput={(event) => setText((event.currentTarget as HTMLInputElement).value)} />
        </label>
        <button type="submit">{t('searchButton')}</button>
      </form>
      {hits && (
        <ul class="hits" data-testid="search-results">
          {hits.length === 0 && <li>{t('noMatch')}</li>}
          {hits.map((hit) => (
            <li key={hit.code}>
              <button type="button" class="link" onClick={() => (setHits(undefined), go('area', hit.code))}>
                <strong>{hit.name}</strong>{' '}
                <span class="muted">
                  ({hit.code}
                  {hit.where ? `, ${hit.where}` : ''})
                </span>
              </button>
              {hit.note && <span class="note"> — {hit.note}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
