import { isRestricted } from '../api.js';
import { areaRequests } from '../area-data.js';
import { formatDate, t } from '../i18n.js';
import { useLoad } from '../use-load.js';
import { AgencyRecords } from './agency-records.js';
import { AreaSearch } from './area-search.js';
import { Loading, Panel, Problems, ReportFooter, Restricted } from './common.js';
import { KeyFigures } from './key-figures.js';
import { LineageDiagram } from './lineage-diagram.js';

/** Police-restricted designations: the explanation for a caller without clearance, the records for one with it. */
function Designations({ code }: { code: string }) {
  const { loading, data, errors } = useLoad(() => areaRequests(code).designations, [code]);
  const refused = isRestricted(errors);
  return (
    <Panel title={t('restrictedTitle')} id="restricted" minHeight={80}>
      {loading && <Loading />}
      {refused ? <Restricted errors={errors} /> : <Problems errors={errors} />}
      {data && data.length === 0 && <p class="muted">{t('none')}</p>}
      {data && data.length > 0 && (
        <ul data-testid="designations">
          {data.map((designation) => (
            <li key={designation.id}>
              {designation.list} {designation.year}: {designation.problemTypes.join(', ')}
              {designation.decisionRef ? ` — ${designation.decisionRef}` : ''}
              {designation.results.map((result) => ` · ${result.year}: ${result.outcome}`).join('')}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

/** Địa bàn — one unit: lineage, key figures with comparisons, each agency's records, restricted panel. */
export function AreaView({ code }: { code: string | undefined }) {
  return (
    <div class="view area-view" data-testid="area-view">
      <div class="no-print">
        <AreaSearch />
      </div>
      {code && <AreaDetail code={code} />}
    </div>
  );
}

function AreaDetail({ code }: { code: string }) {
  const { loading, data: area, errors } = useLoad(() => areaRequests(code).lineage, [code]);
  // Every panel's request is in flight at once (areaRequests): none waits for the lineage to arrive first.
  return (
    <article class="report">
      <header class="report-header">
        <h2 data-testid="area-name">
          {area ? area.fullName : loading ? t('loading') : code} <span class="muted">({code})</span>
        </h2>
        {/* Its line is kept while the unit loads, so nothing below moves when it arrives. */}
        <p class="muted">
          {area ? (
            <>
              {area.ancestors.map((ancestor) => ancestor.fullName).join(' · ')} · {formatDate(area.validFrom)} – {area.validTo ? formatDate(area.validTo) : t('current')}
            </>
          ) : (
            '\u00a0'
          )}
        </p>
        <button type="button" class="no-print" onClick={() => print()}>
          {t('print')}
        </button>
      </header>
      <Problems errors={errors} />
      <Panel title={t('lineage')} id="lineage" minHeight={240}>
        {loading && <Loading />}
        {area && <LineageDiagram area={area} />}
      </Panel>
      <KeyFigures code={code} />
      <AgencyRecords code={code} />
      <Designations code={code} />
      <ReportFooter />
    </article>
  );
}
