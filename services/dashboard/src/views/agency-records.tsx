import { AGENCIES, type AgencyRecords } from '../api.js';
import { areaRequests } from '../area-data.js';
import { label, formatNumber, t, type Word } from '../i18n.js';
import { useLoad } from '../use-load.js';
import { Cite, cite, Loading, Panel, Problems, SourceList } from './common.js';

type View = AgencyRecords;

function Models({ view, numbers }: { view: View; numbers: readonly number[][] }) {
  if (view.models.totalCount === 0)
    return (
      <p class="muted">
        {t('models')}: {t('none')}
      </p>
    );
  return (
    <table class="records">
      <caption>
        {t('models')} ({formatNumber(view.models.totalCount)})
      </caption>
      <thead>
        <tr>
          <th scope="col">{t('models')}</th>
          <th scope="col">{t('owner')}</th>
          <th scope="col">{t('status')}</th>
          <th scope="col">{t('recognitions')}</th>
          <th scope="col">{t('linked')}</th>
          <th scope="col">{t('source')}</th>
        </tr>
      </thead>
      <tbody>
        {view.models.nodes.map((model, index) => (
          <tr key={model.id} data-record={model.id}>
            <th scope="row">
              {model.name}
              <small class="muted">{label(model.kind.label)}</small>
            </th>
            <td>{model.organisation}</td>
            <td>{model.status}</td>
            <td>{model.commendations.map((commendation) => `${commendation.by}${commendation.year ? ` (${commendation.year})` : ''}`).join('; ') || '—'}</td>
            <td>{model.linkedRecords.map((record) => `${record.__typename}: ${'name' in record && record.name ? record.name : record.id}`).join('; ') || '—'}</td>
            <Cite numbers={numbers[index] ?? []} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Forces({ view, numbers }: { view: View; numbers: readonly number[][] }) {
  if (view.forces.totalCount === 0)
    return (
      <p class="muted">
        {t('forces')}: {t('none')}
      </p>
    );
  return (
    <table class="records">
      <caption>
        {t('forces')} ({formatNumber(view.forces.totalCount)})
      </caption>
      <tbody>
        {view.forces.nodes.map((force, index) => (
          <tr key={force.id}>
            <th scope="row">
              {force.name}
              <small class="muted">{label(force.kind.label)}</small>
            </th>
            <td>{force.organisation}</td>
            <td class="num">
              {formatNumber(force.units)} {t('units')}
            </td>
            <td class="num">
              {formatNumber(force.members)} {t('members')}
            </td>
            <Cite numbers={numbers[index] ?? []} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One agency's models and forces, each row citing its sources, the documents listed below. */
function AgencyPanel({ view }: { view: View }) {
  const citations = cite([...view.models.nodes, ...view.forces.nodes].map((record) => record.sources));
  return (
    <>
      <Models view={view} numbers={citations.numbers.slice(0, view.models.nodes.length)} />
      <Forces view={view} numbers={citations.numbers.slice(view.models.nodes.length)} />
      <SourceList title={t('sourcesOfRecords')} list={citations.list} />
    </>
  );
}

/** Each agency's models and forces under the area (its subtree and pre-2025 units included). */
export function AgencyRecords({ code }: { code: string }) {
  const { loading, data, errors } = useLoad(() => areaRequests(code).records, [code]);
  return (
    <>
      {loading && <Loading />}
      <Problems errors={errors} />
      {data &&
        AGENCIES.map((agency) => {
          const view = data[agency] ?? null;
          return (
            <Panel key={agency} title={t(agency as Word)} id={`agency-${agency}`}>
              {view ? <AgencyPanel view={view} /> : <p class="muted">{t('none')}</p>}
            </Panel>
          );
        })}
    </>
  );
}
