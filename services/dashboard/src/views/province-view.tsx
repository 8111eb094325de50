import { useEffect, useState } from 'preact/hooks';
import { api, AREA_LINEAGE, isRestricted } from '../api.js';
import { downloadCsv } from '../csv.js';
import { inCatalogueOrder, observedUnder, rollUps, sourcesFor, yearOf, type FigureRow, type Reported } from '../figures.js';
import { formatComparison, formatNumber, formatPercent, label, t, type Word } from '../i18n.js';
import { go } from '../route.js';
import { useLoad } from '../use-load.js';
import { Chart } from './chart.js';
import { Loading, Panel, Problems, ReportFooter, Restricted } from './common.js';

/** The province of the area in the route (a province code stands for itself); Tây Ninh (80) when none. */
function useProvince(code: string | undefined) {
  return useLoad(async () => {
    const { data, errors } = await api().request(AREA_LINEAGE, { code: code ?? '80' });
    const area = data?.area;
    return { data: area ? (area.level === 'PROVINCE' ? { code: area.code, fullName: area.fullName } : area.province) : null, errors };
  }, [code]);
}

/** The units a figure came from, summed per unit and ranked: the communes (and former units) of the province. */
export function rankUnits(row: FigureRow): { code: string; name: string; value: number }[] {
  const units = new Map<string, { code: string; name: string; value: number }>();
  for (const contribution of row.rollUp.contributions) {
    const unit = units.get(contribution.area.code) ?? { code: contribution.area.code, name: contribution.area.fullName, value: 0 };
    unit.value += contribution.value;
    units.set(unit.code, unit);
  }
  return [...units.values()].sort((a, b) => b.value - a.value);
}

export function ProvinceView({ code }: { code: string | undefined }) {
  const province = useProvince(code);
  return (
    <div class="view province-view" data-testid="province-view">
      {province.loading && <Loading />}
      <Problems errors={province.errors} />
      {province.data && <ProvinceReport code={province.data.code} name={province.data.fullName} />}
    </div>
  );
}

function ProvinceReport({ code, name }: { code: string; name: string }) {
  const observed = useLoad(async () => {
    const { pairs, errors } = await observedUnder(code);
    return { data: pairs, errors };
  }, [code]);
  const years = [...new Set((observed.data ?? []).map((pair) => yearOf(pair.period)))].sort().reverse();
  const [period, setPeriod] = useState<string | undefined>(undefined);
  const chosen = period && years.includes(period) ? period : years[0];
  return (
    <article class="report">
      <header class="report-header">
        <h2 data-testid="province-name">
          {name} <span class="muted">({code})</span>
        </h2>
        <p class="print-only">
          {t('period')}: {chosen}
        </p>
      </header>
      <div class="toolbar no-print">
        <label>
          {t('period')}
          <select name="period" value={chosen} onChange={(event) => setPeriod((event.currentTarget as HTMLSelectElement).value)}>
            {years.map((year) => (
              <option key={year}>{year}</option>
            ))}
          </select>
        </label>
      </div>
      {observed.loading && <Loading />}
      {isRestricted(observed.errors) ? <Restricted errors={observed.errors} /> : <Problems errors={observed.errors} />}
      {chosen && observed.data && <ProvinceFigures code={code} period={chosen} wanted={observed.data.filter((pair) => yearOf(pair.period) === chosen)} />}
      <ReportFooter />
    </article>
  );
}

function ProvinceFigures({ code, period, wanted }: { code: string; period: string; wanted: Reported[] }) {
  const key = wanted.map((pair) => `${pair.agency}|${pair.indicator}`);
  const unique = [...new Map(wanted.map((pair) => [`${pair.agency}|${pair.indicator}`, pair])).values()];
  const {
    loading,
    data: rows,
    errors,
  } = useLoad(async () => {
    const { rows, errors } = await rollUps(
      code,
      unique.map((pair) => ({ agency: pair.agency, indicator: pair.indicator, period, sources: sourcesFor(wanted, { ...pair, period }) })),
    );
    return { data: await inCatalogueOrder(rows), errors };
  }, [code, period, key.join(',')]);
  const [picked, setPicked] = useState<string | undefined>(undefined);
  useEffect(() => setPicked(undefined), [code, period]);
  const chartRow = rows?.find((row) => `${row.agency}|${row.indicator.code}` === picked) ?? rows?.[0];
  return (
    <>
      <Panel title={`${t('rollUp')} — ${period}`} id="rollup" minHeight={200}>
        {loading && <Loading />}
        <Problems errors={errors} />
        {rows && (
          <>
            <button type="button" class="no-print" data-testid="download-csv" onClick={() => void downloadCsv(rows, `antq-rollup-${code}-${period}.csv`)}>
              {t('downloadCsv')}
            </button>
            <RollUpTable rows={rows} />
          </>
        )}
      </Panel>
      {rows && chartRow && (
        <Panel title={`${t('ranked')} — ${label(chartRow.indicator.label)}`} id="ranked" minHeight={380}>
          <div class="toolbar no-print">
            <label>
              {t('indicator')}
              <select name="indicator" value={`${chartRow.agency}|${chartRow.indicator.code}`} onChange={(event) => setPicked((event.currentTarget as HTMLSelectElement).value)}>
                {rows.map((row) => (
                  <option key={`${row.agency}|${row.indicator.code}`} value={`${row.agency}|${row.indicator.code}`}>
                    {label(row.indicator.label)} ({t(row.agency as Word)})
                  </option>
                ))}
              </select>
            </label>
          </div>
          <RankedUnits row={chartRow} />
        </Panel>
      )}
    </>
  );
}

function RankedUnits({ row }: { row: FigureRow }) {
  const ranked = rankUnits(row);
  return (
    <Chart
      kind="bars"
      xLabel={t('unit')}
      caption={`${label(row.indicator.label)} — ${row.rollUp.period}`}
      categories={ranked.map((unit) => unit.name)}
      series={[{ label: label(row.indicator.label), values: ranked.map((unit) => unit.value), color: '#9b1c1c' }]}
      onPick={(index) => ranked[index] && go('area', ranked[index].code)}
    />
  );
}

function RollUpTable({ rows }: { rows: readonly FigureRow[] }) {
  return (
    <table class="figures" data-testid="rollup-table">
      <thead>
        <tr>
          <th scope="col">{t('indicator')}</th>
          <th scope="col">{t('agency')}</th>
          <th scope="col" class="num">
            {t('value')}
          </th>
          <th scope="col" class="num">
            {t('previous')}
          </th>
          <th scope="col" class="num">
            {t('change')}
          </th>
          <th scope="col">{t('comparison')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={`${row.agency}-${row.indicator.code}`} data-indicator={row.indicator.code} data-agency={row.agency.toUpperCase()} data-value={row.rollUp.value ?? ''}>
            <th scope="row">
              {label(row.indicator.label)}
              {row.rollUp.partial.length > 0 && (
                <small class="reported-under">
                  {t('partial')}: {row.rollUp.partial.map((part) => `${part.area.fullName} ${formatNumber(part.value)}`).join('; ')}
                </small>
              )}
            </th>
            <td>{t(row.agency as Word)}</td>
            <td class="num">{formatNumber(row.rollUp.value)}</td>
            <td class="num">
              {formatNumber(row.rollUp.comparison?.previous)} <small class="muted">{row.rollUp.comparison?.previousPeriod}</small>
            </td>
            <td class="num">{formatPercent(row.rollUp.comparison?.changePercent)}</td>
            <td class="comparison">{formatComparison(row.rollUp.comparison)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
