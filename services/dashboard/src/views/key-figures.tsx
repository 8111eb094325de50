import { isRestricted } from '../api.js';
import { observedUnder, rollUps, yearOf, type FigureRow } from '../figures.js';
import { formatComparison, formatDate, formatNumber, label, t, type Word } from '../i18n.js';
import { useLoad } from '../use-load.js';
import { Loading, Panel, Problems, Restricted } from './common.js';

/** Each indicator reported under the area, for its latest year, against the year before. */
async function loadKeyFigures(code: string) {
  const observed = await observedUnder(code);
  const latest = new Map<string, { agency: (typeof observed.pairs)[number]['agency']; indicator: string; period: string }>();
  for (const pair of observed.pairs) {
    const key = `${pair.agency}|${pair.indicator}`;
    const year = yearOf(pair.period);
    if ((latest.get(key)?.period ?? '') < year) latest.set(key, { ...pair, period: year });
  }
  const byPeriod = new Map<string, { agency: (typeof observed.pairs)[number]['agency']; indicator: string }[]>();
  for (const pair of latest.values()) byPeriod.set(pair.period, [...(byPeriod.get(pair.period) ?? []), pair]);
  const parts = await Promise.all([...byPeriod].map(([period, wanted]) => rollUps(code, period, wanted)));
  return { data: parts.flatMap((part) => part.rows), errors: [...observed.errors, ...parts.flatMap((part) => part.errors)] };
}

/** "reported under Xã Long Hậu (until 01/07/2025)" for figures filed under a unit that has since ended. */
export function reportedUnderNotes(row: FigureRow): string[] {
  const notes = new Set<string>();
  for (const contribution of [...row.rollUp.contributions, ...row.rollUp.partial]) {
    const unit = contribution.reportedUnder;
    if (unit.validTo) notes.add(t('reportedUnder', { name: unit.fullName, date: formatDate(unit.validTo) }));
  }
  return [...notes];
}

export function KeyFigures({ code }: { code: string }) {
  const { loading, data, errors } = useLoad(() => loadKeyFigures(code), [code]);
  const refused = isRestricted(errors);
  return (
    <Panel title={t('keyFigures')} id="figures">
      {loading && <Loading />}
      {refused && <Restricted errors={errors} />}
      {!refused && <Problems errors={errors} />}
      {data && data.length === 0 && !refused && <p class="muted">{t('noFigures')}</p>}
      {data && data.length > 0 && (
        <table class="figures" data-testid="key-figures">
          <thead>
            <tr>
              <th scope="col">{t('indicator')}</th>
              <th scope="col">{t('agency')}</th>
              <th scope="col">{t('period')}</th>
              <th scope="col" class="num">
                {t('value')}
              </th>
              <th scope="col">{t('comparison')}</th>
            </tr>
          </thead>
          <tbody>
            {data.map((row) => (
              <tr key={`${row.agency}-${row.indicator.code}`} data-indicator={row.indicator.code}>
                <th scope="row">
                  {label(row.indicator.label)}
                  {reportedUnderNotes(row).map((note) => (
                    <small class="reported-under" key={note}>
                      {note}
                    </small>
                  ))}
                </th>
                <td>{t(row.agency as Word)}</td>
                <td>{row.rollUp.period}</td>
                <td class="num">{formatNumber(row.rollUp.value)}</td>
                <td class="comparison" data-direction={row.rollUp.comparison?.direction ?? ''}>
                  {formatComparison(row.rollUp.comparison)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
