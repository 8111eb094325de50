import { isRestricted } from '../api.js';
import { areaRequests } from '../area-data.js';
import type { FigureRow } from '../figures.js';
import { formatComparison, formatDate, formatNumber, label, t, type Word } from '../i18n.js';
import { useLoad } from '../use-load.js';
import { Cite, cite, Loading, Panel, Problems, Restricted, SourceList } from './common.js';

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
  const { loading, data, errors } = useLoad(() => areaRequests(code).figures, [code]);
  const refused = isRestricted(errors);
  const citations = cite((data ?? []).map((row) => row.sources));
  return (
    <Panel title={t('keyFigures')} id="figures" minHeight={480}>
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
              <th scope="col">{t('source')}</th>
            </tr>
          </thead>
          <tbody>
            {data.map((row, index) => (
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
                <Cite numbers={citations.numbers[index] ?? []} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <SourceList title={t('sourcesOfFigures')} list={citations.list} testId="figure-sources" />
    </Panel>
  );
}
