import { useState } from 'preact/hooks';
import { isRestricted } from '../api.js';
import { indicatorCatalogue, observedUnder, rollUps, yearOf, type FigureRow } from '../figures.js';
import { formatDate, label, t, type Word } from '../i18n.js';
import { useLoad } from '../use-load.js';
import { Chart } from './chart.js';
import { Loading, Panel, Problems, Restricted } from './common.js';

const REFORM_YEAR = '2025';
const MAX_YEARS = 12;

/** Xu hướng — one indicator year by year, figures of the pre-2025 units stitched in, split units' shares shown apart. */
export function TrendsView({ code }: { code: string | undefined }) {
  if (!code) return <p class="notice">{t('pickArea')}</p>;
  return <Trends code={code} />;
}

function Trends({ code }: { code: string }) {
  const observed = useLoad(async () => {
    const [{ pairs, errors }, catalogue] = await Promise.all([observedUnder(code), indicatorCatalogue()]);
    return { data: { pairs, catalogue }, errors };
  }, [code]);
  const options = [...new Map((observed.data?.pairs ?? []).map((pair) => [`${pair.agency}|${pair.indicator}`, pair])).values()];
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const chosen = options.find((pair) => `${pair.agency}|${pair.indicator}` === picked) ?? options[0];
  return (
    <div class="view trends-view" data-testid="trends-view">
      <div class="toolbar">
        <label>
          {t('indicator')}
          <select name="indicator" value={chosen ? `${chosen.agency}|${chosen.indicator}` : ''} onChange={(event) => setPicked((event.currentTarget as HTMLSelectElement).value)}>
            {options.map((pair) => (
              <option key={`${pair.agency}|${pair.indicator}`} value={`${pair.agency}|${pair.indicator}`}>
                {observed.data?.catalogue.get(pair.indicator) ? label(observed.data.catalogue.get(pair.indicator)!.label) : pair.indicator} ({t(pair.agency as Word)})
              </option>
            ))}
          </select>
        </label>
      </div>
      {observed.loading && <Loading />}
      {isRestricted(observed.errors) ? <Restricted errors={observed.errors} /> : <Problems errors={observed.errors} />}
      {observed.data && options.length === 0 && <p class="muted">{t('noFigures')}</p>}
      {chosen && (
        <Series
          code={code}
          agency={chosen.agency}
          indicator={chosen.indicator}
          years={observed.data!.pairs.filter((pair) => pair.agency === chosen.agency && pair.indicator === chosen.indicator).map((pair) => yearOf(pair.period))}
        />
      )}
    </div>
  );
}

/** The years from the first report to now (at most MAX_YEARS), the reform's year included so the marker has a place. */
function yearRange(years: readonly string[]): string[] {
  const first = Math.min(...years.map(Number));
  const last = Math.max(...years.map(Number), Number(REFORM_YEAR));
  const from = Math.max(first, last - MAX_YEARS + 1);
  return Array.from({ length: last - from + 1 }, (_, index) => String(from + index));
}

function Series({ code, agency, indicator, years }: { code: string; agency: FigureRow['agency']; indicator: string; years: string[] }) {
  const range = yearRange(years);
  const { loading, data, errors } = useLoad(async () => {
    // Every year in one round of requests (one request for up to MAX_YEARS roll-ups).
    const { rows, errors } = await rollUps(
      code,
      range.map((period) => ({ agency, indicator, period })),
    );
    return { data: rows, errors };
  }, [code, agency, indicator, range.join()]);
  const first = data?.find((row) => row);
  const oldUnits = new Map<string, string>();
  for (const row of data ?? [])
    for (const item of [...(row?.rollUp.contributions ?? []), ...(row?.rollUp.partial ?? [])])
      if (item.reportedUnder.validTo)
        oldUnits.set(item.reportedUnder.code, t('reportedUnder', { name: item.reportedUnder.fullName, date: formatDate(item.reportedUnder.validTo) }));
  return (
    <Panel title={first ? label(first.indicator.label) : t('trendsTitle')} id="trend" minHeight={420}>
      {loading && <Loading />}
      <Problems errors={errors} />
      {data && (
        <>
          <Chart
            kind="line"
            xLabel={t('period')}
            caption={`${first ? label(first.indicator.label) : indicator} — ${range[0]}–${range.at(-1)}`}
            categories={range}
            markerAt={range.indexOf(REFORM_YEAR)}
            markerLabel={t('reform')}
            series={[
              { label: t('value'), values: data.map((row) => row?.rollUp.value ?? null), color: '#1d4ed8' },
              {
                label: t('partial'),
                values: data.map((row) => (row && row.rollUp.partial.length > 0 ? row.rollUp.partial.reduce((sum, part) => sum + part.value, 0) : null)),
                color: '#c2410c',
              },
            ]}
          />
          <ul class="notes" data-testid="old-units">
            {[...oldUnits.values()].map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </>
      )}
    </Panel>
  );
}
